/**
 * A result document against a ground truth of the same shape (a phantom's ground_truth.json):
 * which true vertebra was found, whether its level and grade are right, and the counts the
 * end-to-end tests check ("every vertebra found, the level right, every fracture of grade 2 or
 * worse graded 2 or worse").
 *
 * Vertebrae are paired one to one, greedily from the best pair (as training/models/metrics.py
 * `match_by_butterfly`), by either
 * - Butterfly-IoU ≥ a threshold (the detector card's evaluationMatchButterflyIoU, 0.3): both
 *   sets of six points are projected onto the true vertebra's own sagittal plane (spanned by its
 *   anterior → posterior and superior → inferior directions), where the butterfly is drawn; or
 * - the distance of the centroids of the six points ≤ a limit (10 mm, under half a vertebra's
 *   pitch).
 * A result vertebra paired with none is extra, unless it lies near a vertebra the truth lists as
 * partial (cut by the scan range): finding those is neither right nor wrong.
 */
import type { Vec2 } from '../geometry/polygon';
import { centroid, dot, norm, normalize, scale, sub } from '../geometry/vec3';
import { butterflyIoU, type SixPoints2D } from '../quantify/butterflyIoU';
import type { GenantGrade } from '../quantify/genant';
import { AI, AS, MI, MS, PI, PS } from '../quantify/sixPoints';
import type { Vec3 } from '../volume';
import type { VertebraResult } from './result';

/** What matching reads of a vertebra, in a result or in a ground truth. */
export type MatchedVertebra = Pick<VertebraResult, 'id' | 'level' | 'pointsMm' | 'grade'>;

export interface GroundTruthDocument {
  vertebrae: readonly MatchedVertebra[];
  /** Vertebrae cut by the scan range (phantom ground truth): where, and which. */
  partialVertebrae?: readonly { level: string; centroidMm: Vec3 }[];
}

export interface MatchOptions {
  by?: 'butterflyIoU' | 'centroidDistance';
  /** Pairs below this Butterfly-IoU are not matches (default DEFAULT_MATCH_BUTTERFLY_IOU). */
  minButterflyIoU?: number;
  /** Pairs farther apart are not matches (default DEFAULT_MATCH_DISTANCE_MM). */
  maxCentroidDistanceMm?: number;
}

/** The detector card's thresholds.evaluationMatchButterflyIoU (conventions.MATCH_BUTTERFLY_IOU). */
export const DEFAULT_MATCH_BUTTERFLY_IOU = 0.3;
/** Under half the pitch of the smallest (cervical) vertebrae, ~15–20 mm. */
export const DEFAULT_MATCH_DISTANCE_MM = 10;

export interface TruthVertebraMatch {
  truthId: string;
  truthLevel: string | null;
  truthGrade: GenantGrade;
  found: boolean;
  /** The result vertebra paired with it, null when missed. */
  resultId: string | null;
  /** Of the pair (null when missed), whichever way it was matched. */
  butterflyIoU: number | null;
  centroidDistanceMm: number | null;
  /** The result's level and grade, null when missed. */
  level: string | null;
  levelRight: boolean | null;
  grade: GenantGrade | null;
  gradeRight: boolean | null;
}

export interface GroundTruthSummary {
  truth: number;
  found: number;
  missed: number;
  levelRight: number;
  levelWrong: number;
  gradeRight: number;
  gradeWrong: number;
  /** True fractures of grade ≥ 2, and how many of them were found and graded ≥ 2. */
  moderateOrWorse: number;
  moderateOrWorseCaught: number;
  /** Result vertebrae near no true vertebra (partial ones aside). */
  extra: number;
}

export interface GroundTruthComparison {
  /** One per true vertebra, in the truth's order. */
  vertebrae: TruthVertebraMatch[];
  /** Ids of result vertebrae paired with no true one and near no partial one. */
  extraIds: string[];
  /** Ids of result vertebrae paired with no true one but near a partial (cut) one. */
  nearPartialIds: string[];
  summary: GroundTruthSummary;
}

const mean = (...points: Vec3[]): Vec3 => centroid(points);

/**
 * Butterfly-IoU of two vertebrae in patient mm, in the sagittal plane of `truth`: e1 runs
 * anterior → posterior (mean of PS, PI minus mean of AS, AI), e2 superior → inferior made
 * orthogonal to e1, both through the truth's centroid.
 */
