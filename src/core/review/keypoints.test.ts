import { describe, expect, it } from 'vitest';
import { pixelToPatientMm } from '../geometry/straighten';
import { AI, AS, MI, PS } from '../quantify/sixPoints';
import { moveKeypoint, setKeypoints } from './keypoints';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { straighteningOf } from './straighteningOf';

describe('moving keypoints', () => {
  it('anterior-inferior point 8 px up on a 25 mm vertebra at 1 mm/px: 17 mm, G 0.68, grade 2, wedge', () => {
    const ai = deepFreeze(fiveVertebrae());
    const s = straighteningOf(ai);
    const v2 = ai.vertebrae[1];
    const [column, row] = v2.pointsPx[AI];
    const next = moveKeypoint(ai, s, 'v2', AI, [column, row - 8]);
    const moved = next.vertebrae.find((v) => v.id === 'v2')!;
    expect(moved.heightsMm.anterior).toBeCloseTo(17, 9);
    expect(moved.heightsMm.middle).toBeCloseTo(25, 9);
    expect(moved.heightsMm.posterior).toBeCloseTo(25, 9);
    expect(moved.genantRatio).toBeCloseTo(0.68, 9);
    expect([moved.grade, moved.type, moved.edited, moved.level]).toEqual([2, 'wedge', true, 'T11']);
    expect(moved.pointsPx[AI]).toEqual([column, row - 8]);
    expect(moved.pointsMm[AI]).toEqual(pixelToPatientMm(s, column, row - 8));
    expect(next.patient).toEqual({ worstGrade: 2, fractures: [{ id: 'v2', level: 'T11', grade: 2, type: 'wedge' }] });
    // The input is as it was, and the other vertebrae are shared, not copied.
    expect(ai.vertebrae[1].heightsMm.anterior).toBeCloseTo(25, 9);
    expect(ai.patient.worstGrade).toBe(0);
    expect(next.vertebrae[0]).toBe(ai.vertebrae[0]);
  });

  it('measures in patient mm, not pixels: at 0.5 mm/px, 10 px off a 25 mm height is 5 mm (G 0.8, grade 1)', () => {
    const ai = fiveVertebrae({ stepMm: 0.5 });
    const s = straighteningOf(ai);
    const [column, row] = ai.vertebrae[3].pointsPx[MI];
    const moved = moveKeypoint(ai, s, 'v4', MI, [column, row - 10]).vertebrae[3];
    expect(moved.heightsMm.middle).toBeCloseTo(20, 9);
    expect(moved.genantRatio).toBeCloseTo(0.8, 9);
    expect([moved.grade, moved.type]).toEqual([1, 'biconcave']);
  });

  it('setKeypoints moves a whole vertebra; the list stays ordered by mean row', () => {
    const ai = deepFreeze(fiveVertebrae());
    const s = straighteningOf(ai);
    const below = ai.vertebrae[4].pointsPx.map(([c, r]) => [c, r + 30]);
    const next = setKeypoints(ai, s, 'v1', below);
    expect(next.vertebrae.map((v) => v.id)).toEqual(['v2', 'v3', 'v4', 'v5', 'v1']);
    expect(next.vertebrae[4].heightsMm).toEqual(ai.vertebrae[4].heightsMm);
    expect(next.vertebrae[4].pointsMm[PS]).toEqual(pixelToPatientMm(s, below[PS][0], below[PS][1]));
  });

  it('a move to where the point already is changes nothing (the same result back)', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    const [c, r] = ai.vertebrae[0].pointsPx[AS];
    expect(moveKeypoint(ai, s, 'v1', AS, [c, r])).toBe(ai);
  });

  it('says what is wrong with an unknown id, a point index or a point', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    expect(() => moveKeypoint(ai, s, 'v99', AS, [1, 2])).toThrow('no vertebra "v99" in this result (it has v1, v2, v3, v4, v5)');
    expect(() => moveKeypoint(ai, s, 'v1', 6, [1, 2])).toThrow(/point index 6/);
    expect(() => moveKeypoint(ai, s, 'v1', AS, [Number.NaN, 2])).toThrow(/point 0 is not a finite/);
    expect(() => setKeypoints(ai, s, 'v1', [[1, 2]])).toThrow(/six points/);
  });
});
