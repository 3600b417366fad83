import { describe, expect, it } from 'vitest';
import type { Detection } from './decode';
import { oneColumn, rowOverlap, SIDE_BY_SIDE_OVERLAP } from './oneColumn';

/** A body drawn as a box: columns c0–c1, rows r0–r1, points in the order AS, AI, MS, MI, PS, PI. */
function box(c0: number, c1: number, r0: number, r1: number, score: number): Detection {
  const m = (c0 + c1) / 2;
  return {
    pointsPx: [[c0, r0], [c0, r1], [m, r0], [m, r1], [c1, r0], [c1, r1]],
    score,
    levelIndex: 0,
    cell: [0, 0],
    levelLogits: new Float64Array(0),
  };
}

describe('oneColumn', () => {
  // three bodies 20 rows tall, 6-row discs between them
  const column = [box(40, 75, 10, 30, 0.99), box(40, 75, 36, 56, 0.98), box(40, 76, 62, 82, 0.97)];

  it('keeps a column of bodies meeting across discs, a collapsed disc included', () => {
    expect(oneColumn(column)).toEqual(column);
    const touching = [box(40, 75, 10, 30, 0.9), box(40, 75, 29, 49, 0.9)]; // one row shared
    expect(rowOverlap(touching[0], touching[1])).toBeLessThan(SIDE_BY_SIDE_OVERLAP);
    expect(oneColumn(touching)).toHaveLength(2);
  });

  it('drops a less sure detection beside a body (a spinous process behind it)', () => {
    const behind = box(90, 120, 38, 55, 0.6);
    expect(oneColumn([...column, behind])).toEqual(column);
  });

  it('keeps the surer of the two, in the input order', () => {
    const behind = box(90, 120, 38, 55, 0.995);
    expect(oneColumn([column[0], column[1], behind, column[2]])).toEqual([column[0], behind, column[2]]);
  });

  it('counts the overlap against the shorter extent', () => {
    expect(rowOverlap(box(0, 1, 0, 20, 1), box(5, 6, 15, 20, 1))).toBe(1);
    expect(rowOverlap(box(0, 1, 0, 20, 1), box(5, 6, 10, 40, 1))).toBe(0.5);
    expect(rowOverlap(box(0, 1, 0, 20, 1), box(5, 6, 25, 40, 1))).toBe(0);
  });
});
