/**
 * The localizer's input, exactly as training/models/preprocess.py `preprocess_localizer` makes
 * it (the card lists the same four steps with their numbers):
 *  1. reorient without interpolation so grid x, y, z follow patient +x (Left), +y (Posterior),
 *     +z (Superior) as closely as the direction cosines allow;
 *  2. per axis in the order z, y, x with f = target / source spacing: when f > 1 blur with a
 *     normalised Gaussian of sigma sigmaPerShrink·(f − 1) source voxels (edges repeated), then
 *     sample linearly at source positions k·f, k = 0 … floor((n − 1)/f);
 *  3. clip HU to the window and scale to [0, 1];
 *  4. pad every axis at its end to the pad multiple.
 *
 * How it differs from the Python in form, not in value: the reorientation is a strided view
 * (no copy of the volume), and blur + linear sampling of an axis are fused into one small set of
 * weights per output sample (a linear sample of a blurred line is a weighted sum of source
 * voxels). The volume is processed one output slice at a time, so memory beyond the volume is
 * one source-sized slice plus the small output tensor, and a caller that analyses again and again
 * can lend both to the next call (ResampleBuffers). Values agree with Python to float32 rounding
 * (golden test: training/golden/pipeline.json).
 */
import type { Vec3, Volume, VolumeGeometry } from '../volume';
import type { LocalizerCard } from './modelCard';
import { PipelineError } from './pipelineError';
import type { TensorData } from './runner';

/**
 * The largest localizer grid the pipeline runs, padded voxels: 256³ ≈ 16.8 M, i.e. 1 m along z
 * by 512 × 512 mm at the card's 4 × 2 × 2 mm. Every spine CT fits, the whole spine C1–S1
 * (~0.8 m) included; its input tensor is 64 MB. The network's activations grow with the grid
 * (16–32 channels at half the x, y resolution: over 1 GB at this size, beyond what a browser's
 * WebAssembly memory holds much above it), so a longer series, such as a 2 m whole-body CT, is
 * refused before anything is allocated, with the sizes and what to do, instead of running out
 * of memory midway.
 */
export const MAX_LOCALIZER_GRID_VOXELS = 256 ** 3;

/** Where the resampled grid lies in patient space (preprocess.py LocalizerGrid). */
export interface LocalizerGrid {
  /** Patient mm of grid voxel (0, 0, 0). */
  originMm: Vec3;
  /** Patient-mm step of +1 in grid x, y and z (reoriented unit directions × target spacing). */
  stepsMm: [Vec3, Vec3, Vec3];
  /** Real (unpadded) size as [z, y, x]. */
  shapeZYX: [number, number, number];
}

export interface LocalizerInput {
  /** [1, 1, Zp, Yp, Xp], values in [0, 1], zero padding at the end of each axis. */
  tensor: TensorData;
  grid: LocalizerGrid;
}

/** Grid voxel (x, y, z), fractional allowed, → patient mm (LocalizerGrid.index_to_patient). */
export function gridToPatientMm(grid: LocalizerGrid, x: number, y: number, z: number): Vec3 {
  const [X, Y, Z] = grid.stepsMm;
  const o = grid.originMm;
  return [o[0] + x * X[0] + y * Y[0] + z * Z[0], o[1] + x * X[1] + y * Y[1] + z * Z[1], o[2] + x * X[2] + y * Y[2] + z * Z[2]];
}

function directionRows(g: VolumeGeometry): [Vec3, Vec3, Vec3] {
  return [g.direction.column, g.direction.row, g.direction.slice];
}

/**
 * For patient axes x, y, z: the voxel axis (0 column, 1 row, 2 slice) that follows it and its
 * sign. Greedy on the largest |cosine|; ties go to the lower voxel axis, then the lower patient
 * axis (the order Python's max() meets them in), so an oblique stack still gets a permutation.
 */
export function canonicalAxes(geometry: VolumeGeometry): { voxelFor: [number, number, number]; signs: [number, number, number] } {
  const d = directionRows(geometry);
  const voxelFor: [number, number, number] = [-1, -1, -1];
  const freeVoxel = [0, 1, 2];
  const freePatient = [0, 1, 2];
  for (let round = 0; round < 3; round++) {
    let best: [number, number] = [-1, -1];
    let bestCos = -Infinity;
    for (const a of freeVoxel)
      for (const p of freePatient)
        if (Math.abs(d[a][p]) > bestCos) {
          bestCos = Math.abs(d[a][p]);
          best = [a, p];
        }
    voxelFor[best[1]] = best[0];
    freeVoxel.splice(freeVoxel.indexOf(best[0]), 1);
    freePatient.splice(freePatient.indexOf(best[1]), 1);
  }
  const signs = [0, 1, 2].map((p) => (d[voxelFor[p]][p] >= 0 ? 1 : -1)) as [number, number, number];
  return { voxelFor, signs };
}

