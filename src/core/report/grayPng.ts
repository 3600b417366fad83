/**
 * An 8-bit grayscale PNG from raw pixels: the one image form jsPDF both takes without a canvas
 * and stores compressed as a DeviceGray image (its raw RGBA input is stored uncompressed, in
 * colour, with an alpha mask).
 */
import { zlibSync } from 'fflate';

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** length, type, data, CRC of type and data */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** `gray` is rows × columns, row-major, one byte per pixel. */
export function encodeGrayPng(gray: Uint8Array, rows: number, columns: number): Uint8Array {
  if (gray.length !== rows * columns) throw new Error(`image of ${gray.length} bytes is not ${rows} × ${columns}`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, columns);
  view.setUint32(4, rows);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, adaptive filters, no interlace
  // Each row starts with its filter type; 0 (none) keeps this simple, deflate does the rest.
  const filtered = new Uint8Array(rows * (columns + 1));
  for (let row = 0; row < rows; row++) filtered.set(gray.subarray(row * columns, (row + 1) * columns), row * (columns + 1) + 1);
  const parts = [Uint8Array.from(signature), chunk('IHDR', header), chunk('IDAT', zlibSync(filtered)), chunk('IEND', new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    png.set(p, offset);
    offset += p.length;
  }
  return png;
}
