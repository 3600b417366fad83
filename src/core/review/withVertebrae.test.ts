import { describe, expect, it } from 'vitest';
import { AS, MI } from '../quantify/sixPoints';
import { addVertebra } from './addVertebra';
import { deleteVertebra } from './deleteVertebra';
import { moveKeypoint, setKeypoints } from './keypoints';
import { setNotEvaluable } from './notEvaluable';
import { restoreVertebra } from './restoreVertebra';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { setLevel } from './setLevel';
import { straighteningOf } from './straighteningOf';
import { templateAt } from './template';
import { checkedPoints, meanRow } from './withVertebrae';

describe('every edit', () => {
  it('leaves a deep-frozen input exactly as it was and returns a new result', () => {
    const ai = deepFreeze(fiveVertebrae());
    const before = JSON.stringify(ai);
    const s = straighteningOf(ai);
    const [c, r] = ai.vertebrae[2].pointsPx[MI];
    const edits = [
      () => moveKeypoint(ai, s, 'v3', MI, [c, r - 6]),
      () => setKeypoints(ai, s, 'v3', ai.vertebrae[0].pointsPx.map(([x, y]) => [x, y + 100])),
      () => addVertebra(ai, s, templateAt(ai, s, [s.centreColumn, 190])),
      () => deleteVertebra(ai, 'v2'),
      () => setLevel(ai, 'v3', 'T13'),
      () => setNotEvaluable(ai, 'v1', true),
      () => restoreVertebra(deleteVertebra(ai, 'v4'), ai, 'v4'),
    ];
    for (const edit of edits) {
      const next = edit();
      expect(next).not.toBe(ai);
      expect(next.vertebrae).not.toBe(ai.vertebrae);
    }
    expect(JSON.stringify(ai)).toBe(before);
  });

  it('copies the points it is given, so the caller cannot change the result afterwards', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    const points = templateAt(ai, s, [s.centreColumn, 190]).map(([x, y]) => [x, y]);
    const next = addVertebra(ai, s, points);
    points[AS][1] = 0;
    expect(next.vertebrae[5].pointsPx[AS][1]).toBeCloseTo(190 - 12.5, 9);
  });

  it('mean row and point checks', () => {
    expect(meanRow([[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 9]])).toBe(4);
    expect(() => checkedPoints([[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0]])).toThrow(/point 5 is not a finite/);
  });
});