/** The reoriented volume as a view: element (z, y, x) is voxels[offset + z·sz + y·sy + x·sx]. */
export interface ReorientedView {
  voxels: ArrayLike<number>;
  offset: number;
  /** Element strides along view z, y, x (negative where an axis is flipped). */
  strides: [number, number, number];
  /** Sizes along view z, y, x. */
  sizes: [number, number, number];
  originMm: Vec3;
  /** Unit patient directions of view x, y, z. */
  directions: [Vec3, Vec3, Vec3];
  /** Source spacing along view x, y, z, mm. */
  spacingMm: Vec3;
}

/** Step 1 (preprocess.py `reorient`) without moving a voxel. */
export function reorient(volume: Volume): ReorientedView {
  const g = volume.geometry;
  const { voxelFor, signs } = canonicalAxes(g);
  const d = directionRows(g);
  const [nc, nr] = g.dimensions;
  const voxelStride = [1, nc, nc * nr];
  let offset = 0;
  const origin: Vec3 = [...g.originMm];
  const directions: Vec3[] = [];
  const spacing: number[] = [];
  const strideXYZ: number[] = [];
  const sizeXYZ: number[] = [];
  for (let p = 0; p < 3; p++) {
    const a = voxelFor[p];
    const n = g.dimensions[a];
    directions.push([d[a][0] * signs[p], d[a][1] * signs[p], d[a][2] * signs[p]]);
    spacing.push(g.spacingMm[a]);
    sizeXYZ.push(n);
    strideXYZ.push(voxelStride[a] * signs[p]);
    if (signs[p] < 0) {
      // The flipped axis starts at the far end: both the first element and the origin move.
      offset += voxelStride[a] * (n - 1);
      for (let k = 0; k < 3; k++) origin[k] += d[a][k] * g.spacingMm[a] * (n - 1);
    }
  }
  return {
    voxels: volume.voxels,
    offset,
    strides: [strideXYZ[2], strideXYZ[1], strideXYZ[0]],
    sizes: [sizeXYZ[2], sizeXYZ[1], sizeXYZ[0]],
    originMm: origin,
    directions: directions as [Vec3, Vec3, Vec3],
    spacingMm: spacing as Vec3,
  };
}

