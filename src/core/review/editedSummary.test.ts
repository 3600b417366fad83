import { describe, expect, it } from 'vitest';
import { AI } from '../quantify/sixPoints';
import { addVertebra } from './addVertebra';
import { deleteVertebra } from './deleteVertebra';
import { editedSummary, levelsSetByPerson } from './editedSummary';
import { moveKeypoint, setKeypoints } from './keypoints';
import { setNotEvaluable } from './notEvaluable';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { setLevel } from './setLevel';
import { straighteningOf } from './straighteningOf';
import { templateAt } from './template';

describe('editedSummary', () => {
  const ai = deepFreeze(fiveVertebrae());
  const s = straighteningOf(ai);

  it('the AI result against itself: nothing edited', () => {
    const summary = editedSummary(ai, ai);
    expect(summary.anyEdits).toBe(false);
    expect(summary.deleted).toEqual([]);
    expect(summary.vertebrae.map((v) => [v.id, v.status, v.changes])).toEqual(['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => [id, 'ai', []]));
  });

  it('knows whether a person set a level (moving points does not count)', () => {
    const [c, r] = ai.vertebrae[1].pointsPx[AI];
    const moved = moveKeypoint(ai, s, 'v2', AI, [c, r - 8]);
    expect(levelsSetByPerson(editedSummary(ai, moved))).toBe(false);
    const renamed = setLevel(moved, 'v3', ai.vertebrae[2].level === 'T9' ? 'T10' : 'T9');
    expect(levelsSetByPerson(editedSummary(ai, renamed))).toBe(true);
  });

  it('says what a person changed, with AI and current heights in mm', () => {
    const [c, r] = ai.vertebrae[1].pointsPx[AI];
    let current = moveKeypoint(ai, s, 'v2', AI, [c, r - 8]);
    current = setNotEvaluable(current, 'v4', true);
    current = deleteVertebra(current, 'v5');
    current = addVertebra(current, s, templateAt(current, s, [s.centreColumn, 190]));
    const summary = editedSummary(ai, current);
    expect(summary.anyEdits).toBe(true);
    expect(summary.vertebrae.map((v) => [v.id, v.status, v.changes])).toEqual([
      ['v1', 'ai', []],
      ['v2', 'edited', ['points', 'heights']],
      ['v3', 'ai', []],
      ['v4', 'edited', ['notEvaluable']],
      ['v6', 'added', []],
    ]);
    const v2 = summary.vertebrae[1];
    expect(v2.heightsMm.anterior).toBeCloseTo(17, 9);
    expect(v2.ai!.heightsMm.anterior).toBeCloseTo(25, 9);
    expect(v2.ai).toMatchObject({ level: 'T11', grade: 0, notEvaluable: false });
    expect(summary.vertebrae[4]).toMatchObject({ level: 'L2', ai: null, notEvaluable: false });
    expect(summary.deleted).toEqual([{ id: 'v5', ai: { level: 'L2', heightsMm: ai.vertebrae[4].heightsMm, genantRatio: ai.vertebrae[4].genantRatio, grade: 0, type: ai.vertebrae[4].type, notEvaluable: false } }]);
  });

  it('level changes from a cascade, and a point moved and moved back counts as unchanged', () => {
    const levelled = setLevel(ai, 'v1', 'T9');
    expect(editedSummary(ai, levelled).vertebrae.map((v) => v.changes)).toEqual([['level'], ['level'], ['level'], ['level'], ['level']]);
    const [c, r] = ai.vertebrae[2].pointsPx[AI];
    const back = setKeypoints(moveKeypoint(ai, s, 'v3', AI, [c, r - 4]), s, 'v3', ai.vertebrae[2].pointsPx);
    expect(back.vertebrae[2].edited).toBe(true);
    expect(editedSummary(ai, back).vertebrae[2].status).toBe('ai');
    expect(editedSummary(ai, back).anyEdits).toBe(false);
  });

  it('a vertebra moved without changing its heights: points, not heights', () => {
    const shifted = setKeypoints(ai, s, 'v1', ai.vertebrae[0].pointsPx.map(([c, r]) => [c + 2, r]));
    expect(editedSummary(ai, shifted).vertebrae[0].changes).toEqual(['points']);
  });
});
