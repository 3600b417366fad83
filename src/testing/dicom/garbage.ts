/**
 * Files an ingest meets in real folders and must skip (or fail on) without losing the good
 * series beside them:
 * - 'random-bytes': not DICOM at all (a stray binary);
 * - 'text': a README;
 * - 'empty': a zero-byte file;
 * - 'truncated-dicom': a good CT slice cut in half (an interrupted copy): the header parses,
 *   the pixel data runs past the end of the file;
 * - 'corrupt-jpeg2000': a complete, well-formed CT slice (its own one-image series) whose
 *   JPEG 2000 codestream keeps its SOC/SIZ header (so it looks like 64 x 64) but is random
 *   bytes after it: parsing succeeds, decoding does not give the pixels (OpenJPEG returns an
 *   empty 0 x 0 frame rather than throwing, so a reader must check the decoded size).
 */
import { TransferSyntax } from './dicomWriter';
import { makeRandom, randomBytes } from './random';

export type GarbageKind = 'random-bytes' | 'text' | 'empty' | 'truncated-dicom' | 'corrupt-jpeg2000';

export interface GarbageFile {
  path: string;
  bytes: Uint8Array;
  kind: GarbageKind;
  /** What a correct ingest does with it: skip it while reading, or fail to decode it. */
  expect: 'skip' | 'decode-error';
}

/** Bytes of the J2K main header kept intact: SOC (2) + SIZ marker, length and body for one component (43). */
const J2K_SOC_SIZ_BYTES = 45;

export async function makeGarbage(options: { pathPrefix?: string; seed?: number } = {}): Promise<GarbageFile[]> {
  // Imported here, not at the top, because syntheticSeries re-exports this module.
  const { makeCtSeries } = await import('./syntheticSeries');
  const prefix = options.pathPrefix ?? 'junk/';
  const random = makeRandom(options.seed ?? 99);

  const good = await makeCtSeries({ slices: 1, seed: (options.seed ?? 99) + 1 });
  const whole = good.files[0].bytes;

  const j2k = await makeCtSeries({
    slices: 1,
    transferSyntax: TransferSyntax.JPEG2000Lossless,
    seriesDescription: 'CORRUPT J2K',
    seed: (options.seed ?? 99) + 2,
  });
  const corrupt = j2k.files[0].bytes.slice();
  const soc = findBytes(corrupt, [0xff, 0x4f, 0xff, 0x51]);
  if (soc < 0) throw new Error('no J2K codestream found');
  // The fragment ends 8 bytes (sequence delimiter) before the end of the file.
  const fragmentEnd = corrupt.length - 8;
  corrupt.set(randomBytes(random, fragmentEnd - soc - J2K_SOC_SIZ_BYTES), soc + J2K_SOC_SIZ_BYTES);

  return [
    { path: `${prefix}random.bin`, bytes: randomBytes(random, 4096), kind: 'random-bytes', expect: 'skip' },
    {
      path: `${prefix}README.txt`,
      bytes: new TextEncoder().encode('Exported by a PACS viewer.\nThese files are not DICOM.\n'),
      kind: 'text',
      expect: 'skip',
    },
    { path: `${prefix}empty`, bytes: new Uint8Array(0), kind: 'empty', expect: 'skip' },
    { path: `${prefix}truncated`, bytes: whole.slice(0, Math.floor(whole.length / 2)), kind: 'truncated-dicom', expect: 'skip' },
    { path: `${prefix}corrupt_j2k`, bytes: corrupt, kind: 'corrupt-jpeg2000', expect: 'decode-error' },
  ];
}

function findBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
