/**
 * JPEG Lossless, Process 14, first-order prediction (Selection Value 1): DICOM transfer syntax
 * 1.2.840.10008.1.2.4.70, the most common lossless syntax in older CT archives.
 *
 * Stream layout (ITU-T T.81 Annex H): SOI, SOF3 (lossless Huffman frame), DHT (one DC-style
 * table for the difference categories 0..16), SOS (predictor 1, point transform 0), the
 * entropy-coded differences with 0xFF byte stuffing, EOI.
 *
 * Prediction (H.1.2.1): the first pixel of the image is predicted by 2^(P-1); the rest of the
 * first row by the pixel to the left (Ra); the first pixel of every later row by the pixel
 * above (Rb); every other pixel by Ra (predictor 1). Differences are taken modulo 2^16, so
 * signed pixels are coded as their 16-bit two's complement pattern, as DICOM requires.
 *
 * The Huffman table is built per frame from the category histogram with the length-limited
 * procedure of T.81 Annex K.2, so it is always a valid canonical table (no code longer than
 * 16 bits, no all-ones code).
 */

const MARKER = {
  SOI: 0xffd8,
  SOF3: 0xffc3,
  DHT: 0xffc4,
  SOS: 0xffda,
  EOI: 0xffd9,
} as const;

/** Difference categories ("SSSS"): 0 for a zero difference, up to 16 for 32768. */
const CATEGORY_COUNT = 17;
const MAX_CODE_LENGTH = 16;

export interface HuffmanTable {
  /** bits[L] = number of codes of length L, L = 1..16 (bits[0] unused). */
  bits: number[];
  /** Symbols in order of increasing code length. */
  values: number[];
  /** Per symbol: its code and code length (0 if the symbol is unused). */
  code: number[];
  length: number[];
}

function category(diff: number): number {
  if (diff === 0) return 0;
  let a = Math.abs(diff);
  let n = 0;
  while (a > 0) {
    n++;
    a >>= 1;
  }
  return n;
}

/**
 * Optimal code lengths limited to 16 bits, after T.81 K.2 (Figures K.1 to K.4): a reserved
 * symbol with frequency 1 takes the all-ones code, then is removed.
 */
export function buildHuffmanTable(frequencies: number[]): HuffmanTable {
  const n = frequencies.length;
  const freq = [...frequencies, 1]; // index n: the reserved symbol
  const codeSize = new Array<number>(n + 1).fill(0);
  const others = new Array<number>(n + 1).fill(-1);

  for (;;) {
    // c1: smallest non-zero frequency; c2: next smallest (ties go to the larger index).
    let c1 = -1;
    let c2 = -1;
    let v1 = Infinity;
    let v2 = Infinity;
    for (let i = 0; i <= n; i++) {
      if (freq[i] > 0 && freq[i] <= v1) {
        v2 = v1;
        c2 = c1;
        v1 = freq[i];
        c1 = i;
      } else if (freq[i] > 0 && freq[i] <= v2) {
        v2 = freq[i];
        c2 = i;
      }
    }
    if (c2 < 0) break;
    freq[c1] += freq[c2];
    freq[c2] = 0;
    codeSize[c1]++;
    while (others[c1] >= 0) {
      c1 = others[c1];
      codeSize[c1]++;
    }
    others[c1] = c2;
    codeSize[c2]++;
    while (others[c2] >= 0) {
      c2 = others[c2];
      codeSize[c2]++;
    }
  }

  const bits = new Array<number>(33).fill(0);
  for (let i = 0; i <= n; i++) if (codeSize[i] > 0) bits[codeSize[i]]++;
  // Limit lengths to 16 (K.3, Figure K.3).
  for (let i = 32; i > MAX_CODE_LENGTH; i--) {
    while (bits[i] > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] -= 2;
      bits[i - 1]++;
      bits[j + 1] += 2;
      bits[j]--;
    }
  }
  // Remove the reserved code (the longest one).
  let longest = MAX_CODE_LENGTH;
  while (bits[longest] === 0) longest--;
  bits[longest]--;

  // Symbols sorted by their (unlimited) code size; the reserved symbol goes last and is dropped.
  const values: number[] = [];
  for (let len = 1; len <= 32; len++) {
    for (let s = 0; s < n; s++) if (codeSize[s] === len) values.push(s);
  }

  // Canonical codes (T.81 C.2): consecutive codes per length, shifting left between lengths.
  const code = new Array<number>(n).fill(0);
  const length = new Array<number>(n).fill(0);
  let next = 0;
  let k = 0;
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
    for (let i = 0; i < bits[len]; i++) {
      const s = values[k++];
      code[s] = next++;
      length[s] = len;
    }
    next <<= 1;
  }
  return { bits: bits.slice(0, MAX_CODE_LENGTH + 1), values, code, length };
}

