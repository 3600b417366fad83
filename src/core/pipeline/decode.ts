/**
 * Detector outputs → vertebrae in image pixels, line by line as training/models/decode.py:
 * every cell with sigmoid(objectness) ≥ threshold whose centre lies in the image (not in the
 * padding the detector's input got to reach the card's multiple) gives a candidate whose six
 * points are the cell centre plus the cell's keypoint offsets; greedy non-maximum suppression
 * by Butterfly-IoU (best score first, drop a candidate whose IoU with a kept one exceeds the
 * threshold); the kept ones ordered superior → inferior by the mean row of their points.
 */
import { butterflyIoU, type SixPoints2D } from '../quantify/butterflyIoU';
import type { Vec2 } from '../geometry/polygon';

export interface DetectorOutputs {
  /** Logits, [h][w] (batch and channel dropped). */
  objectness: Float32Array;
  /** 12 channels [c][h][w]: x0, y0, …, x5, y5 relative to the cell centre, input pixels. */
  keypoints: Float32Array;
  /** Level logits [L][h][w], or null when the graph has no level head. */
  level: Float32Array | null;
  levels: number;
  h: number;
  w: number;
}

export interface Detection {
  /** (column, row) input pixels, order AS, AI, MS, MI, PS, PI. */
  pointsPx: SixPoints2D;
  /** sigmoid(objectness) of its cell. */
  score: number;
  /** argmax of the cell's level logits (first maximum), −100 without a level head (as Python). */
  levelIndex: number;
  /** The cell's level logits, for the level assignment along the spine; empty without a head. */
  levelLogits: Float64Array;
  /** (row i, column j) on the output grid. */
  cell: [number, number];
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Cell centre on the input: (j·r + (r−1)/2, i·r + (r−1)/2) as (column, row). */
export function cellCentre(i: number, j: number, stride: number): Vec2 {
  const half = (stride - 1) / 2;
  return [j * stride + half, i * stride + half];
}

/** The real (unpadded) size of the image the detector ran on, pixels. */
export interface ImageSize {
  rows: number;
  columns: number;
}

/**
 * Whether a cell centre lies on the image rather than in its padding: pixel k covers
 * [k − ½, k + ½], so the image ends at rows − ½ and columns − ½ (a centre on that edge, half
 * the cell on the image, counts as inside).
 */
export function centreInImage([cx, cy]: Vec2, image: ImageSize): boolean {
  return cx <= image.columns - 0.5 && cy <= image.rows - 0.5;
}

/**
 * decode.py `candidates`: cells in row-major order (numpy's nonzero order). Without `image`
 * every cell counts (an unpadded input).
 */
export function candidates(out: DetectorOutputs, threshold: number, stride: number, image?: ImageSize): Detection[] {
  const { h, w, levels } = out;
  const cells = h * w;
  const found: Detection[] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const cell = i * w + j;
      const score = sigmoid(out.objectness[cell]);
      if (!(score >= threshold)) continue;
      const [cx, cy] = cellCentre(i, j, stride);
      if (image && !centreInImage([cx, cy], image)) continue;
      const points: Vec2[] = [];
      for (let p = 0; p < 6; p++) points.push([cx + out.keypoints[(2 * p) * cells + cell], cy + out.keypoints[(2 * p + 1) * cells + cell]]);
      const levelLogits = new Float64Array(out.level ? levels : 0);
      let levelIndex = -100;
      if (out.level) {
        for (let l = 0; l < levels; l++) {
          levelLogits[l] = out.level[l * cells + cell];
          if (levelIndex < 0 || levelLogits[l] > levelLogits[levelIndex]) levelIndex = l;
        }
      }
      found.push({ pointsPx: points as unknown as SixPoints2D, score, levelIndex, levelLogits, cell: [i, j] });
    }
  }
  return found;
}

function meanRow(d: Detection): number {
  let sum = 0;
  for (const p of d.pointsPx) sum += p[1];
  return sum / 6;
}

function bounds(points: SixPoints2D): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/**
 * decode.py `butterfly_nms`. Array.prototype.sort is stable, like Python's sorted. Butterflies
 * whose bounding boxes do not overlap have IoU 0, so the exact clipping is skipped for them (the
 * same decision, far less work when an untrained or unsure net fires on many cells).
 */
export function butterflyNms(detections: readonly Detection[], iouThreshold: number): Detection[] {
  const kept: { d: Detection; box: [number, number, number, number] }[] = [];
  const apart = (a: number[], b: number[]) => a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    const box = bounds(d.pointsPx);
    if (kept.every((k) => (iouThreshold >= 0 && apart(box, k.box)) || butterflyIoU(d.pointsPx, k.d.pointsPx) <= iouThreshold)) kept.push({ d, box });
  }
  return kept.map((k) => k.d).sort((a, b) => meanRow(a) - meanRow(b));
}

export function decodeDetector(out: DetectorOutputs, thresholds: { objectness: number; nmsButterflyIoU: number }, stride: number, image?: ImageSize): Detection[] {
  return butterflyNms(candidates(out, thresholds.objectness, stride, image), thresholds.nmsButterflyIoU);
}
