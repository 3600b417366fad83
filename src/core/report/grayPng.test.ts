import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeGrayPng } from './grayPng';

/** Chunks of a PNG as [type, data], each CRC checked with Node's own crc32. */
function chunks(png: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: [string, Uint8Array][] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(typeAndData));
    out.push([new TextDecoder().decode(typeAndData.subarray(0, 4)), typeAndData.subarray(4)]);
    at += 12 + length;
  }
  return out;
}

describe('encodeGrayPng', () => {
  it('writes an 8-bit grayscale PNG whose rows inflate back to the pixels', () => {
    const [rows, columns] = [3, 4];
    const gray = Uint8Array.from({ length: rows * columns }, (_, i) => (i * 37) % 256);
    const png = encodeGrayPng(gray, rows, columns);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts.map(([type]) => type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = new DataView(parts[0][1].buffer, parts[0][1].byteOffset);
    expect([header.getUint32(0), header.getUint32(4), parts[0][1][8], parts[0][1][9]]).toEqual([columns, rows, 8, 0]);
    const raw = inflateSync(parts[1][1]);
    for (let row = 0; row < rows; row++) {
      expect(raw[row * (columns + 1)]).toBe(0);
      expect([...raw.subarray(row * (columns + 1) + 1, (row + 1) * (columns + 1))]).toEqual([...gray.subarray(row * columns, (row + 1) * columns)]);
    }
  });

  it('refuses pixels that do not fill rows × columns', () => {
    expect(() => encodeGrayPng(new Uint8Array(5), 2, 3)).toThrow(/not 2 × 3/);
  });
});
