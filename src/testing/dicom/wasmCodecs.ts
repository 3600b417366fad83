/**
 * Loads the Cornerstone WebAssembly codec builds (CharLS for JPEG-LS, OpenJPEG for JPEG 2000)
 * that the viewer itself decodes with, so fixtures are encoded by the same libraries.
 *
 * The packages ship no type declarations; the small interfaces below are the part of their
 * embind API that the fixtures use. The module specifier is passed through a variable so the
 * type checker does not look for declarations. The emscripten factories print [INFO] lines on
 * start; the module object we pass silences them.
 */

/** Image description the codecs take and return. */
export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

/** An embind encoder: fill `getDecodedBuffer(frameInfo)`, call `encode()`, copy `getEncodedBuffer()`. */
export interface WasmEncoder {
  getDecodedBuffer(frameInfo: CodecFrameInfo & { isUsingColorTransform?: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

/** An embind decoder: fill `getEncodedBuffer(length)`, call `decode()`, copy `getDecodedBuffer()`. */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
}

export interface CharlsModule {
  JpegLSEncoder: new () => WasmEncoder & { setNearLossless(n: number): void };
  JpegLSDecoder: new () => WasmDecoder;
}

export interface OpenJpegModule {
  J2KEncoder: new () => WasmEncoder & { setDecompositions(n: number): void; setQuality(lossless: boolean, quality: number): void };
  J2KDecoder: new () => WasmDecoder;
}

type Factory<T> = (moduleOverrides?: object) => Promise<T>;

const cache = new Map<string, Promise<unknown>>();

async function load<T>(specifier: string): Promise<T> {
  let module = cache.get(specifier);
  if (!module) {
    module = (async () => {
      const imported = (await import(/* @vite-ignore */ specifier)) as { default: Factory<T> };
      // A fresh module object per library: emscripten registers each library's bindings on it.
      return imported.default({ print() {}, printErr() {} });
    })();
    cache.set(specifier, module);
  }
  return module as Promise<T>;
}

export function loadCharls(): Promise<CharlsModule> {
  return load<CharlsModule>('@cornerstonejs/codec-charls');
}

export function loadOpenJpeg(): Promise<OpenJpegModule> {
  return load<OpenJpegModule>('@cornerstonejs/codec-openjpeg');
}

/** Runs an embind encoder on one frame and returns a copy of the bitstream (WASM memory is reused). */
export function runEncoder(encoder: WasmEncoder, frameInfo: CodecFrameInfo, pixelBytes: Uint8Array): Uint8Array {
  try {
    encoder.getDecodedBuffer({ ...frameInfo, isUsingColorTransform: false }).set(pixelBytes);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

/** Runs an embind decoder; returns a copy of the decoded bytes and the stream's frame info. */
export function runDecoder(decoder: WasmDecoder, encoded: Uint8Array): { bytes: Uint8Array; frameInfo: CodecFrameInfo } {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    return { bytes: decoder.getDecodedBuffer().slice(), frameInfo: decoder.getFrameInfo() };
  } finally {
    decoder.delete();
  }
}
