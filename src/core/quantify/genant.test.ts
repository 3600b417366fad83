import { describe, expect, it } from 'vitest';
import { fractureType, genant, gradeFromRatio } from './genant';
import type { SixPoints } from './sixPoints';

/** Six points in patient mm on a sagittal plane (y anterior → posterior, z superior → inferior). */
function body(anterior: number, middle: number, posterior: number): SixPoints {
  return [
    [0, 0, 0], [0, 0, -anterior],
    [0, 15, 0], [0, 15, -middle],
    [0, 30, 0], [0, 30, -posterior],
  ];
}

describe('Genant grading', () => {
  it('grades at the boundaries: a boundary value belongs to the higher grade', () => {
    expect(gradeFromRatio(0.81)).toBe(0);
    expect(gradeFromRatio(0.8)).toBe(1);
    expect(gradeFromRatio(0.76)).toBe(1);
    expect(gradeFromRatio(0.75)).toBe(2);
    expect(gradeFromRatio(0.61)).toBe(2);
    expect(gradeFromRatio(0.6)).toBe(3);
    expect(gradeFromRatio(0)).toBe(3);
    expect(gradeFromRatio(1)).toBe(0);
  });

  it('boundary ratios made from real heights (20/25 = 0.8, 15/20 = 0.75, 12/20 = 0.6)', () => {
    expect(genant(body(20, 25, 25)).grade).toBe(1);
    expect(genant(body(15, 20, 20)).grade).toBe(2);
    expect(genant(body(20, 12, 20)).grade).toBe(3);
  });

  it('measures heights in mm, G = min/max, and names the type by the shortest height', () => {
    const r = genant(body(18, 24, 24));
    expect(r.heightsMm).toEqual({ anterior: 18, middle: 24, posterior: 24 });
    expect(r.genantRatio).toBeCloseTo(0.75, 12);
    expect(r.type).toBe('wedge');
    expect(fractureType({ anterior: 24, middle: 16, posterior: 23 })).toBe('biconcave');
    expect(fractureType({ anterior: 24, middle: 23, posterior: 14 })).toBe('crush');
  });
});
