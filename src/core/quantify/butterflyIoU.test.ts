import { describe, expect, it } from 'vitest';
import { butterflyArea, butterflyIoU, type SixPoints2D } from './butterflyIoU';

/** A rectangular body x ∈ [x0, x0+w], y ∈ [y0, y0+h], middle line at x0 + w/2. */
function box(x0: number, y0: number, w: number, h: number): SixPoints2D {
  const xm = x0 + w / 2;
  return [
    [x0, y0], [x0, y0 + h],
    [xm, y0], [xm, y0 + h],
    [x0 + w, y0], [x0 + w, y0 + h],
  ];
}

describe('Butterfly-IoU against areas computed by hand', () => {
  it('is 1 for identical butterflies and 0 for disjoint ones', () => {
    expect(butterflyIoU(box(0, 0, 30, 25), box(0, 0, 30, 25))).toBeCloseTo(1, 12);
    expect(butterflyIoU(box(0, 0, 30, 25), box(0, 40, 30, 25))).toBe(0);
  });

  it('two 30×25 bodies shifted by 10 mm vertically: overlap 30×15 = 450, IoU 450 / (2·750 − 450) = 3/7', () => {
    expect(butterflyIoU(box(0, 0, 30, 25), box(0, 10, 30, 25))).toBeCloseTo(3 / 7, 12);
  });

  it('shifted diagonally by (6, 5): overlap 24×20 = 480, union 1500 − 480', () => {
    expect(butterflyIoU(box(0, 0, 30, 25), box(6, 5, 30, 25))).toBeCloseTo(480 / 1020, 12);
  });

  it('a wedge (anterior height 10 of 20) has the trapezoid areas of its wings', () => {
    // Anterior at x = 0 spans y 10..20, middle x = 10 spans 5..20, posterior x = 20 spans 0..20.
    const wedge: SixPoints2D = [[0, 10], [0, 20], [10, 5], [10, 20], [20, 0], [20, 20]];
    // Anterior wing: trapezoid with parallel sides 10 and 15, width 10 → 125; posterior: 15 and 20 → 175.
    expect(butterflyArea(wedge)).toBeCloseTo(300, 12);
    // Against the full 20×20 box: the wedge lies inside it, so IoU = 300/400.
    expect(butterflyIoU(wedge, box(0, 0, 20, 20))).toBeCloseTo(0.75, 12);
  });

  it('a biconcave body (middle heights pulled in) is non-convex per wing and still exact', () => {
    const biconcave: SixPoints2D = [[0, 0], [0, 20], [10, 6], [10, 14], [20, 0], [20, 20]];
    // Each wing: the box half (200) minus two triangles of base 10 and height 6 (30 each) = 140.
    expect(butterflyArea(biconcave)).toBeCloseTo(280, 12);
    expect(butterflyIoU(biconcave, box(0, 0, 20, 20))).toBeCloseTo(280 / 400, 12);
  });

  it('does not depend on point orientation (image rows down vs. up)', () => {
    const flipped = box(0, 0, 30, 25).map(([x, y]) => [x, -y] as const) as unknown as SixPoints2D;
    const flippedShifted = box(0, 10, 30, 25).map(([x, y]) => [x, -y] as const) as unknown as SixPoints2D;
    expect(butterflyIoU(flipped, flippedShifted)).toBeCloseTo(3 / 7, 12);
  });
});
