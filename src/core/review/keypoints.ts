/**
 * Moving the six points of a vertebra, as a user drags the handles on the mid-sagittal image.
 * The dragged pixels go to patient mm through the straightening (heights are never measured in
 * straightened pixels), and heights, G, grade and type follow.
 */
import type { Straightening } from '../geometry/straighten';
import type { AnalysisResult } from '../pipeline/result';
import { checkedPoints, measured, replaceVertebra, vertebraIndex } from './withVertebrae';
import type { ReviewedResult } from './vertebraIds';

export function setKeypoints(result: ReviewedResult, s: Straightening, id: string, pointsPx: readonly (readonly number[])[]): AnalysisResult {
  const index = vertebraIndex(result, id);
  const points = checkedPoints(pointsPx);
  const before = result.vertebrae[index];
  // A drag that ends where it began changes nothing: the same result, so history sees no edit.
  if (points.every((p, i) => p[0] === before.pointsPx[i][0] && p[1] === before.pointsPx[i][1])) return result;
  return replaceVertebra(result, index, { ...before, ...measured(points, s), edited: true });
}

/** One point (0 … 5: AS, AI, MS, MI, PS, PI) to a new (column, row). */
export function moveKeypoint(result: ReviewedResult, s: Straightening, id: string, pointIndex: number, to: readonly [number, number]): AnalysisResult {
  if (!Number.isInteger(pointIndex) || pointIndex < 0 || pointIndex > 5) throw new Error(`point index ${pointIndex} is not one of 0 … 5 (AS, AI, MS, MI, PS, PI)`);
  const before = result.vertebrae[vertebraIndex(result, id)];
  return setKeypoints(result, s, id, before.pointsPx.map((p, i) => (i === pointIndex ? to : p)));
}
