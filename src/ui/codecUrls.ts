/** URLs of the image codecs' WebAssembly files, emitted by Vite as assets of the build. */
import openjpeg from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import charls from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegturbo from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjph from '@cornerstonejs/codec-openjph/wasm?url';
import type { CodecUrls } from '../worker/protocol';

const absolute = (u: string) => new URL(u, window.location.href).href;

/** Absolute, so the worker resolves them the same way whatever its own URL is. */
export const codecWasmUrls: CodecUrls = {
  openjpeg: absolute(openjpeg),
  charls: absolute(charls),
  libjpegturbo: absolute(libjpegturbo),
  openjph: absolute(openjph),
};
