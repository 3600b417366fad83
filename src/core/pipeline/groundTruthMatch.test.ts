/** Matching a result to a ground truth: the demo phantom's truth against itself and perturbed copies. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { centroid, cross, normalize, scale, sub } from '../geometry/vec3';
import type { GenantGrade } from '../quantify/genant';
import type { Vec3 } from '../volume';
import { butterflyIoUMm, matchGroundTruth, type GroundTruthDocument, type MatchedVertebra } from './groundTruthMatch';

const truth: GroundTruthDocument = JSON.parse(readFileSync(new URL('../../../public/demo/phantom-chest/ground_truth.json', import.meta.url), 'utf8'));

/** A result made of (copies of) the truth's vertebrae, renamed r1, r2, … as a result would be. */
function resultOf(vertebrae: readonly MatchedVertebra[]): { vertebrae: MatchedVertebra[] } {
  return { vertebrae: vertebrae.map((v, i) => ({ ...v, id: `r${i + 1}`, pointsMm: v.pointsMm.map((p) => [...p]) as MatchedVertebra['pointsMm'] })) };
}

const moved = (v: MatchedVertebra, by: Vec3): MatchedVertebra => ({ ...v, pointsMm: v.pointsMm.map((p) => [p[0] + by[0], p[1] + by[1], p[2] + by[2]]) as MatchedVertebra['pointsMm'] });

/** Deterministic jitter of every coordinate within ±amplitude mm. */
function jittered(v: MatchedVertebra, amplitudeMm: number, seed: number): MatchedVertebra {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return { ...v, pointsMm: v.pointsMm.map((p) => p.map((x) => x + amplitudeMm * next())) as MatchedVertebra['pointsMm'] };
}

