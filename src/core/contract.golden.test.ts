/**
 * The TypeScript contract code against the golden vectors that the Python twins in
 * training/contract wrote (training/golden/contract.json): both languages must agree to 1e-4.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smoothCentreline } from './geometry/smoothCentreline';
import { buildStraightening, midSagittalImage, parallelTransportFrames, pixelToPatientMm } from './geometry/straighten';
import { butterflyIoU, type SixPoints2D } from './quantify/butterflyIoU';
import { genant } from './quantify/genant';
import type { SixPoints } from './quantify/sixPoints';
import type { Vec3, Volume } from './volume';

const golden = JSON.parse(readFileSync(new URL('../../training/golden/contract.json', import.meta.url), 'utf8'));
const tolerance = 1e-4;

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThan(tolerance));
}

/** Same formulas as golden_centreline() and golden_volume() in training/contract/golden.py. */
function goldenCentreline(): Vec3[] {
  const points: Vec3[] = [];
  for (let z = 60; z >= -60; z -= 3) {
    const t = (60 - z) / 120;
    points.push([12 * Math.sin(2 * Math.PI * t), -8 * Math.cos(Math.PI * t) + 10 * t * t, z]);
  }
  return points;
}

function goldenVolume(): Volume {
  const [nc, nr, ns] = [48, 40, 44];
  const voxels = new Int16Array(nc * nr * ns);
  for (let k = 0; k < ns; k++)
    for (let j = 0; j < nr; j++)
      for (let i = 0; i < nc; i++) voxels[(k * nr + j) * nc + i] = ((i * 37 + j * 11 + k * 5) % 200) - 100 + ((i * j) % 13) * 10;
  return {
    geometry: { dimensions: [nc, nr, ns], spacingMm: [2, 2.5, 3], originMm: [-47, -50, -64.5], direction: { column: [1, 0, 0], row: [0, 1, 0], slice: [0, 0, 1] } },
    voxels,
    metadata: {} as Volume['metadata'],
    warnings: [],
  };
}

describe('golden vectors shared with the Python training code', () => {
  const g = golden.straighten;
  const s = buildStraightening(goldenCentreline(), { stepMm: g.stepMm, halfWidthMm: g.halfWidthMm });

  it('centreline smoothed along its arc before straightening', () => {
    for (const c of golden.smoothCentreline) {
      const curve = smoothCentreline(c.pointsMm, c.sigmaMm, c.stepMm);
      expect(curve.length).toBe(c.curveMm.length);
      curve.forEach((p, i) => expectClose(p, c.curveMm[i]));
    }
  });

  it('straightening: curve, frames and image size', () => {
    expect(s.curveMm.length).toBe(g.rows);
    expect(s.columns).toBe(g.columns);
    const frames = parallelTransportFrames(s.curveMm);
    g.sampleRows.forEach((row: number, i: number) => {
      expectClose(s.curveMm[row], g.curveMm[i]);
      expectClose(frames[row].t, g.t[i]);
      expectClose(frames[row].u, g.u[i]);
      expectClose(frames[row].v, g.v[i]);
    });
  });

  it('straightening: pixel → patient map', () => {
    g.pixels.forEach(([column, row]: [number, number], i: number) => expectClose(pixelToPatientMm(s, column, row), g.pixelToPatientMm[i]));
  });

  it('straightening: pixel → patient map beyond both ends of the curve', () => {
    expect(g.pixelsBeyondEnds.some(([, row]: number[]) => row < 0) && g.pixelsBeyondEnds.some(([, row]: number[]) => row > g.rows - 1)).toBe(true);
    g.pixelsBeyondEnds.forEach(([column, row]: [number, number], i: number) => expectClose(pixelToPatientMm(s, column, row), g.pixelBeyondEndsToPatientMm[i]));
  });

  it('straightening: mid-sagittal image (trilinear sampling)', () => {
    const image = midSagittalImage(goldenVolume(), s);
    g.imageSampleRows.forEach((row: number, i: number) => expectClose(Array.from(image.subarray(row * s.columns, (row + 1) * s.columns)), g.image[i]));
  });

  it('Butterfly-IoU', () => {
    for (const { a, b, iou } of golden.butterflyIoU) expect(Math.abs(butterflyIoU(a as SixPoints2D, b as SixPoints2D) - iou)).toBeLessThan(tolerance);
  });

  it('Genant heights, ratio, grade and type', () => {
    for (const expected of golden.genant) {
      const r = genant(expected.pointsMm as SixPoints);
      expectClose([r.heightsMm.anterior, r.heightsMm.middle, r.heightsMm.posterior], [expected.heightsMm.anterior, expected.heightsMm.middle, expected.heightsMm.posterior]);
      expect(Math.abs(r.genantRatio - expected.genantRatio)).toBeLessThan(tolerance);
      expect(r.grade).toBe(expected.grade);
      expect(r.type).toBe(expected.type);
    }
  });
});