/** Normalised samples of exp(−x²/2σ²) at integer x in [−r, r], r = max(ceil(truncate·σ), 1). */
export function gaussianKernel(sigma: number, truncateSigmas: number): Float64Array {
  const radius = Math.max(Math.ceil(truncateSigmas * sigma), 1);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    w[i + radius] = Math.exp(-0.5 * (i / sigma) ** 2);
    sum += w[i + radius];
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/** Source taps of every output sample of one axis: out[k] = Σ weights[k][j] · in[indices[k][j]]. */
export interface AxisWeights {
  count: number;
  indices: Int32Array[];
  weights: Float64Array[];
}

/**
 * Step 2 on one axis of n source samples, as weights: preprocess.py `resample_axis` (blur when
 * shrinking, then `sample_axis_linear`). The Python blurs with a float32 kernel (correlate1d of
 * float32 data), so the kernel is rounded to float32 here too.
 */
export function axisWeights(n: number, factor: number, sigmaPerShrink: number, truncateSigmas: number): AxisWeights {
  // |f − 1| < 1e-9: Python returns the axis unchanged (a blur that small is the identity).
  if (Math.abs(factor - 1) < 1e-9) {
    return { count: n, indices: Array.from({ length: n }, (_, k) => Int32Array.of(k)), weights: Array.from({ length: n }, () => Float64Array.of(1)) };
  }
  const kernel = factor > 1 ? Float64Array.from(gaussianKernel(sigmaPerShrink * (factor - 1), truncateSigmas), Math.fround) : Float64Array.of(1);
  const radius = (kernel.length - 1) / 2;
  const count = Math.floor((n - 1) / factor + 1e-9) + 1;
  const clamp = (i: number) => Math.min(Math.max(i, 0), n - 1);
  const indices: Int32Array[] = [];
  const weights: Float64Array[] = [];
  for (let k = 0; k < count; k++) {
    // n == 1: Python repeats the single (blurred = unchanged) sample.
    const i0 = n === 1 ? 0 : Math.min(Math.floor(k * factor), n - 2);
    const t = n === 1 ? 0 : Math.fround(k * factor - i0);
    // blurred(i) = Σ_j kernel[j] · in[clamp(i + j − r)]; out = (1 − t)·blurred(i0) + t·blurred(i0 + 1).
    const taps = new Map<number, number>();
    const addTap = (i: number, w: number) => taps.set(clamp(i), (taps.get(clamp(i)) ?? 0) + w);
    for (let j = 0; j < kernel.length; j++) {
      addTap(i0 + j - radius, (1 - t) * kernel[j]);
      if (n > 1) addTap(i0 + 1 + j - radius, t * kernel[j]);
    }
    indices.push(Int32Array.from(taps.keys()));
    weights.push(Float64Array.from(taps.values()));
  }
  return { count, indices, weights };
}

/** n rounded up to a multiple (the padded size of an axis of n). */
export function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Samples along an axis of n source samples resampled by factor f (axisWeights' count, cheaply). */
function resampledCount(n: number, factor: number): number {
  return Math.abs(factor - 1) < 1e-9 ? n : Math.floor((n - 1) / factor + 1e-9) + 1;
}

export interface LocalizerGridSize {
  /** Real grid size as [z, y, x]. */
  shapeZYX: [number, number, number];
  /** Padded to the card's multiple, as the network gets it. */
  paddedZYX: [number, number, number];
  voxels: number;
}

/** The localizer grid's size for a volume, from its geometry alone (nothing resampled). */
export function localizerGridSize(volume: Volume, card: LocalizerCard): LocalizerGridSize {
  const pre = card.preprocessing;
  const view = reorient(volume);
  const [nz, ny, nx] = view.sizes;
  const shapeZYX: [number, number, number] = [
    resampledCount(nz, pre.spacingMm[2] / view.spacingMm[2]),
    resampledCount(ny, pre.spacingMm[1] / view.spacingMm[1]),
    resampledCount(nx, pre.spacingMm[0] / view.spacingMm[0]),
  ];
  const paddedZYX = shapeZYX.map((n) => roundUp(n, pre.padMultiple)) as [number, number, number];
  return { shapeZYX, paddedZYX, voxels: paddedZYX[0] * paddedZYX[1] * paddedZYX[2] };
}

/** A PipelineError ('too-large') when the volume's localizer grid exceeds MAX_LOCALIZER_GRID_VOXELS. */
export function checkLocalizerGridSize(volume: Volume, card: LocalizerCard): LocalizerGridSize {
  const size = localizerGridSize(volume, card);
  if (size.voxels > MAX_LOCALIZER_GRID_VOXELS) {
    const [z, y, x] = size.shapeZYX;
    const [sx, sy, sz] = card.preprocessing.spacingMm;
    const extent = `${Math.round(z * sz)} × ${Math.round(y * sy)} × ${Math.round(x * sx)} mm (z × y × x)`;
    throw new PipelineError(
      'too-large',
      `series too large for the spine localizer: it spans ${extent}, a grid of ${size.paddedZYX.join(' × ')} = ${size.voxels.toLocaleString('en-US')} voxels at ${sx} × ${sy} × ${sz} mm, ` +
        `over the limit of ${MAX_LOCALIZER_GRID_VOXELS.toLocaleString('en-US')} (about 1 m × 512 mm × 512 mm); crop the series to the spine or load a shorter one`,
    );
  }
  return size;
}

/**
 * Buffers one localizer input lends to the next: the input tensor (the runtime copies it into its
 * own memory, onnxruntime-web, or reads it during the run only, onnxruntime-node, so it is free
 * once the localizer has run) and the two per-slice scratch planes. An analysis worker keeps one
 * and passes it to every analysis: each then leaves no new tensor behind (12 MB for a
 * 512 × 512 × 300 chest CT) for a garbage collector that may let several pile up before it runs.
 * localizerInput reuses a buffer of exactly the size it needs and leaves its own here.
 */
export interface ResampleBuffers {
  tensor?: Float32Array;
  plane?: Float64Array;
  rows?: Float64Array;
}

/** buffers[key] when it has `length` elements, else a new scratch array, left there for the next call. */
function lentScratch(buffers: ResampleBuffers | undefined, key: 'plane' | 'rows', length: number): Float64Array {
  const old = buffers?.[key];
  if (old?.length === length) return old;
  const fresh = new Float64Array(length);
  if (buffers) buffers[key] = fresh;
  return fresh;
}

/**
 * Steps 1–4 with the card's numbers: the localizer's input tensor and its grid. Refuses a grid
 * over MAX_LOCALIZER_GRID_VOXELS (PipelineError 'too-large') before allocating it. With
 * `buffers`, the tensor may be the one an earlier call returned, overwritten: nothing may still
 * use that earlier input.
 */
export function localizerInput(
  volume: Volume,
  card: LocalizerCard,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void; buffers?: ResampleBuffers } = {},
): LocalizerInput {
  const pre = card.preprocessing;
  const { paddedZYX } = checkLocalizerGridSize(volume, card);
  const view = reorient(volume);
  const [nz, ny, nx] = view.sizes;
  const [sz, sy, sx] = view.strides;
  const weightsFor = (p: number, n: number) => axisWeights(n, pre.spacingMm[p] / view.spacingMm[p], pre.antiAliasing.sigmaPerShrink, pre.antiAliasing.truncateSigmas);
  const wz = weightsFor(2, nz);
  const wy = weightsFor(1, ny);
  const wx = weightsFor(0, nx);
  const [Z, Y, X] = [wz.count, wy.count, wx.count];
  const [Zp, Yp, Xp] = paddedZYX;
  const size = Zp * Yp * Xp;
  const lentTensor = options.buffers?.tensor?.length === size ? options.buffers.tensor : null;
  const out = lentTensor ?? new Float32Array(size);
  if (options.buffers) options.buffers.tensor = out;
  // A new tensor is all zeros already; a lent one holds the last input, padding included.
  if (lentTensor || pre.padValue !== 0) out.fill(pre.padValue);
  const { lowHu, highHu } = pre.window;
  const range = highHu - lowHu;
  const src = view.voxels;
  // Both are cleared before each use, so lent ones need nothing more.
  const plane = lentScratch(options.buffers, 'plane', ny * nx); // z-resampled, still at source y, x
  const rows = lentScratch(options.buffers, 'rows', Y * nx); // then y-resampled
  for (let k = 0; k < Z; k++) {
    options.signal?.throwIfAborted();
    // z: a weighted sum of source planes, row by row (the row being summed stays in cache).
    plane.fill(0);
    const zi = wz.indices[k];
    const zw = wz.weights[k];
    for (let y = 0; y < ny; y++) {
      const o = y * nx;
      for (let j = 0; j < zi.length; j++) {
        const w = zw[j];
        const s = view.offset + zi[j] * sz + y * sy;
        if (sx === 1) for (let x = 0; x < nx; x++) plane[o + x] += w * src[s + x];
        else for (let x = 0; x < nx; x++) plane[o + x] += w * src[s + x * sx];
      }
    }
    // y: weighted sums of rows.
    rows.fill(0);
    for (let yk = 0; yk < Y; yk++) {
      const yi = wy.indices[yk];
      const yw = wy.weights[yk];
      const o = yk * nx;
      for (let j = 0; j < yi.length; j++) {
        const w = yw[j];
        const s = yi[j] * nx;
        for (let x = 0; x < nx; x++) rows[o + x] += w * plane[s + x];
      }
    }
    // x, then the window, scaled to [0, 1], written into the padded tensor.
    for (let yk = 0; yk < Y; yk++) {
      const s = yk * nx;
      const o = (k * Yp + yk) * Xp;
      for (let xk = 0; xk < X; xk++) {
        const xi = wx.indices[xk];
        const xw = wx.weights[xk];
        let v = 0;
        for (let j = 0; j < xi.length; j++) v += xw[j] * rows[s + xi[j]];
        out[o + xk] = ((v < lowHu ? lowHu : v > highHu ? highHu : v) - lowHu) / range;
      }
    }
    options.onProgress?.((k + 1) / Z);
  }
  const target = pre.spacingMm;
  const d = view.directions;
  const grid: LocalizerGrid = {
    originMm: view.originMm,
    stepsMm: [0, 1, 2].map((p) => [d[p][0] * target[p], d[p][1] * target[p], d[p][2] * target[p]]) as [Vec3, Vec3, Vec3],
    shapeZYX: [Z, Y, X],
  };
  return { tensor: { data: out, dims: [1, 1, Zp, Yp, Xp] }, grid };
}
