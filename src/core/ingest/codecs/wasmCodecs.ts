/**
 * The Cornerstone WebAssembly codecs (JPEG 2000, HTJ2K, JPEG-LS, 8-bit JPEG), loaded once on
 * first use. In Node each module finds its .wasm beside its .js; a browser bundle must say
 * where the .wasm files are served from, with `configureCodecs`.
 */

export type WasmCodecName = 'openjpeg' | 'openjph' | 'charls' | 'libjpegturbo';

export interface CodecConfig {
  /** URL of each codec's decoder .wasm, for bundles where the default lookup cannot work. */
  wasmUrl?: Partial<Record<WasmCodecName, string>>;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  decode(): void;
  decodeSubResolution?(level: number): void;
  delete?(): void;
}

type DecoderModule = Record<string, new () => EmscriptenDecoder>;
type ModuleFactory = (overrides: object) => Promise<DecoderModule>;

let config: CodecConfig = {};
const modules = new Map<WasmCodecName, Promise<DecoderModule>>();

export function configureCodecs(next: CodecConfig): void {
  config = next;
  modules.clear();
}

async function importFactory(name: WasmCodecName): Promise<ModuleFactory> {
  // Static specifiers so bundlers see and split each codec; only the ones a study needs load.
  switch (name) {
    case 'openjpeg':
      return (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default as unknown as ModuleFactory;
    case 'openjph':
      return (await import('@cornerstonejs/codec-openjph/wasmjs')).default as unknown as ModuleFactory;
    case 'charls':
      return (await import('@cornerstonejs/codec-charls/decodewasmjs')).default as unknown as ModuleFactory;
    case 'libjpegturbo':
      return (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default as unknown as ModuleFactory;
  }
}

function loadModule(name: WasmCodecName): Promise<DecoderModule> {
  let pending = modules.get(name);
  if (!pending) {
    pending = importFactory(name).then((factory) => {
      const url = config.wasmUrl?.[name];
      const quiet = () => undefined; // the codecs print progress lines on every frame
      return factory({
        print: quiet,
        printErr: quiet,
        ...(url ? { locateFile: (file: string) => (file.endsWith('.wasm') ? url : file) } : {}),
      });
    });
    modules.set(name, pending);
  }
  return pending;
}

const decoderClass: Record<WasmCodecName, string> = {
  openjpeg: 'J2KDecoder',
  openjph: 'HTJ2KDecoder',
  charls: 'JpegLSDecoder',
  libjpegturbo: 'JPEGDecoder',
};

export interface DecodedFrame {
  /** Samples copied out of the codec's memory: Uint8Array for 8-bit, Uint16Array/Int16Array otherwise. */
  samples: Uint8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
}

export async function decodeWithWasm(name: WasmCodecName, encoded: Uint8Array): Promise<DecodedFrame> {
  const mod = await loadModule(name);
  const decoder = new mod[decoderClass[name]]();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    if (name === 'openjph') decoder.decodeSubResolution!(0);
    else decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const copy = decoded.slice(); // the view points into WebAssembly memory that the next decode reuses
    const samples =
      info.bitsPerSample <= 8
        ? copy
        : info.isSigned
          ? new Int16Array(copy.buffer, 0, copy.length / 2)
          : new Uint16Array(copy.buffer, 0, copy.length / 2);
    return { samples, width: info.width, height: info.height };
  } finally {
    decoder.delete?.();
  }
}
