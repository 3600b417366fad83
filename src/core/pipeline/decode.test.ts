/** Decoding by hand: cell centres, the inclusive threshold, padded cells, offsets, NMS order and ties. */
import { describe, expect, it } from 'vitest';
import { butterflyNms, candidates, cellCentre, centreInImage, decodeDetector, sigmoid, type DetectorOutputs } from './decode';

const BOX = [[-15, -10], [-15, 10], [0, -10], [0, 10], [15, -10], [15, 10]];
const logit = (p: number) => Math.log(p / (1 - p));

/** h × w outputs with the given cells firing at probability p, each a 30 × 20 box (+dx, dy). */
function outputs(h: number, w: number, cells: { i: number; j: number; p: number; dx?: number; dy?: number; level?: number }[]): DetectorOutputs {
  const objectness = new Float32Array(h * w).fill(-10);
  const keypoints = new Float32Array(12 * h * w);
  const level = new Float32Array(3 * h * w);
  for (const c of cells) {
    const cell = c.i * w + c.j;
    objectness[cell] = logit(c.p);
    BOX.forEach(([x, y], k) => {
      keypoints[2 * k * h * w + cell] = x + (c.dx ?? 0);
      keypoints[(2 * k + 1) * h * w + cell] = y + (c.dy ?? 0);
    });
    level[(c.level ?? 0) * h * w + cell] = 1;
  }
  return { objectness, keypoints, level, levels: 3, h, w };
}

describe('decoding', () => {
  it('cell centres: (j·r + (r−1)/2, i·r + (r−1)/2)', () => {
    expect(cellCentre(0, 0, 4)).toEqual([1.5, 1.5]);
    expect(cellCentre(2, 5, 4)).toEqual([21.5, 9.5]);
  });

  it('points are the cell centre plus the offsets; level is the argmax', () => {
    const [d] = candidates(outputs(4, 4, [{ i: 2, j: 1, p: 0.9, level: 2 }]), 0.7, 4);
    expect(d.cell).toEqual([2, 1]);
    expect(d.pointsPx[0]).toEqual([5.5 - 15, 9.5 - 10]);
    expect(d.pointsPx[5]).toEqual([5.5 + 15, 9.5 + 10]);
    expect(d.score).toBeCloseTo(0.9, 6);
    expect(d.levelIndex).toBe(2);
  });

  it('the objectness threshold is inclusive and applied to the sigmoid', () => {
    const x = Math.fround(logit(0.7));
    const found = candidates({ ...outputs(1, 2, []), objectness: Float32Array.of(x, Math.fround(logit(0.69))) }, sigmoid(x), 4);
    expect(found.map((d) => d.cell)).toEqual([[0, 0]]);
  });

  it('cells whose centre lies in the padding below or right of the image are dropped', () => {
    // A 4 × 3 grid at stride 4 covers 16 × 12 pixels; the image is 10 rows × 6 columns.
    const all = [0, 1, 2, 3].flatMap((i) => [0, 1, 2].map((j) => ({ i, j, p: 0.9 })));
    const found = candidates(outputs(4, 3, all), 0.7, 4, { rows: 10, columns: 6 });
    // Centres at 1.5, 5.5, 9.5, 13.5: rows ≤ 9.5 and columns ≤ 5.5 lie on the image.
    expect(found.map((d) => d.cell)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    expect(candidates(outputs(4, 3, all), 0.7, 4)).toHaveLength(12);
    expect(decodeDetector(outputs(4, 3, [{ i: 3, j: 0, p: 0.99 }]), { objectness: 0.7, nmsButterflyIoU: 0.1 }, 4, { rows: 13, columns: 12 })).toHaveLength(0);
  });

  it('a centre on the image edge (half the cell on the image) counts as inside', () => {
    expect(centreInImage([5.5, 9.5], { rows: 10, columns: 6 })).toBe(true);
    expect(centreInImage([5.5, 9.5001], { rows: 10, columns: 6 })).toBe(false);
    expect(centreInImage([5.5001, 9.5], { rows: 10, columns: 6 })).toBe(false);
  });

  it('NMS keeps the best of overlapping candidates and both of distant ones, superior first', () => {
    const out = outputs(20, 4, [
      { i: 10, j: 1, p: 0.8 },
      { i: 10, j: 2, p: 0.95 }, // 4 px right of the first: overlaps it, better
      { i: 2, j: 1, p: 0.75 }, // far above
    ]);
    const kept = decodeDetector(out, { objectness: 0.7, nmsButterflyIoU: 0.1 }, 4);
    expect(kept.map((d) => d.cell)).toEqual([[2, 1], [10, 2]]);
  });

  it("equal scores: the earlier cell in row-major order wins (as Python's stable sort)", () => {
    const found = candidates(outputs(4, 4, [{ i: 1, j: 2, p: 0.9 }, { i: 1, j: 1, p: 0.9 }]), 0.7, 4);
    expect(butterflyNms(found, 0.1).map((d) => d.cell)).toEqual([[1, 1]]);
  });

  it('IoU exactly at the threshold is kept (suppress only above it)', () => {
    // Two boxes 30 wide shifted by 20 px: overlap 10/50 = 0.2 of the union.
    const found = candidates(outputs(2, 8, [{ i: 0, j: 0, p: 0.9 }, { i: 0, j: 5, p: 0.8 }]), 0.7, 4);
    expect(butterflyNms(found, 0.2).length).toBe(2);
    expect(butterflyNms(found, 0.19).length).toBe(1);
  });
});
