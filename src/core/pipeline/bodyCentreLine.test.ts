import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { bodyCentre, bodyCentreLine, centresOnLine, sameBodies } from './bodyCentreLine';

/** AS, AI, MS, MI, PS, PI of a body in the plane x = 0, y from anterior (0) to posterior, z up. */
function sixPoints(anterior: number, middle: number, posterior: number, z = 0, depth = 30): Vec3[] {
  return [
    [0, 0, z + anterior / 2], [0, 0, z - anterior / 2],
    [0, depth / 2, z + middle / 2], [0, depth / 2, z - middle / 2],
    [0, depth, z + posterior / 2], [0, depth, z - posterior / 2],
  ];
}

const close = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
};

describe('the second look: a line through the bodies found', () => {
  it("puts a box's centre in its middle and a wedge's nearer its tall back", () => {
    close(bodyCentre(sixPoints(20, 20, 20)), [0, 15, 0]);
    // Trapezoid 10 mm in front, 20 mm behind, 30 mm deep: 30 · (10 + 2 · 20) / (3 · 30) = 16.67 mm from the front.
    close(bodyCentre(sixPoints(10, 15, 20)), [0, 50 / 3, 0]);
  });

  it('lets neither a detection off the line nor the end bodies steer it', () => {
    const columns = [60, 66, 64, 90, 63]; // the fourth lies 26 mm behind the first line (centre column 64)
    const bodies = columns.map((c, k) => ({ pointsPx: Array.from({ length: 6 }, () => [c, 20 + 28 * k]), pointsMm: sixPoints(20, 20, 20, -28 * k) }));
    close(centresOnLine(bodies, 64, 1, { maxOffsetMm: 10, innerOnly: false }).map((c) => c[2]), [0, -28, -56, -112]);
    const inner = centresOnLine(bodies, 64, 1, { maxOffsetMm: 10, innerOnly: true });
    expect(inner.length).toBe(2);
    close(inner.map((c) => c[2]), [-28, -56]);
  });

  it('runs through the centres and back to the first line over the blend distance', () => {
    const first: Vec3[] = Array.from({ length: 41 }, (_, i) => [0, 40, -100 + 5 * i]); // inferior first: the order does not matter
    const centres: Vec3[] = [[0, 38, 20], [0, 43, 50], [0, 42, -50], [0, 44, -10]];
    const line = bodyCentreLine(first, centres, 30);
    expect(line.map((p) => p[2])).toEqual([...line.map((p) => p[2])].sort((a, b) => b - a));
    for (const c of centres) expect(line.some((p) => p.every((v, a) => v === c[a]))).toBe(true);
    expect(line.find((p) => p[2] === 60)![1]).toBeCloseTo(42, 6); // 3 mm off at the top centre, a third faded 10 mm above it
    expect(line.filter((p) => p[2] >= 80).every((p) => p[1] === 40)).toBe(true);
    expect(line.find((p) => p[2] === -65)![1]).toBeCloseTo(41, 6);
    expect(() => bodyCentreLine(first, centres.slice(0, 1), 30)).toThrow(/two/);
  });

  it('lets the second look stand only when it finds the same bodies', () => {
    const bodies = [0, -28, -56].map((z) => ({ pointsMm: sixPoints(20, 20, 20, z) }));
    const moved = bodies.map((b) => ({ pointsMm: b.pointsMm.map(([x, y, z]) => [x + 3, y - 4, z + 5] as Vec3) })); // 7.1 mm away
    expect(sameBodies(bodies, moved, 10)).toBe(true);
    expect(sameBodies(bodies, moved, 5)).toBe(false);
    expect(sameBodies(bodies, moved.slice(0, 2), 10), 'one lost').toBe(false);
    expect(sameBodies(bodies, [...moved, { pointsMm: sixPoints(20, 20, 20, -84) }], 10), 'one more').toBe(false);
  });
});