describe('matching a result to a ground truth', () => {
  const n = truth.vertebrae.length;
  const moderate = truth.vertebrae.filter((v) => v.grade >= 2).length;

  it('the demo truth has what the tests below rely on', () => {
    expect(n).toBeGreaterThan(5);
    expect(moderate).toBeGreaterThan(0);
    expect(truth.partialVertebrae?.length).toBeGreaterThan(0);
  });

  it('the truth against itself: every vertebra found, level and grade right, Butterfly-IoU 1', () => {
    for (const by of ['butterflyIoU', 'centroidDistance'] as const) {
      const m = matchGroundTruth(resultOf(truth.vertebrae), truth, { by });
      expect(m.summary).toEqual({ truth: n, found: n, missed: 0, levelRight: n, levelWrong: 0, gradeRight: n, gradeWrong: 0, moderateOrWorse: moderate, moderateOrWorseCaught: moderate, extra: 0 });
      m.vertebrae.forEach((v, i) => {
        expect(v.resultId).toBe(`r${i + 1}`);
        expect(v.butterflyIoU).toBeCloseTo(1, 9);
        expect(v.centroidDistanceMm).toBeCloseTo(0, 9);
      });
      expect(m.extraIds).toEqual([]);
    }
  });

  it('Butterfly-IoU in mm: half a body height down along the spine is about 1/3', () => {
    const v = truth.vertebrae[3];
    // Shift along the vertebra's own superior → inferior edge direction by half its (anterior) height.
    const down = v.pointsMm[1].map((x, a) => (x - v.pointsMm[0][a]) / 2) as unknown as Vec3;
    const iou = butterflyIoUMm(v.pointsMm, moved(v, down).pointsMm);
    expect(iou).toBeGreaterThan(0.25);
    expect(iou).toBeLessThan(0.4);
    // Across its sagittal plane the projection does not see a shift.
    const normal = normalize(cross(sub(v.pointsMm[4], v.pointsMm[0]), sub(v.pointsMm[1], v.pointsMm[0])));
    expect(butterflyIoUMm(v.pointsMm, moved(v, scale(normal, 3)).pointsMm)).toBeGreaterThan(0.99);
  });

  it('a jittered result (±1.5 mm) still matches one to one, in the same order, either way', () => {
    const result = resultOf(truth.vertebrae.map((v, i) => jittered(v, 1.5, i + 1)));
    const byIoU = matchGroundTruth(result, truth);
    const byDistance = matchGroundTruth(result, truth, { by: 'centroidDistance' });
    expect(byIoU.summary.found).toBe(n);
    expect(byIoU.vertebrae.map((v) => v.resultId)).toEqual(byDistance.vertebrae.map((v) => v.resultId));
    for (const v of byIoU.vertebrae) expect(v.butterflyIoU!).toBeGreaterThan(0.6);
  });

  it('a missed vertebra, an extra one, and one found near a vertebra cut by the scan', () => {
    const dropped = 4;
    const partial = truth.partialVertebrae![0];
    const atPartial = moved(truth.vertebrae[0], centroid(truth.vertebrae[0].pointsMm).map((c, a) => partial.centroidMm[a] - c) as unknown as Vec3);
    const farAway = moved(truth.vertebrae[0], [0, 200, 0]);
    const result = resultOf([...truth.vertebrae.filter((_, i) => i !== dropped), atPartial, farAway]);
    const m = matchGroundTruth(result, truth);
    expect(m.summary.missed).toBe(1);
    expect(m.vertebrae[dropped]).toMatchObject({ found: false, resultId: null, level: null, levelRight: null, grade: null, gradeRight: null });
    expect(m.nearPartialIds).toEqual([`r${n}`]);
    expect(m.extraIds).toEqual([`r${n + 1}`]);
    expect(m.summary.extra).toBe(1);
  });

  it('levels off by one are all wrong; a vertebra half a pitch off no longer matches', () => {
    const names = truth.vertebrae.map((v) => v.level);
    const shifted = resultOf(truth.vertebrae.map((v, i) => ({ ...v, level: i + 1 < n ? names[i + 1] : 'L5' })));
    expect(matchGroundTruth(shifted, truth).summary).toMatchObject({ found: n, levelRight: 0, levelWrong: n });
    // Half-way to the next vertebra: under the IoU threshold, beyond the distance limit.
    const next = centroid(truth.vertebrae[3].pointsMm);
    const here = centroid(truth.vertebrae[2].pointsMm);
    const half = next.map((x, a) => (x - here[a]) / 2) as unknown as Vec3;
    const result = resultOf(truth.vertebrae.map((v, i) => (i === 2 ? moved(v, half) : v)));
    for (const by of ['butterflyIoU', 'centroidDistance'] as const) {
      const m = matchGroundTruth(result, truth, { by });
      expect(m.vertebrae[2].found, by).toBe(false);
      expect(m.summary.missed, by).toBe(1);
      expect(m.extraIds, by).toEqual(['r3']);
    }
  });

  it('grades: a moderate fracture graded mild is wrong and not caught; graded severe it is caught but wrong', () => {
    const index = truth.vertebrae.findIndex((v) => v.grade === 2);
    const regrade = (grade: GenantGrade) => resultOf(truth.vertebrae.map((v, i) => (i === index ? { ...v, grade } : v)));
    expect(matchGroundTruth(regrade(1), truth).summary).toMatchObject({ gradeWrong: 1, gradeRight: n - 1, moderateOrWorse: moderate, moderateOrWorseCaught: moderate - 1 });
    expect(matchGroundTruth(regrade(3), truth).summary).toMatchObject({ gradeWrong: 1, moderateOrWorseCaught: moderate });
    expect(matchGroundTruth(regrade(1), truth).vertebrae[index]).toMatchObject({ found: true, grade: 1, gradeRight: false });
  });

  it('one to one: two result vertebrae on the same true one, the better pair wins', () => {
    const v = truth.vertebrae[5];
    const result = resultOf([moved(v, [0, 0, 3]), v]);
    const m = matchGroundTruth(result, { vertebrae: [v] });
    expect(m.vertebrae[0].resultId).toBe('r2');
    expect(m.extraIds).toEqual(['r1']);
  });

  it('nothing against nothing, and a result against an empty truth', () => {
    expect(matchGroundTruth({ vertebrae: [] }, { vertebrae: [] }).summary).toMatchObject({ truth: 0, found: 0, extra: 0 });
    expect(matchGroundTruth(resultOf(truth.vertebrae.slice(0, 2)), { vertebrae: [] }).extraIds).toEqual(['r1', 'r2']);
  });
});
