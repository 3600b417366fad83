/**
 * JPEG 2000 lossless (transfer syntax 1.2.840.10008.1.2.4.90) through OpenJPEG, the library the
 * viewer decodes with. The codestream is a raw J2K stream (FF4F FF51...), as DICOM requires,
 * with the reversible 5/3 wavelet.
 *
 * OpenJPEG fails on images smaller than 2^decompositions pixels on a side, so the number of
 * wavelet levels is the default 5, reduced for small frames.
 */
import { loadOpenJpeg, runEncoder } from './wasmCodecs';

export async function encodeJpeg2000Frame(
  pixels: Uint16Array | Int16Array,
  columns: number,
  rows: number,
  options: { bitsPerSample: number; signed: boolean },
): Promise<Uint8Array> {
  const openjpeg = await loadOpenJpeg();
  const encoder = new openjpeg.J2KEncoder();
  encoder.setDecompositions(Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(columns, rows))))));
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return runEncoder(
    encoder,
    { width: columns, height: rows, bitsPerSample: options.bitsPerSample, componentCount: 1, isSigned: options.signed },
    bytes,
  );
}
