/**
 * Step 5 of the localizer's preprocessing (training/models/preprocess.py `crop_to_body`): the
 * input cut in-plane to the box that holds the body. The network's 3D activations grow with the
 * grid and are most of a browser analysis's memory; a CT's field of view is mostly air beside
 * the patient, so cutting it away costs nothing the localizer needs.
 *
 * Counting rather than a plain bounding box keeps the thin table and stray noise out: a row or
 * column stays when it holds at least `share` of the body voxels of the fullest one. The box
 * starts at a multiple of the pad multiple so the network's pooling sees the grid as before.
 */
import type { LocalizerCard } from './modelCard';
import { roundUp, type LocalizerGrid, type LocalizerInput } from './resample';

export interface BodyCropSettings {
  /** Scaled value above which a voxel is body (the card's 0.125 = −625 HU). */
  level: number;
  /** A row or column is kept with at least this share of the fullest one's body voxels. */
  share: number;
  marginVoxels: number;
}

/** [start, stop) along grid y and x. */
export interface BodyBox {
  y: [number, number];
  x: [number, number];
}

/** preprocess.py `_kept_span`. */
function keptSpan(counts: Int32Array, settings: BodyCropSettings, padMultiple: number): [number, number] {
  const n = counts.length;
  let top = 0;
  for (const c of counts) top = Math.max(top, c);
  if (top === 0) return [0, n];
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (counts[i] >= settings.share * top) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const start = Math.max(0, first - settings.marginVoxels);
  const stop = Math.min(n, last + 1 + settings.marginVoxels);
  return [start - (start % padMultiple), stop];
}

/** preprocess.py `body_box`, over the real (unpadded) part of a [1, 1, Zp, Yp, Xp] tensor. */
export function bodyBox(data: Float32Array, paddedZYX: readonly number[], grid: LocalizerGrid, settings: BodyCropSettings, padMultiple: number): BodyBox {
  const [, Yp, Xp] = paddedZYX;
  const [Z, Y, X] = grid.shapeZYX;
  // Compared in float32, as numpy compares a float32 array with np.float32(level).
  const level = Math.fround(settings.level);
  const perRow = new Int32Array(Y);
  const perColumn = new Int32Array(X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++) {
      const o = (z * Yp + y) * Xp;
      for (let x = 0; x < X; x++)
        if (data[o + x] > level) {
          perRow[y]++;
          perColumn[x]++;
        }
    }
  return { y: keptSpan(perRow, settings, padMultiple), x: keptSpan(perColumn, settings, padMultiple) };
}

/**
 * The input cut to its body box and padded again at its end, with the grid of the cut (origin at
 * the box's first voxel), so centres found in it map to the same patient mm.
 *
 * By default into a new tensor, the full one left as it was (a caller may lend it to the next
 * analysis). With `inPlace`, the cut is moved to the front of the input's own buffer and the
 * result is a view of it: no second tensor beside the full one through the localizer run (npm
 * run bench:pipeline, the browser's peak), and the full tensor is gone.
 */
export function cropToBody(input: LocalizerInput, card: LocalizerCard, options: { inPlace?: boolean } = {}): LocalizerInput {
  const pre = card.preprocessing;
  const dims = input.tensor.dims;
  const [Zp, Yp, Xp] = [dims[2], dims[3], dims[4]];
  const box = bodyBox(input.tensor.data, [Zp, Yp, Xp], input.grid, pre.bodyCrop, pre.padMultiple);
  const [y0, y1] = box.y;
  const [x0, x1] = box.x;
  const [Z, rows, columns] = input.grid.shapeZYX;
  // Nothing to cut (the box is the whole grid): the same tensor, no copy. A box that ends inside
  // the last pad block is still cut: the rows and columns after it must become padding.
  if (y0 === 0 && x0 === 0 && y1 === rows && x1 === columns) return input;
  const [Yc, Xc] = [roundUp(y1 - y0, pre.padMultiple), roundUp(x1 - x0, pre.padMultiple)];
  const src = input.tensor.data;
  const out = cutBox(src, options.inPlace ? src : new Float32Array(Zp * Yc * Xc), [Z, Zp, Yp, Xp], [Yc, Xc], box, pre.padValue);
  const { originMm: o, stepsMm } = input.grid;
  const [X, Y] = stepsMm;
  const grid: LocalizerGrid = {
    originMm: [o[0] + x0 * X[0] + y0 * Y[0], o[1] + x0 * X[1] + y0 * Y[1], o[2] + x0 * X[2] + y0 * Y[2]],
    stepsMm,
    shapeZYX: [Z, y1 - y0, x1 - x0],
  };
  return { tensor: { data: out, dims: [1, 1, Zp, Yc, Xc] }, grid };
}

type Sizes = [Z: number, Zp: number, Yp: number, Xp: number];

/**
 * The box's rows of `src` written to the front of `dst`, in order, each padded to Xc, each slice
 * to Yc rows, the padded slices after Z filled; returns that front, Zp · Yc · Xc values. `dst`
 * may be `src` itself: one forward pass is then safe, as a row never lands after where it was
 * read from (Yc ≤ Yp, Xc ≤ Xp), so none is overwritten before it is moved.
 */
function cutBox(src: Float32Array, dst: Float32Array, [Z, Zp, Yp, Xp]: Sizes, [Yc, Xc]: [number, number], box: BodyBox, padValue: number): Float32Array {
  const [[y0, y1], [x0, x1]] = [box.y, box.x];
  const width = x1 - x0;
  for (let z = 0; z < Z; z++) {
    for (let y = y0; y < y1; y++) {
      const from = (z * Yp + y) * Xp + x0;
      const to = (z * Yc + (y - y0)) * Xc;
      if (dst === src) dst.copyWithin(to, from, from + width);
      else dst.set(src.subarray(from, from + width), to);
      dst.fill(padValue, to + width, to + Xc);
    }
    dst.fill(padValue, (z * Yc + (y1 - y0)) * Xc, (z + 1) * Yc * Xc);
  }
  dst.fill(padValue, Z * Yc * Xc, Zp * Yc * Xc);
  return dst.subarray(0, Zp * Yc * Xc);
}
