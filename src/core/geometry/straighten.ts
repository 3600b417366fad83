/**
 * Straightening along the spine centreline (../shared/DESIGN.md): the curve is resampled at
 * equal arc length, each point gets a frame (t tangent, u lateral, v anteroposterior) that
 * turns as little as possible along the curve, and the mid-sagittal image samples the plane
 * u = 0. Image rows run along the curve (superior → inferior), columns along v (anterior →
 * posterior), both at `stepMm`. Pixel (column, row) maps back to C(row) + (column − centre)·v̂;
 * beyond the curve's ends C continues straight along the end tangent.
 *
 * The Python twin in training/ must give the same numbers (golden vectors check it).
 */
import type { Vec3, Volume } from '../volume';
import { add, cross, dot, lerp, norm, normalize, scale, sub } from './vec3';

export interface Frame {
  /** Unit tangent, pointing along the curve (superior → inferior). */
  t: Vec3;
  /** Unit lateral axis, toward the patient's left where the spine runs straight down. */
  u: Vec3;
  /** Unit anteroposterior axis, u × t: toward posterior where the spine runs straight down. */
  v: Vec3;
}

export interface Straightening {
  /** Curve points at equal arc length, one per image row, patient mm. */
  curveMm: Vec3[];
  frames: Frame[];
  stepMm: number;
  /** Image columns; column `centreColumn` lies on the curve. */
  columns: number;
  centreColumn: number;
}

/** Points at arc length 0, step, 2·step, … along the polyline (its end is dropped if shorter). */
export function resampleByArcLength(points: readonly Vec3[], stepMm: number): Vec3[] {
  if (points.length < 2) throw new Error('a centreline needs at least two points');
  const out: Vec3[] = [points[0]];
  let segment = 0;
  let along = 0; // arc length at the start of `segment`
  let target = stepMm;
  while (segment < points.length - 1) {
    const length = norm(sub(points[segment + 1], points[segment]));
    if (along + length >= target && length > 0) {
      out.push(lerp(points[segment], points[segment + 1], (target - along) / length));
      target += stepMm;
    } else {
      along += length;
      segment++;
    }
  }
  return out;
}

/** Central differences inside, one-sided at the ends. */
function tangents(curve: readonly Vec3[]): Vec3[] {
  const last = curve.length - 1;
  return curve.map((_, i) => normalize(sub(curve[Math.min(i + 1, last)], curve[Math.max(i - 1, 0)])));
}

/**
 * Rotation-minimising frames by projection: each u is the previous u made orthogonal to the
 * new tangent. The first u is the patient's left–right axis (+x, toward Left) made orthogonal
 * to the first tangent.
 */
export function parallelTransportFrames(curve: readonly Vec3[]): Frame[] {
  const ts = tangents(curve);
  const frames: Frame[] = [];
  let u: Vec3 = [1, 0, 0];
  for (const t of ts) {
    const projected = sub(u, scale(t, dot(u, t)));
    // A tangent along x leaves nothing to project: fall back to the anteroposterior axis.
    u = norm(projected) > 1e-6 ? normalize(projected) : normalize(sub([0, 1, 0], scale(t, t[1])));
    frames.push({ t, u, v: cross(u, t) });
  }
  return frames;
}

export function buildStraightening(centrelineMm: readonly Vec3[], options: { stepMm?: number; halfWidthMm?: number } = {}): Straightening {
  const stepMm = options.stepMm ?? 1;
  const halfWidthMm = options.halfWidthMm ?? 64;
  const curveMm = resampleByArcLength(centrelineMm, stepMm);
  const centreColumn = Math.round(halfWidthMm / stepMm);
  return { curveMm, frames: parallelTransportFrames(curveMm), stepMm, columns: 2 * centreColumn, centreColumn };
}

/**
 * Patient mm of a (fractional) mid-sagittal pixel; rows between curve points interpolate. Rows
 * beyond either end continue straight along the end tangent with the end frame (the image is
 * padded and points are placed there too): a keypoint above row 0 lies above the first curve
 * point, not on it, so heights measured across the end stay true.
 */
export function pixelToPatientMm(s: Straightening, column: number, row: number): Vec3 {
  const last = s.curveMm.length - 1;
  const lateral = (column - s.centreColumn) * s.stepMm;
  if (row < 0 || row > last) {
    const end = row < 0 ? 0 : last;
    const { t, v } = s.frames[end];
    return add(add(s.curveMm[end], scale(t, (row - end) * s.stepMm)), scale(v, lateral));
  }
  const r0 = Math.min(Math.floor(row), Math.max(last - 1, 0));
  const f = row - r0;
  const r1 = Math.min(r0 + 1, last);
  const centre = lerp(s.curveMm[r0], s.curveMm[r1], f);
  const v = normalize(lerp(s.frames[r0].v, s.frames[r1].v, f));
  return add(centre, scale(v, lateral));
}

