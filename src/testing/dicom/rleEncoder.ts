/**
 * DICOM RLE Lossless (transfer syntax 1.2.840.10008.1.2.5, PS3.5 Annex G) for one frame of
 * 16-bit single-sample pixels.
 *
 * A 16-bit frame becomes two byte segments: segment 1 holds the most significant byte of every
 * pixel, segment 2 the least significant (G.2: "high byte first"). Each segment is PackBits
 * encoded row by row (a run never crosses a row boundary, G.3.1) and padded to even length.
 * The frame starts with a 64-byte header: the segment count, then 15 little-endian 32-bit
 * offsets of the segments from the start of the header (unused offsets are zero).
 */

const RLE_HEADER_BYTES = 64;

/** PackBits one row of bytes (G.3.1): -n+1 repeats of one byte, or n+1 literal bytes, n <= 127. */
export function packBitsRow(row: Uint8Array, out: number[]): void {
  const n = row.length;
  let i = 0;
  while (i < n) {
    // Length of the run of identical bytes starting at i (at most 128).
    let run = 1;
    while (i + run < n && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 2) {
      out.push((1 - run) & 0xff, row[i]); // control byte -(run-1) as int8
      i += run;
      continue;
    }
    // Literal run: stop before the next pair of equal bytes, or after 128 bytes.
    const start = i;
    i++;
    while (i < n && i - start < 128 && !(i + 1 < n && row[i] === row[i + 1])) i++;
    out.push(i - start - 1);
    for (let k = start; k < i; k++) out.push(row[k]);
  }
}

/** Encodes one frame of 16-bit pixels (any signedness: only the bit pattern matters). */
export function encodeRleFrame16(pixels: Uint16Array | Int16Array, columns: number, rows: number): Uint8Array {
  if (pixels.length !== columns * rows) throw new Error(`RLE: expected ${columns * rows} pixels, got ${pixels.length}`);
  const words = new Uint16Array(pixels.buffer, pixels.byteOffset, pixels.length);
  const segments: number[][] = [];
  for (const shift of [8, 0]) {
    const seg: number[] = [];
    const row = new Uint8Array(columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) row[c] = (words[r * columns + c] >>> shift) & 0xff;
      packBitsRow(row, seg);
    }
    if (seg.length % 2 === 1) seg.push(0); // pad each segment to even length (G.3.1)
    segments.push(seg);
  }
  const total = RLE_HEADER_BYTES + segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  const header = new DataView(out.buffer);
  header.setUint32(0, segments.length, true);
  let offset = RLE_HEADER_BYTES;
  segments.forEach((seg, i) => {
    header.setUint32(4 + 4 * i, offset, true);
    out.set(seg, offset);
    offset += seg.length;
  });
  return out;
}
