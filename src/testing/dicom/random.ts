/**
 * Seeded randomness for fixtures: the same seed gives byte-identical files, so a failing
 * ingest test can be rerun on exactly the same input. Used for UIDs, file-name scrambling,
 * file-order shuffling and garbage bytes.
 */

/** mulberry32: a small, fast 32-bit PRNG; returns a function giving floats in [0, 1). */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A UID under the 2.25 root (PS3.5 B.2: a UUID written as one decimal integer), at most 44
 * characters, so it always fits the 64-character UI limit.
 */
export function makeUid(random: () => number): string {
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(Math.floor(random() * 4294967296));
  if (value === 0n) value = 1n;
  return `2.25.${value.toString()}`;
}

/** In-place Fisher-Yates shuffle. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomName(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
  return s;
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}
