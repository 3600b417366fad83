/**
 * The centreline smoothed along its arc before straightening (training/contract/straighten.py
 * `smooth_centreline`, checked by golden vectors).
 *
 * A centreline through the vertebral body centres bends at each centre, most of all at a wedged
 * or crushed body. Straightened with that kink inside it, a fractured body is unbent in the
 * image: a severe crush is drawn as a mild one. Smoothed over about half a vertebra, the image
 * shows each body's own shape, as the detector saw it in training.
 */
import type { Vec3 } from '../volume';
import { gaussianKernel } from '../pipeline/resample';
import { resampleByArcLength } from './straighten';

/** Resampled at `stepMm`, then a Gaussian of `sigmaMm` (radius ceil(3σ) samples) along the arc; each end odd-reflected through itself so a straight end stays put. σ ≤ 0 only resamples. */
export function smoothCentreline(points: readonly Vec3[], sigmaMm: number, stepMm: number): Vec3[] {
  const curve = resampleByArcLength(points, stepMm);
  const sigma = sigmaMm / stepMm;
  if (!(sigma > 0) || curve.length < 2) return curve;
  const kernel = gaussianKernel(sigma, 3);
  const radius = (kernel.length - 1) / 2;
  const last = curve.length - 1;
  const at = (index: number): Vec3 => {
    if (index < 0) return reflect(curve[0], curve[Math.min(-index, last)]);
    if (index > last) return reflect(curve[last], curve[Math.max(2 * last - index, 0)]);
    return curve[index];
  };
  return curve.map((_, i) => {
    const sum: Vec3 = [0, 0, 0];
    for (let k = -radius; k <= radius; k++) {
      const p = at(i + k);
      const w = kernel[k + radius];
      sum[0] += w * p[0];
      sum[1] += w * p[1];
      sum[2] += w * p[2];
    }
    return sum;
  });
}

/** 2·end − p: p mirrored through the end point. */
function reflect(end: Vec3, p: Vec3): Vec3 {
  return [2 * end[0] - p[0], 2 * end[1] - p[1], 2 * end[2] - p[2]];
}
