/**
 * Step 1 after the network: the localizer's per-slice `presence` and `center` → the limits of
 * the spine and its centreline in patient mm, as training/models/postprocess.py `spine_curve`
 * does it: slices with presence ≥ threshold, the first and last of them are the limits (every
 * slice between counts: the convex hull); between the first and last sure slice (presence ≥ the
 * card's anchorPresence) the centres of the less sure ones are interpolated, because there the
 * soft-argmax can leave the spine for a bright neighbour; the centres are smoothed along z
 * (Gaussian, ends repeated) and mapped through the grid to patient mm, ordered superior → inferior.
 */
import type { Vec3 } from '../volume';
import type { LocalizerCard } from './modelCard';
import { gaussianKernel, gridToPatientMm, type LocalizerGrid, type LocalizerInput } from './resample';
import { output, type CheckedModel } from './runner';
import { slabOfSlice, slabStarts } from './slabs';

export interface LocalizerOutputs {
  /** (x, y) per padded grid slice, grid-voxel units: [x0, y0, x1, y1, …]. */
  center: Float32Array;
  /** Max voxel probability per padded grid slice. */
  presence: Float32Array;
}

export interface SpineCurve {
  /** One point per grid slice between the limits, patient mm, superior → inferior. */
  centrelineMm: Vec3[];
  /** [z superior, z inferior], patient mm. */
  limitsMm: [number, number];
  /** First and last positive grid slice (inclusive). */
  slices: [number, number];
}

/** One run of the network on slices [start, start + count) of the input (a view, not a copy). */
async function runSlab(model: CheckedModel<LocalizerCard>, input: LocalizerInput, start: number, count: number): Promise<LocalizerOutputs> {
  const [, , , Yp, Xp] = input.tensor.dims;
  const plane = Yp * Xp;
  const data = input.tensor.data.subarray(start * plane, (start + count) * plane);
  const outputs = await model.session.run({ [model.card.inputs[0].name]: { data, dims: [1, 1, count, Yp, Xp] } });
  const center = output(outputs, 'center', model.card.name);
  const presence = output(outputs, 'presence', model.card.name);
  if (center.data.length !== count * 2 || presence.data.length !== count) {
    throw new Error(`model ${model.card.name} gave center ${JSON.stringify(center.dims)} and presence ${JSON.stringify(presence.dims)} for ${count} slices`);
  }
  return { center: center.data, presence: presence.data };
}

/** The network slab by slab (slabs.ts, the card's `inference`), stitched into one output per slice. */
export async function runLocalizer(model: CheckedModel<LocalizerCard>, input: LocalizerInput, signal?: AbortSignal): Promise<LocalizerOutputs> {
  const slices = input.tensor.dims[2];
  const settings = model.card.inference;
  const starts = slabStarts(slices, settings);
  if (starts.length === 1) return runSlab(model, input, 0, slices);
  const pick = slabOfSlice(slices, starts, settings);
  const center = new Float32Array(2 * slices);
  const presence = new Float32Array(slices);
  for (let k = 0; k < starts.length; k++) {
    signal?.throwIfAborted();
    const a = starts[k];
    const slab = await runSlab(model, input, a, settings.slabSlices);
    for (let z = a; z < a + settings.slabSlices; z++) {
      if (pick[z] !== k) continue;
      presence[z] = slab.presence[z - a];
      center[2 * z] = slab.center[2 * (z - a)];
      center[2 * z + 1] = slab.center[2 * (z - a) + 1];
    }
  }
  return { center, presence };
}

/**
 * First and last slice with presence ≥ threshold among the real ones (padded slices beyond
 * `realSlices` are never spine); null when there is none.
 */
export function positiveRange(presence: ArrayLike<number>, threshold: number, realSlices = presence.length): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let z = 0; z < Math.min(realSlices, presence.length); z++) {
    if (presence[z] >= threshold) {
      if (first < 0) first = z;
      last = z;
    }
  }
  return first < 0 ? null : [first, last];
}

/** Gaussian of `sigma` samples along the list (ends repeated), per component; < 2 values unchanged. */
export function smoothAlongZ(values: readonly (readonly number[])[], sigma: number, truncateSigmas: number): number[][] {
  if (sigma <= 0 || values.length < 2) return values.map((v) => [...v]);
  const kernel = gaussianKernel(sigma, truncateSigmas);
  const radius = (kernel.length - 1) / 2;
  const last = values.length - 1;
  return values.map((_, i) =>
    values[0].map((__, c) => {
      let sum = 0;
      for (let j = 0; j < kernel.length; j++) sum += kernel[j] * values[Math.min(Math.max(i + j - radius, 0), last)][c];
      return sum;
    }),
  );
}

/**
 * postprocess.py `anchored_centres`: (x, y) per slice, those between two anchors (presence ≥
 * `anchor`) that are not anchors themselves replaced by linear interpolation between the nearest
 * anchors; before the first and after the last anchor unchanged; fewer than two anchors: unchanged.
 */
export function anchoredCentres(xy: readonly (readonly number[])[], presence: ArrayLike<number>, anchor: number): number[][] {
  const out = xy.map((p) => [...p]);
  const anchors: number[] = [];
  for (let i = 0; i < xy.length; i++) if (presence[i] >= anchor) anchors.push(i);
  for (let k = 0; k + 1 < anchors.length; k++) {
    const a = anchors[k];
    const b = anchors[k + 1];
    for (let i = a + 1; i < b; i++) {
      const t = (i - a) / (b - a);
      out[i] = out[a].map((v, c) => v + t * (out[b][c] - v));
    }
  }
  return out;
}

/** postprocess.py `spine_curve` with the card's numbers; null when no slice holds spine. */
export function spineCurve(outputs: LocalizerOutputs, grid: LocalizerGrid, card: LocalizerCard): SpineCurve | null {
  const span = positiveRange(outputs.presence, card.postprocessing.presenceThreshold, grid.shapeZYX[0]);
  if (!span) return null;
  const [first, last] = span;
  const xy: number[][] = [];
  for (let z = first; z <= last; z++) xy.push([outputs.center[2 * z], outputs.center[2 * z + 1]]);
  const anchored = anchoredCentres(xy, outputs.presence.subarray(first, last + 1), card.postprocessing.anchorPresence);
  // The smoothing radius rule is the anti-aliasing one (postprocess.py uses the same kernel).
  const smoothed = smoothAlongZ(anchored, card.postprocessing.smoothingSigmaSlices, card.preprocessing.antiAliasing.truncateSigmas);
  let points = smoothed.map(([x, y], i) => gridToPatientMm(grid, x, y, first + i));
  if (points[0][2] < points[points.length - 1][2]) points = points.reverse();
  return { centrelineMm: points, limitsMm: [points[0][2], points[points.length - 1][2]], slices: span };
}
