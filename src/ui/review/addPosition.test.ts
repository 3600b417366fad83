import { describe, expect, it } from 'vitest';
import { syntheticResult } from '../../core/report/syntheticResult';
import { addPosition } from './addPosition';

describe('addPosition', () => {
  const result = syntheticResult([
    { level: 'T7', heightsMm: [25, 25, 25] },
    { level: 'T8', heightsMm: [25, 25, 25] },
    { level: 'T9', heightsMm: [25, 25, 25] },
    { level: 'T10', heightsMm: [25, 25, 25] },
  ]);
  const centres = result.vertebrae.map((v) => v.pointsPx.reduce((s, p) => s + p[1], 0) / 6);
  const pitch = centres[1] - centres[0];

  it('drops the template one pitch below the selected vertebra, in its column', () => {
    const [column, row] = addPosition(result, 'v1');
    expect(row).toBeCloseTo(centres[0] + pitch, 6);
    expect(column).toBeCloseTo(60, 6);
  });

  it('fills the largest gap when nothing is selected', () => {
    const gapped = { ...result, vertebrae: [result.vertebrae[0], result.vertebrae[2], result.vertebrae[3]] };
    expect(addPosition(gapped, null)[1]).toBeCloseTo((centres[0] + centres[2]) / 2, 6);
  });

  it('goes below the last vertebra when there is no gap, and mid-image without vertebrae', () => {
    expect(addPosition(result, null)[1]).toBeCloseTo(Math.min(centres[3] + pitch, result.midSagittal.rows - pitch / 2), 6);
    expect(addPosition({ ...result, vertebrae: [] }, null)).toEqual([result.midSagittal.centreColumn, result.midSagittal.rows / 2]);
  });
});
