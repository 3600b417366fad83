import { describe, expect, it } from 'vitest';
import { addVertebra } from './addVertebra';
import { setNotEvaluable } from './notEvaluable';
import { fixtureResult, fiveVertebrae } from './reviewFixture';
import { straighteningOf } from './straighteningOf';
import { templateAt, templateSizeMm } from './template';

describe('templateAt', () => {
  it('with no vertebra to go by: 25 mm tall and 30 mm deep, in pixels of the image step', () => {
    const empty = fixtureResult({ vertebrae: [], stepMm: 0.5 });
    const s = straighteningOf(empty);
    expect(templateAt(empty, s, [100, 200])).toEqual([[70, 175], [70, 225], [100, 175], [100, 225], [130, 175], [130, 225]]);
    const added = addVertebra(empty, s, templateAt(empty, s, [100, 200])).vertebrae[0];
    expect(added.heightsMm.anterior).toBeCloseTo(25, 9);
    expect(added.grade).toBe(0);
  });

  it('sized by the median tallest height and depth of the four nearest vertebrae, not far ones', () => {
    const result = fixtureResult({
      vertebrae: [
        { level: 'T6', row: 30, anteriorMm: 12, middleMm: 20, posteriorMm: 20, depthMm: 24 }, // fractured: its tallest height counts
        { level: 'T7', row: 60, middleMm: 22, anteriorMm: 22, posteriorMm: 22, depthMm: 26 },
        { level: 'T9', row: 120, anteriorMm: 24, middleMm: 24, posteriorMm: 24, depthMm: 28 },
        { level: 'T10', row: 150, anteriorMm: 26, middleMm: 26, posteriorMm: 26, depthMm: 30 },
        { level: 'L4', row: 280, anteriorMm: 40, middleMm: 40, posteriorMm: 40, depthMm: 50 },
      ],
    });
    const size = templateSizeMm(result, 90);
    expect(size.heightMm).toBeCloseTo(23, 9);
    expect(size.depthMm).toBeCloseTo(27, 9);
    const s = straighteningOf(result);
    const added = addVertebra(result, s, templateAt(result, s, [s.centreColumn, 90]));
    expect(added.vertebrae[2]).toMatchObject({ level: 'T8', grade: 0 });
    expect(added.vertebrae[2].heightsMm.posterior).toBeCloseTo(23, 9);
  });

  it('leaves vertebrae marked not evaluable out of the sizing', () => {
    const result = fiveVertebrae({ vertebrae: [{ level: 'T10', row: 40, anteriorMm: 40, middleMm: 40, posteriorMm: 40 }, { level: 'T11', row: 70, anteriorMm: 20, middleMm: 20, posteriorMm: 20 }] });
    expect(templateSizeMm(result, 50).heightMm).toBeCloseTo(30, 9);
    expect(templateSizeMm(setNotEvaluable(result, 'v1', true), 50).heightMm).toBeCloseTo(20, 9);
  });
});