export function butterflyIoUMm(truth: MatchedVertebra['pointsMm'], other: MatchedVertebra['pointsMm']): number {
  const origin = centroid(truth);
  const e1 = normalize(sub(mean(truth[PS], truth[PI]), mean(truth[AS], truth[AI])));
  const down = sub(mean(truth[AI], truth[MI], truth[PI]), mean(truth[AS], truth[MS], truth[PS]));
  const e2 = normalize(sub(down, scale(e1, dot(down, e1))));
  const project = (points: MatchedVertebra['pointsMm']) => points.map((p): Vec2 => [dot(sub(p, origin), e1), dot(sub(p, origin), e2)]) as unknown as SixPoints2D;
  return butterflyIoU(project(truth), project(other));
}

/** Pair the result's vertebrae with the truth's and count what is right. */
export function matchGroundTruth(result: { vertebrae: readonly MatchedVertebra[] }, truth: GroundTruthDocument, options: MatchOptions = {}): GroundTruthComparison {
  const by = options.by ?? 'butterflyIoU';
  const minIoU = options.minButterflyIoU ?? DEFAULT_MATCH_BUTTERFLY_IOU;
  const maxDistance = options.maxCentroidDistanceMm ?? DEFAULT_MATCH_DISTANCE_MM;
  const truthCentroids = truth.vertebrae.map((v) => centroid(v.pointsMm));
  const resultCentroids = result.vertebrae.map((v) => centroid(v.pointsMm));

  // Candidate pairs, best first; the sort is stable, so ties keep (truth, result) order.
  const pairs: { t: number; r: number; iou: number | null; distanceMm: number; goodness: number }[] = [];
  truth.vertebrae.forEach((tv, t) => {
    result.vertebrae.forEach((rv, r) => {
      const distanceMm = norm(sub(truthCentroids[t], resultCentroids[r]));
      if (by === 'centroidDistance') {
        if (distanceMm <= maxDistance) pairs.push({ t, r, iou: null, distanceMm, goodness: -distanceMm });
        return;
      }
      const iou = butterflyIoUMm(tv.pointsMm, rv.pointsMm);
      if (iou >= minIoU) pairs.push({ t, r, iou, distanceMm, goodness: iou });
    });
  });
  pairs.sort((a, b) => b.goodness - a.goodness);
  const pairOfTruth = new Map<number, (typeof pairs)[number]>();
  const usedResults = new Set<number>();
  for (const pair of pairs) {
    if (pairOfTruth.has(pair.t) || usedResults.has(pair.r)) continue;
    pairOfTruth.set(pair.t, pair);
    usedResults.add(pair.r);
  }

  const vertebrae = truth.vertebrae.map((tv, t): TruthVertebraMatch => {
    const pair = pairOfTruth.get(t);
    const rv = pair ? result.vertebrae[pair.r] : null;
    return {
      truthId: tv.id,
      truthLevel: tv.level,
      truthGrade: tv.grade,
      found: rv !== null,
      resultId: rv?.id ?? null,
      butterflyIoU: pair ? (pair.iou ?? butterflyIoUMm(tv.pointsMm, rv!.pointsMm)) : null,
      centroidDistanceMm: pair ? pair.distanceMm : null,
      level: rv?.level ?? null,
      levelRight: rv ? rv.level === tv.level : null,
      grade: rv?.grade ?? null,
      gradeRight: rv ? rv.grade === tv.grade : null,
    };
  });

  const extraIds: string[] = [];
  const nearPartialIds: string[] = [];
  result.vertebrae.forEach((rv, r) => {
    if (usedResults.has(r)) return;
    const nearPartial = (truth.partialVertebrae ?? []).some((p) => norm(sub(p.centroidMm, resultCentroids[r])) <= maxDistance);
    (nearPartial ? nearPartialIds : extraIds).push(rv.id);
  });

  const count = (test: (m: TruthVertebraMatch) => boolean) => vertebrae.filter(test).length;
  const summary: GroundTruthSummary = {
    truth: vertebrae.length,
    found: count((m) => m.found),
    missed: count((m) => !m.found),
    levelRight: count((m) => m.levelRight === true),
    levelWrong: count((m) => m.levelRight === false),
    gradeRight: count((m) => m.gradeRight === true),
    gradeWrong: count((m) => m.gradeRight === false),
    moderateOrWorse: count((m) => m.truthGrade >= 2),
    moderateOrWorseCaught: count((m) => m.truthGrade >= 2 && m.grade !== null && m.grade >= 2),
    extra: extraIds.length,
  };
  return { vertebrae, extraIds, nearPartialIds, summary };
}
