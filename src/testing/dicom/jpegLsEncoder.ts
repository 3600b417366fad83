/**
 * JPEG-LS lossless (transfer syntax 1.2.840.10008.1.2.4.80) through CharLS, the library the
 * viewer decodes with.
 *
 * JPEG-LS has no signed samples: DICOM stores the bits of the pixel cell and the reader applies
 * Pixel Representation afterwards. So a signed frame is encoded as its 16-bit pattern with
 * 16 bits per sample; unsigned frames (the usual scanner choice, with RescaleIntercept -1024)
 * use BitsStored bits per sample.
 */
import { loadCharls, runEncoder } from './wasmCodecs';

export async function encodeJpegLsFrame(
  pixels: Uint16Array | Int16Array,
  columns: number,
  rows: number,
  bitsPerSample: number,
): Promise<Uint8Array> {
  const charls = await loadCharls();
  const encoder = new charls.JpegLSEncoder();
  encoder.setNearLossless(0);
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return runEncoder(encoder, { width: columns, height: rows, bitsPerSample, componentCount: 1, isSigned: false }, bytes);
}