/**
 * Inverse map for points on or near the mid-sagittal surface: the row whose normal plane holds
 * the point (the signed distance along t changes sign between two rows), then v within it. A
 * point before the first normal plane or beyond the last one gets a row below 0 or above the
 * last, the exact inverse of pixelToPatientMm's straight continuation there.
 */
export function patientToPixel(s: Straightening, p: Vec3): { column: number; row: number; lateralMm: number } {
  const last = s.curveMm.length - 1;
  const along = (i: number) => dot(sub(p, s.curveMm[i]), s.frames[i].t);
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i <= last; i++) {
    const d = norm(sub(p, s.curveMm[i]));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  // u and v are orthogonal to t: the offset along t is the row, the rest is column and lateral.
  const beyond = (end: number, alongMm: number) => {
    const offset = sub(p, s.curveMm[end]);
    return { column: s.centreColumn + dot(offset, s.frames[end].v) / s.stepMm, row: end + alongMm / s.stepMm, lateralMm: dot(offset, s.frames[end].u) };
  };
  if (last === 0) return beyond(0, along(0));
  // Bracket the plane crossing next to the nearest point, then interpolate linearly.
  let i0 = along(best) >= 0 ? best : Math.max(best - 1, 0);
  i0 = Math.min(i0, last - 1);
  const a0 = along(i0);
  const a1 = along(i0 + 1);
  if (i0 === 0 && a0 < 0) return beyond(0, a0);
  if (i0 === last - 1 && a1 > 0) return beyond(last, a1);
  const f = a0 === a1 ? 0 : Math.min(Math.max(a0 / (a0 - a1), 0), 1);
  const row = i0 + f;
  const centre = lerp(s.curveMm[i0], s.curveMm[i0 + 1], f);
  const v = normalize(lerp(s.frames[i0].v, s.frames[i0 + 1].v, f));
  const u = normalize(lerp(s.frames[i0].u, s.frames[i0 + 1].u, f));
  const offset = sub(p, centre);
  return { column: s.centreColumn + dot(offset, v) / s.stepMm, row, lateralMm: dot(offset, u) };
}

/** Trilinear sample of a volume at a patient position; `outside` beyond the voxels. */
export function sampleTrilinear(volume: Volume, p: Vec3, outside: number): number {
  const { originMm: o, spacingMm: sp, direction: d, dimensions: [nc, nr, ns] } = volume.geometry;
  const q = sub(p, o);
  const x = dot(q, d.column) / sp[0];
  const y = dot(q, d.row) / sp[1];
  const z = dot(q, d.slice) / sp[2];
  if (x < 0 || y < 0 || z < 0 || x > nc - 1 || y > nr - 1 || z > ns - 1) return outside;
  const x0 = Math.min(Math.floor(x), nc - 2 < 0 ? 0 : nc - 2);
  const y0 = Math.min(Math.floor(y), nr - 2 < 0 ? 0 : nr - 2);
  const z0 = Math.min(Math.floor(z), ns - 2 < 0 ? 0 : ns - 2);
  const fx = x - x0;
  const fy = y - y0;
  const fz = z - z0;
  const v = volume.voxels;
  const at = (i: number, j: number, k: number) => v[(Math.min(z0 + k, ns - 1) * nr + Math.min(y0 + j, nr - 1)) * nc + Math.min(x0 + i, nc - 1)];
  const c00 = at(0, 0, 0) * (1 - fx) + at(1, 0, 0) * fx;
  const c10 = at(0, 1, 0) * (1 - fx) + at(1, 1, 0) * fx;
  const c01 = at(0, 0, 1) * (1 - fx) + at(1, 0, 1) * fx;
  const c11 = at(0, 1, 1) * (1 - fx) + at(1, 1, 1) * fx;
  const c0 = c00 * (1 - fy) + c10 * fy;
  const c1 = c01 * (1 - fy) + c11 * fy;
  return c0 * (1 - fz) + c1 * fz;
}

/** The mid-sagittal image (rows × columns, row-major) in the volume's units; air outside. */
export function midSagittalImage(volume: Volume, s: Straightening, outside = -1024): Float32Array {
  const rows = s.curveMm.length;
  const image = new Float32Array(rows * s.columns);
  for (let row = 0; row < rows; row++) {
    const { v } = s.frames[row];
    const c = s.curveMm[row];
    for (let column = 0; column < s.columns; column++) {
      const offset = (column - s.centreColumn) * s.stepMm;
      image[row * s.columns + column] = sampleTrilinear(volume, [c[0] + v[0] * offset, c[1] + v[1] * offset, c[2] + v[2] * offset], outside);
    }
  }
  return image;
}
