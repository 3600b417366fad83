/**
 * The key of a loaded volume's saved review. DICOM series have UIDs (reviewKey); a NIfTI file has
 * none, so its key is a fingerprint of what was loaded: the grid (size, spacing, origin,
 * directions) and a sample of the voxels. The same file opened again gives the same key; another
 * file with the same grid but other voxels does not.
 */
import type { Volume } from '../volume';
import { reviewKey } from './reviewKey';

/** About 4096 voxels spread over the volume, hashed (FNV-1a, 32 bits, over their int16 values). */
function voxelSampleHash(voxels: ArrayLike<number>): string {
  const stride = Math.max(1, Math.floor(voxels.length / 4096));
  let h = 0x811c9dc5;
  for (let i = 0; i < voxels.length; i += stride) {
    const v = Math.round(voxels[i]) & 0xffff;
    h = Math.imul(h ^ (v & 0xff), 0x01000193);
    h = Math.imul(h ^ (v >> 8), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function volumeReviewKey(volume: Pick<Volume, 'metadata' | 'geometry' | 'voxels'>): string {
  const byUid = reviewKey(volume.metadata);
  if (byUid) return byUid;
  const g = volume.geometry;
  const numbers = [...g.dimensions, ...g.spacingMm, ...g.originMm, ...g.direction.column, ...g.direction.row, ...g.direction.slice];
  return `grid:${numbers.map((x) => Number(x.toFixed(3))).join(',')}:${voxelSampleHash(volume.voxels)}`;
}
