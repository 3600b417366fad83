/**
 * A small spine-like Volume built in code for the pipeline tests (like the stand-in phantom of
 * training/tests/test_models.py): a soft-tissue cylinder with five 30 × 25 × 18 mm bone boxes
 * along a gently bent line, the middle one a wedge. The volume is stored with its axes flipped
 * and permuted when asked, so the reorientation is exercised too.
 */
import type { Vec3, Volume } from '../../volume';

export interface SpineVolumeOptions {
  /** [columns, rows, slices]; default 64 × 64 × 48. */
  dimensions?: [number, number, number];
  spacingMm?: Vec3;
  /** Store slices inferior → superior (direction.slice = −z) instead of superior → inferior. */
  flipSlices?: boolean;
}

/** HU at a patient point. */
export function spineHu(x: number, y: number, z: number): number {
  let hu = x * x + y * y < 58 * 58 ? 20 : -1000;
  for (const [n, zc] of [50, 25, 0, -25, -50].entries()) {
    const cx = 4 * Math.sin(zc / 40);
    const halfHeight = n === 2 ? 6 : 9;
    if (Math.abs(x - cx) < 15 && Math.abs(y - 8) < 12.5 && Math.abs(z - zc) < halfHeight) hu = 450;
  }
  return hu;
}

export function spineVolume(options: SpineVolumeOptions = {}): Volume {
  const [nc, nr, ns] = options.dimensions ?? [64, 64, 48];
  const spacing: Vec3 = options.spacingMm ?? [2, 2, 2.5];
  const flip = options.flipSlices ?? false;
  const origin: Vec3 = [-(nc - 1) * spacing[0] / 2, -(nr - 1) * spacing[1] / 2, ((flip ? 1 : -1) * (ns - 1) * spacing[2]) / 2];
  const sliceDir: Vec3 = [0, 0, flip ? -1 : 1];
  const voxels = new Int16Array(nc * nr * ns);
  for (let k = 0; k < ns; k++)
    for (let j = 0; j < nr; j++)
      for (let i = 0; i < nc; i++)
        voxels[(k * nr + j) * nc + i] = spineHu(origin[0] + i * spacing[0], origin[1] + j * spacing[1], origin[2] + k * spacing[2] * sliceDir[2]);
  return {
    geometry: { dimensions: [nc, nr, ns], spacingMm: spacing, originMm: origin, direction: { column: [1, 0, 0], row: [0, 1, 0], slice: sliceDir } },
    voxels,
    metadata: {
      modality: 'CT', studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', seriesDescription: 'spine volume (test)', studyDescription: '',
      studyDate: '', patientName: '', patientId: '', patientBirthDate: '', patientSex: '', sourceFormat: 'dicom',
    },
    warnings: [],
  };
}
