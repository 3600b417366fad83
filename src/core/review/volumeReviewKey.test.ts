import { describe, expect, it } from 'vitest';
import type { Volume } from '../volume';
import { volumeReviewKey } from './volumeReviewKey';

function volume(uids: [string, string], fill: (i: number) => number): Pick<Volume, 'metadata' | 'geometry' | 'voxels'> {
  const voxels = Int16Array.from({ length: 32 * 32 * 8 }, (_, i) => fill(i));
  return {
    voxels,
    geometry: { dimensions: [32, 32, 8], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: { column: [1, 0, 0], row: [0, 1, 0], slice: [0, 0, 1] } },
    metadata: { studyInstanceUID: uids[0], seriesInstanceUID: uids[1] } as Volume['metadata'],
  };
}

describe('volumeReviewKey', () => {
  it('keys DICOM series by their UIDs', () => {
    expect(volumeReviewKey(volume(['1.2', '1.2.3'], () => 0))).toBe('1.2|1.2.3');
  });

  it('fingerprints a volume without UIDs: the same voxels give the same key, other voxels another', () => {
    const a = volumeReviewKey(volume(['', ''], (i) => i % 700));
    expect(volumeReviewKey(volume(['', ''], (i) => i % 700))).toBe(a);
    expect(volumeReviewKey(volume(['', ''], (i) => (i % 700) + 1))).not.toBe(a);
    expect(a.startsWith('grid:32,32,8,1,1,2')).toBe(true);
  });
});
