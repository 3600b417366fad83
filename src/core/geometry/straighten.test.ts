import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../volume';
import { buildStraightening, midSagittalImage, parallelTransportFrames, patientToPixel, pixelToPatientMm, resampleByArcLength } from './straighten';
import { dot, norm, sub } from './vec3';

/** A kyphotic/scoliotic centreline from superior to inferior: a helix-like S curve, patient mm. */
function curvedSpine(): Vec3[] {
  const points: Vec3[] = [];
  for (let z = 200; z >= -100; z -= 4) {
    const t = (200 - z) / 300;
    points.push([25 * Math.sin(2 * Math.PI * t), -20 * Math.cos(Math.PI * t) + 40 * t * t, z]);
  }
  return points;
}

describe('straightening', () => {
  it('resamples at equal 1 mm arc length', () => {
    const curve = resampleByArcLength(curvedSpine(), 1);
    for (let i = 1; i < curve.length; i++) expect(norm(sub(curve[i], curve[i - 1]))).toBeLessThanOrEqual(1 + 1e-9);
    // Chords on a curve are a hair shorter than the arc; on these gentle curves within 0.1 %.
    const chords = curve.slice(1).map((p, i) => norm(sub(p, curve[i])));
    expect(Math.min(...chords)).toBeGreaterThan(0.999);
  });

  it('frames are orthonormal, v points posterior and u left for a straight spine', () => {
    const frames = parallelTransportFrames(resampleByArcLength([[0, 0, 100], [0, 0, 0]], 1));
    expect(frames[0].t).toEqual([0, 0, -1]);
    expect(frames[0].u).toEqual([1, 0, 0]);
    expect(frames[0].v[1]).toBeCloseTo(1, 12);
    for (const f of parallelTransportFrames(resampleByArcLength(curvedSpine(), 1))) {
      expect(dot(f.t, f.u)).toBeCloseTo(0, 9);
      expect(dot(f.t, f.v)).toBeCloseTo(0, 9);
      expect(dot(f.u, f.v)).toBeCloseTo(0, 9);
      expect(norm(f.v)).toBeCloseTo(1, 9);
    }
  });

  it('round trip pixel → patient → pixel → patient within 0.1 mm on a curved spine', () => {
    const s = buildStraightening(curvedSpine());
    let worst = 0;
    for (let row = 2; row < s.curveMm.length - 2; row += 7.3) {
      for (let column = 20; column < s.columns - 20; column += 9.1) {
        const p = pixelToPatientMm(s, column, row);
        const back = patientToPixel(s, p);
        const again = pixelToPatientMm(s, back.column, back.row);
        worst = Math.max(worst, norm(sub(p, again)));
      }
    }
    expect(worst).toBeLessThan(0.1);
  });

  it('continues straight along the end tangent beyond both ends, and patientToPixel inverts it', () => {
    const s = buildStraightening(curvedSpine());
    const last = s.curveMm.length - 1;
    // 6 rows above row 0: 6 mm before the first point along its tangent, not on row 0.
    const above = pixelToPatientMm(s, s.centreColumn, -6);
    expect(dot(sub(above, s.curveMm[0]), s.frames[0].t)).toBeCloseTo(-6, 9);
    expect(norm(sub(above, s.curveMm[0]))).toBeCloseTo(6, 9);
    const below = pixelToPatientMm(s, s.centreColumn + 7, last + 4.5);
    expect(dot(sub(below, s.curveMm[last]), s.frames[last].t)).toBeCloseTo(4.5, 9);
    expect(dot(sub(below, s.curveMm[last]), s.frames[last].v)).toBeCloseTo(7, 9);
    // Continuous at the ends: a hair inside and a hair outside land a hair apart.
    for (const row of [0, last]) {
      const inside = pixelToPatientMm(s, 30, row + (row === 0 ? 1e-6 : -1e-6));
      const outside = pixelToPatientMm(s, 30, row + (row === 0 ? -1e-6 : 1e-6));
      expect(norm(sub(inside, outside))).toBeLessThan(1e-4);
    }
    let worst = 0;
    for (const row of [-15, -6.25, -1, -0.3, 0, 0.4, last - 0.4, last, last + 0.3, last + 1, last + 12.5]) {
      for (const column of [5, s.centreColumn, 101.7]) {
        const p = pixelToPatientMm(s, column, row);
        const back = patientToPixel(s, p);
        expect(Math.abs(back.row - row), `row ${row}`).toBeLessThan(1e-3);
        expect(Math.abs(back.column - column), `column ${column} at row ${row}`).toBeLessThan(1e-3);
        worst = Math.max(worst, norm(sub(p, pixelToPatientMm(s, back.column, back.row))));
      }
    }
    expect(worst).toBeLessThan(0.1);
  });

  it('a vertebra cut by the first row keeps its true height', () => {
    // Straight spine along −z: a body of height 20 mm whose superior points lie 5 rows above row 0.
    const s = buildStraightening([[0, 0, 100], [0, 0, 0]], { halfWidthMm: 30 });
    const superior = pixelToPatientMm(s, s.centreColumn + 10, -5);
    const inferior = pixelToPatientMm(s, s.centreColumn + 10, 15);
    expect(superior).toEqual([0, expect.closeTo(10, 9), expect.closeTo(105, 9)]);
    expect(norm(sub(superior, inferior))).toBeCloseTo(20, 9);
  });

  it('samples the mid-sagittal plane of a volume: a bright slab at y ≥ 10 mm shows at columns ≥ centre + 10', () => {
    const n = 64;
    const voxels = new Int16Array(n * n * n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) voxels[(k * n + j) * n + i] = j - 32 >= 10 ? 1000 : 0;
    const volume: Volume = {
      geometry: { dimensions: [n, n, n], spacingMm: [1, 1, 1], originMm: [-32, -32, -32], direction: { column: [1, 0, 0], row: [0, 1, 0], slice: [0, 0, 1] } },
      voxels,
      metadata: {} as Volume['metadata'],
      warnings: [],
    };
    const s = buildStraightening([[0, 0, 20], [0, 0, -20]], { halfWidthMm: 20 });
    const image = midSagittalImage(volume, s);
    const row = 10;
    expect(image[row * s.columns + s.centreColumn + 9]).toBe(0);
    expect(image[row * s.columns + s.centreColumn + 10]).toBe(1000);
    expect(image[row * s.columns + s.centreColumn - 15]).toBe(0);
    // Rows run superior → inferior: row 0 lies at z = 20.
    expect(pixelToPatientMm(s, s.centreColumn, 0)[2]).toBeCloseTo(20, 9);
    expect(pixelToPatientMm(s, s.centreColumn, 0)[1]).toBeCloseTo(0, 9);
    expect(dot(sub(pixelToPatientMm(s, s.centreColumn + 5, 3), [0, 0, 17]), [0, 1, 0])).toBeCloseTo(5, 9);
  });
});
