import { describe, expect, it } from 'vitest';
import { setNotEvaluable } from './notEvaluable';
import { deepFreeze, fixtureResult } from './reviewFixture';

describe('setNotEvaluable', () => {
  const ai = deepFreeze(fixtureResult({ vertebrae: [{ level: 'L1', row: 40, anteriorMm: 15 }, { level: 'L2', row: 70, middleMm: 18 }] }));

  it('keeps the vertebra but leaves it out of the summary, and back again', () => {
    const marked = setNotEvaluable(ai, 'v1', true);
    expect(marked.vertebrae[0]).toMatchObject({ id: 'v1', notEvaluable: true, edited: true, grade: 3 });
    expect(marked.patient).toEqual({ worstGrade: 2, fractures: [{ id: 'v2', level: 'L2', grade: 2, type: 'biconcave' }] });
    const unmarked = setNotEvaluable(marked, 'v1', false);
    expect(unmarked.patient.worstGrade).toBe(3);
    expect(unmarked.vertebrae[0].notEvaluable).toBe(false);
  });

  it('setting the flag it already has changes nothing', () => {
    expect(setNotEvaluable(ai, 'v2', false)).toBe(ai);
    expect(() => setNotEvaluable(ai, 'v3', true)).toThrow(/no vertebra "v3"/);
  });
});
