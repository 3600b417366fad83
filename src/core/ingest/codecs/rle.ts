/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte plane, most significant byte first.
 */
export function decodeRle(encoded: Uint8Array, pixelCount: number, bytesPerSample: 1 | 2): Uint8Array {
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segmentCount = view.getUint32(0, true);
  if (segmentCount !== bytesPerSample) {
    throw new Error(`RLE frame has ${segmentCount} segments, expected ${bytesPerSample}`);
  }
  const out = new Uint8Array(pixelCount * bytesPerSample);
  for (let s = 0; s < segmentCount; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? view.getUint32(8 + 4 * s, true) : encoded.length;
    // Segment 0 holds the high byte; output is little endian, so it goes to offset bytesPerSample-1.
    const byteInSample = bytesPerSample - 1 - s;
    unpackBits(encoded, start, end, out, byteInSample, bytesPerSample, pixelCount);
  }
  return out;
}

function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number, stride: number, count: number): void {
  let i = start;
  let n = 0;
  while (i < end && n < count) {
    const header = (src[i++] << 24) >> 24; // signed byte
    if (header >= 0) {
      for (let k = 0; k <= header && n < count; k++) out[offset + stride * n++] = src[i++];
    } else if (header !== -128) {
      const value = src[i++];
      for (let k = 0; k < 1 - header && n < count; k++) out[offset + stride * n++] = value;
    }
  }
  if (n < count) throw new Error(`RLE segment ended after ${n} of ${count} pixels`);
}
