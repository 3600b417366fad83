import { describe, expect, it } from 'vitest';
import { patientMmToVoxel, voxelToPatientMm, type Vec3, type VolumeGeometry } from '../volume';
import { insideImage, insideScan, SLICE_EDGE_MARGIN_MM } from './insideScan';

// 100 × 80 × 40 voxels, 0.8 × 0.8 × 2.5 mm, with a 15° gantry tilt (slice axis not normal to the rows).
const tilt = (15 * Math.PI) / 180;
const geometry: VolumeGeometry = {
  dimensions: [100, 80, 40],
  spacingMm: [0.8, 0.8, 2.5],
  originMm: [-40, -30, 100],
  direction: { column: [1, 0, 0], row: [0, 1, 0], slice: [0, Math.sin(tilt), -Math.cos(tilt)] },
};

describe('insideScan', () => {
  it('inverts voxelToPatientMm, tilted axes included', () => {
    const p = voxelToPatientMm(geometry, 12.5, 70.25, 33.75);
    patientMmToVoxel(geometry, p).forEach((k, i) => expect(k).toBeCloseTo([12.5, 70.25, 33.75][i], 9));
  });

  it('keeps a vertebra whose six points lie inside and leaves out one cut by the last slice', () => {
    const at = (slice: number): Vec3[] => [0, 1, 2, 3, 4, 5].map((k) => voxelToPatientMm(geometry, 40 + k, 40, slice + (k % 2) * 8));
    expect(insideScan(geometry, at(10))).toBe(true);
    expect(insideScan(geometry, at(31.2))).toBe(false); // 0.2 slice past the last one
    expect(insideScan(geometry, at(-0.1))).toBe(false); // before the first slice
  });

  it('wants SLICE_EDGE_MARGIN_MM of scan beyond the endplates: a body cut there ends at the edge', () => {
    const at = (slice: number): Vec3[] => [0, 1, 2, 3, 4, 5].map((k) => voxelToPatientMm(geometry, 40 + k, 40, slice + (k % 2) * 8));
    const margin = SLICE_EDGE_MARGIN_MM / geometry.spacingMm[2]; // 0.4 slice
    expect(insideScan(geometry, at(39 - 8 - margin - 0.01))).toBe(true); // inferior points just over 1 mm before the last slice
    expect(insideScan(geometry, at(31))).toBe(false); // on the last slice
    expect(insideScan(geometry, at(39 - 8 - margin + 0.05))).toBe(false);
    expect(insideScan(geometry, at(margin + 0.01))).toBe(true);
    expect(insideScan(geometry, at(margin - 0.05))).toBe(false);
  });

  it('leaves out a vertebra that leaves the field of view in-plane', () => {
    const points: Vec3[] = [0, 1, 2, 3, 4, 5].map((k) => voxelToPatientMm(geometry, 95 + k, 40, 20));
    expect(insideScan(geometry, points)).toBe(false);
  });
});

describe('insideImage', () => {
  // A body 20 rows tall with its posterior-inferior point lowest, as the detector gives them.
  const body = (top: number): number[][] => [[40, top], [40, top + 18], [55, top + 1], [55, top + 17], [70, top - 2], [70, top + 20]];

  it('keeps a body whose points all lie on the image and leaves out one running off its last or first row', () => {
    expect(insideImage(234, body(100))).toBe(true);
    expect(insideImage(234, body(213.5))).toBe(true); // lowest point 233.5: on the last row's pixel
    expect(insideImage(234, body(215.3))).toBe(false); // the half-seen S1 of a phantom: 235.3 on 234 rows
    expect(insideImage(234, body(1.5))).toBe(true); // highest point -0.5
    expect(insideImage(234, body(1.4))).toBe(false);
  });
});
