import { describe, expect, it } from 'vitest';
import { deleteVertebra } from './deleteVertebra';
import { deepFreeze, fixtureResult } from './reviewFixture';

describe('deleteVertebra', () => {
  it('removes one vertebra and takes it out of the patient summary', () => {
    const ai = deepFreeze(fixtureResult({ vertebrae: [{ level: 'L1', row: 40, anteriorMm: 15 }, { level: 'L2', row: 70, middleMm: 18 }] }));
    expect(ai.patient.worstGrade).toBe(3);
    const next = deleteVertebra(ai, 'v1');
    expect(next.vertebrae.map((v) => v.id)).toEqual(['v2']);
    expect(next.patient).toEqual({ worstGrade: 2, fractures: [{ id: 'v2', level: 'L2', grade: 2, type: 'biconcave' }] });
    expect(ai.vertebrae).toHaveLength(2);
  });

  it('an unknown id is an error', () => {
    expect(() => deleteVertebra(fixtureResult({ vertebrae: [] }), 'v1')).toThrow('no vertebra "v1" in this result (it has none)');
  });
});
