/**
 * Pixel Data (7FE0,0010) for a list of frames in a given transfer syntax: native syntaxes get
 * the 16-bit words as OW (the writer swaps them for big endian), encapsulated syntaxes get one
 * compressed fragment per frame from the matching encoder.
 */
import { encapsulated, isEncapsulated, TransferSyntax, type DicomElement } from './dicomWriter';
import { encodeJpeg2000Frame } from './jpeg2000Encoder';
import { encodeJpegLosslessFrame } from './jpegLosslessEncoder';
import { encodeJpegLsFrame } from './jpegLsEncoder';
import { encodeRleFrame16 } from './rleEncoder';

export interface FrameFormat {
  columns: number;
  rows: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
}

export async function encodeFrame(
  transferSyntaxUID: string,
  frame: Int16Array | Uint16Array,
  f: FrameFormat,
): Promise<Uint8Array> {
  const signed = f.pixelRepresentation === 1;
  switch (transferSyntaxUID) {
    case TransferSyntax.RLELossless:
      return encodeRleFrame16(frame, f.columns, f.rows);
    case TransferSyntax.JPEGLosslessSV1:
      // 12-bit precision only when the unsigned values fit; signed values use their 16-bit pattern.
      return encodeJpegLosslessFrame(frame, f.columns, f.rows, { precision: !signed && f.bitsStored <= 12 ? 12 : 16 });
    case TransferSyntax.JPEGLSLossless:
      return encodeJpegLsFrame(frame, f.columns, f.rows, signed ? 16 : f.bitsStored);
    case TransferSyntax.JPEG2000Lossless:
      return encodeJpeg2000Frame(frame, f.columns, f.rows, { bitsPerSample: f.bitsStored, signed });
    default:
      throw new Error(`no encoder for transfer syntax ${transferSyntaxUID}`);
  }
}

/** The Pixel Data element for these frames (all of the same size) in this transfer syntax. */
export async function pixelDataElement(
  transferSyntaxUID: string,
  frames: (Int16Array | Uint16Array)[],
  f: FrameFormat,
): Promise<DicomElement> {
  if (isEncapsulated(transferSyntaxUID)) {
    const compressed: Uint8Array[] = [];
    for (const frame of frames) compressed.push(await encodeFrame(transferSyntaxUID, frame, f));
    return { tag: 0x7fe00010, vr: 'OB', value: encapsulated(compressed) };
  }
  const words = frames.length === 1 ? frames[0] : concatWords(frames, f.pixelRepresentation);
  return { tag: 0x7fe00010, vr: 'OW', value: words };
}

function concatWords(frames: (Int16Array | Uint16Array)[], pixelRepresentation: 0 | 1): Int16Array | Uint16Array {
  const total = frames.reduce((n, fr) => n + fr.length, 0);
  const out = pixelRepresentation === 1 ? new Int16Array(total) : new Uint16Array(total);
  let offset = 0;
  for (const fr of frames) {
    out.set(fr, offset);
    offset += fr.length;
  }
  return out;
}
