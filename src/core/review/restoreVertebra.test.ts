import { describe, expect, it } from 'vitest';
import { restoreVertebra } from './restoreVertebra';
import { AI } from '../quantify/sixPoints';
import { addVertebra } from './addVertebra';
import { deleteVertebra } from './deleteVertebra';
import { moveKeypoint } from './keypoints';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { setLevel } from './setLevel';
import { straighteningOf } from './straighteningOf';
import { templateAt } from './template';

describe('restoreVertebra', () => {
  const ai = deepFreeze(fiveVertebrae());
  const s = straighteningOf(ai);

  it('puts back the AI version of an edited vertebra, leaving the other edits', () => {
    const [c, r] = ai.vertebrae[1].pointsPx[AI];
    const edited = setLevel(moveKeypoint(ai, s, 'v2', AI, [c, r - 8]), 'v4', 'L2');
    const restored = restoreVertebra(edited, ai, 'v2');
    expect(restored.vertebrae[1]).toBe(ai.vertebrae[1]);
    expect(restored.patient.worstGrade).toBe(0);
    // Its AI level comes back with it; the cascade's levels of the others stay.
    expect(restored.vertebrae.map((v) => v.level)).toEqual(['T11', 'T11', 'L1', 'L2', 'L3']);
  });

  it('brings a deleted vertebra back in its place', () => {
    const restored = restoreVertebra(deleteVertebra(ai, 'v3'), ai, 'v3');
    expect(restored.vertebrae).toEqual(ai.vertebrae);
  });

  it('an unchanged one gives the same result; one the AI never had is an error', () => {
    expect(restoreVertebra(ai, ai, 'v1')).toBe(ai);
    const added = addVertebra(ai, s, templateAt(ai, s, [s.centreColumn, 190]));
    expect(() => restoreVertebra(added, ai, 'v6')).toThrow('the AI result has no vertebra "v6" to restore');
  });
});