/** MSB-first bit writer with JPEG byte stuffing (a 0x00 after every 0xFF data byte). */
class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, nBits: number): void {
    for (let i = nBits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00);
    this.acc = 0;
    this.count = 0;
  }

  /** Pads the last byte with 1-bits (T.81 F.1.2.3). */
  finish(): number[] {
    if (this.count > 0) {
      const padBits = 8 - this.count;
      this.write((1 << padBits) - 1, padBits);
    }
    return this.bytes;
  }
}

function segment(out: number[], marker: number, payload: number[]): void {
  const length = payload.length + 2;
  out.push(marker >> 8, marker & 0xff, length >> 8, length & 0xff, ...payload);
}

export interface JpegLosslessOptions {
  /** Sample precision P in bits: 16 (default), or 12 when unsigned values fit in 12 bits. */
  precision?: 12 | 16;
}

/** Encodes one frame of 16-bit single-sample pixels (bit pattern; signedness does not matter). */
export function encodeJpegLosslessFrame(
  pixels: Uint16Array | Int16Array,
  columns: number,
  rows: number,
  options: JpegLosslessOptions = {},
): Uint8Array {
  const precision = options.precision ?? 16;
  const words = new Uint16Array(pixels.buffer, pixels.byteOffset, pixels.length);
  if (words.length !== columns * rows) throw new Error(`JPEG lossless: expected ${columns * rows} pixels`);
  if (precision < 16) {
    for (let i = 0; i < words.length; i++) {
      if (words[i] >= 1 << precision) throw new Error(`JPEG lossless: value ${words[i]} does not fit in ${precision} bits`);
    }
  }

  // Differences modulo 2^16, mapped to -32767..32768 (H.1.2.1).
  const diffs = new Int32Array(words.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const prediction =
        r === 0 && c === 0 ? 1 << (precision - 1) : c === 0 ? words[i - columns] : words[i - 1];
      let d = (words[i] - prediction) & 0xffff;
      if (d > 32768) d -= 65536;
      diffs[i] = d;
    }
  }

  const histogram = new Array<number>(CATEGORY_COUNT).fill(0);
  for (let i = 0; i < diffs.length; i++) histogram[category(diffs[i])]++;
  const table = buildHuffmanTable(histogram);

  const bits = new BitWriter();
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i];
    const ssss = category(d);
    bits.write(table.code[ssss], table.length[ssss]);
    // Additional bits (F.1.2.1.1): the low SSSS bits of d, or of d-1 when negative.
    // Category 16 (d = 32768) has none (H.1.2.2).
    if (ssss > 0 && ssss < 16) bits.write((d < 0 ? d - 1 : d) & ((1 << ssss) - 1), ssss);
  }

  const out: number[] = [];
  out.push(MARKER.SOI >> 8, MARKER.SOI & 0xff);
  // SOF3: precision, lines, samples per line, one component (id 1, 1x1 sampling, no quant table).
  segment(out, MARKER.SOF3, [precision, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0]);
  // DHT: class 0 (DC/lossless), destination 0.
  segment(out, MARKER.DHT, [0x00, ...table.bits.slice(1), ...table.values]);
  // SOS: one component using table 0; Ss = predictor 1; Se = 0; Ah = 0, Al = point transform 0.
  segment(out, MARKER.SOS, [1, 1, 0x00, 1, 0, 0x00]);
  const entropy = bits.finish();
  const result = new Uint8Array(out.length + entropy.length + 2);
  result.set(out, 0);
  result.set(entropy, out.length);
  result[result.length - 2] = MARKER.EOI >> 8;
  result[result.length - 1] = MARKER.EOI & 0xff;
  return result;
}
