/**
 * Stored pixel values of one frame, whatever its transfer syntax, as a typed array of
 * rows × columns samples (before RescaleSlope/Intercept).
 */
import type { DicomImage, PixelFormat } from '../dicom/dicomImage';
import { TransferSyntax } from '../dicom/tags';
import { decodeRle } from './rle';
import { decodeWithWasm, type WasmCodecName } from './wasmCodecs';

export type StoredSamples = Uint8Array | Int8Array | Uint16Array | Int16Array;

const wasmCodecFor: Record<string, WasmCodecName> = {
  [TransferSyntax.Jpeg2000Lossless]: 'openjpeg',
  [TransferSyntax.Jpeg2000]: 'openjpeg',
  [TransferSyntax.Htj2kLossless]: 'openjph',
  [TransferSyntax.Htj2kLosslessRpcl]: 'openjph',
  [TransferSyntax.Htj2k]: 'openjph',
  [TransferSyntax.JpegLsLossless]: 'charls',
  [TransferSyntax.JpegLsNearLossless]: 'charls',
  [TransferSyntax.JpegBaseline]: 'libjpegturbo',
};

const transferSyntaxNames: Record<string, string> = {
  [TransferSyntax.JpegExtended]: 'JPEG Extended (12-bit lossy)',
};

export function isSupportedTransferSyntax(uid: string): boolean {
  return (
    uid in wasmCodecFor ||
    uid === TransferSyntax.ImplicitLittle ||
    uid === TransferSyntax.ExplicitLittle ||
    uid === TransferSyntax.DeflatedExplicitLittle ||
    uid === TransferSyntax.ExplicitBig ||
    uid === TransferSyntax.Rle ||
    uid === TransferSyntax.JpegLossless ||
    uid === TransferSyntax.JpegLosslessSV1
  );
}

export function unsupportedTransferSyntaxReason(uid: string): string {
  const name = transferSyntaxNames[uid] ?? `transfer syntax ${uid}`;
  return `${name} cannot be decoded here: export the series uncompressed or as JPEG 2000/JPEG-LS lossless`;
}

/** `scratch` is memory the frame may be read into; the result may view it (see frameBytes). */
export async function decodeFrame(image: DicomImage, scratch?: Uint8Array): Promise<StoredSamples> {
  const { pixelFormat: fmt, rows, columns } = image;
  const bytes = await image.frameBytes(scratch);
  const count = rows * columns;
  const ts = fmt.transferSyntaxUID;
  let samples: StoredSamples;
  if (ts === TransferSyntax.ExplicitBig) {
    samples = nativeSamples(swap16(bytes, fmt.bitsAllocated), fmt, count);
  } else if (ts === TransferSyntax.ImplicitLittle || ts === TransferSyntax.ExplicitLittle || ts === TransferSyntax.DeflatedExplicitLittle) {
    samples = nativeSamples(bytes, fmt, count);
  } else if (ts === TransferSyntax.Rle) {
    samples = nativeSamples(decodeRle(bytes, count, fmt.bitsAllocated === 8 ? 1 : 2), fmt, count);
  } else if (ts === TransferSyntax.JpegLossless || ts === TransferSyntax.JpegLosslessSV1) {
    samples = await decodeJpegLossless(bytes, fmt, count);
  } else if (ts in wasmCodecFor) {
    const decoded = await decodeWithWasm(wasmCodecFor[ts], bytes);
    if (decoded.width !== columns || decoded.height !== rows) {
      throw new Error(`decoded image is ${decoded.width}×${decoded.height}, header says ${columns}×${rows}`);
    }
    samples = reinterpretSign(decoded.samples, fmt);
  } else {
    throw new Error(unsupportedTransferSyntaxReason(ts));
  }
  if (samples.length < count) throw new Error(`frame has ${samples.length} of ${count} pixels`);
  return applyBitsStored(samples, fmt);
}

function nativeSamples(bytes: Uint8Array, fmt: PixelFormat, count: number): StoredSamples {
  if (fmt.bitsAllocated === 8) {
    const view = bytes.subarray(0, count);
    return fmt.pixelRepresentation === 1 ? new Int8Array(view.buffer, view.byteOffset, count) : view;
  }
  // A 16-bit view needs an even byte offset; a frame's offset inside its file is often odd.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice(0, count * 2);
  return fmt.pixelRepresentation === 1
    ? new Int16Array(aligned.buffer, aligned.byteOffset, count)
    : new Uint16Array(aligned.buffer, aligned.byteOffset, count);
}

function swap16(bytes: Uint8Array, bitsAllocated: number): Uint8Array {
  if (bitsAllocated !== 16) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1];
    out[i + 1] = bytes[i];
  }
  return out;
}

/** Codecs report their own signedness; the header's PixelRepresentation is what counts. */
function reinterpretSign(samples: Uint8Array | Uint16Array | Int16Array, fmt: PixelFormat): StoredSamples {
  if (samples instanceof Uint8Array) return fmt.pixelRepresentation === 1 ? new Int8Array(samples.buffer, samples.byteOffset, samples.length) : samples;
  return fmt.pixelRepresentation === 1
    ? new Int16Array(samples.buffer, samples.byteOffset, samples.length)
    : new Uint16Array(samples.buffer, samples.byteOffset, samples.length);
}

/**
 * Keep only BitsStored bits: unsigned values are masked (some scanners leave overlay bits set
 * above them), signed values are sign-extended from bit BitsStored-1. Samples may be a view of
 * the file's bytes, so they are copied before anything changes, and only when a value is out
 * of range (almost never).
 */
function applyBitsStored(samples: StoredSamples, fmt: PixelFormat): StoredSamples {
  const bits = fmt.bitsStored;
  if (bits >= fmt.bitsAllocated || bits <= 0) return samples;
  const lo = fmt.pixelRepresentation === 0 ? 0 : -(2 ** (bits - 1));
  const hi = fmt.pixelRepresentation === 0 ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  let inRange = true;
  for (let i = 0; i < samples.length && inRange; i++) inRange = samples[i] >= lo && samples[i] <= hi;
  if (inRange) return samples;
  const out = samples.slice();
  if (fmt.pixelRepresentation === 0) {
    const mask = (1 << bits) - 1;
    for (let i = 0; i < out.length; i++) out[i] &= mask;
  } else {
    const shift = 32 - bits;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] << shift) >> shift;
  }
  return out;
}

let jpegLosslessDecoder: Promise<new () => { decode(buffer: ArrayBuffer, offset: number, length: number, bytesPerSample: number): ArrayBufferView }> | null = null;

async function decodeJpegLossless(bytes: Uint8Array, fmt: PixelFormat, count: number): Promise<StoredSamples> {
  jpegLosslessDecoder ??= import('@cornerstonejs/jpeg-lossless-decoder-js').then((m) => m.Decoder as never);
  const Decoder = await jpegLosslessDecoder;
  const bytesPerSample = fmt.bitsAllocated <= 8 ? 1 : 2;
  const copy = bytes.slice();
  const out = new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
  const raw = new Uint8Array(out.buffer, out.byteOffset, count * bytesPerSample).slice();
  return nativeSamples(raw, fmt, count);
}
