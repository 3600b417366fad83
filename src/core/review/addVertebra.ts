/**
 * A vertebra a person placed: six points, measured like the detector's (pixels → patient mm →
 * heights, G, grade, type), objectness 1 since no network scored it, a new id (vertebraIds.ts),
 * and by default the level that fits between its neighbours.
 */
import type { Straightening } from '../geometry/straighten';
import type { AnalysisResult, VertebraResult } from '../pipeline/result';
import { isLevelName, levelBetween } from './levelSequence';
import { highestVertebraNumber, nextVertebraId, type ReviewedResult } from './vertebraIds';
import { checkedPoints, meanRow, measured, withVertebrae } from './withVertebrae';

/** `level` undefined: the level that fits between its neighbours (or null); null: no level. */
export function addVertebra(result: ReviewedResult, s: Straightening, pointsPx: readonly (readonly number[])[], level?: string | null): AnalysisResult {
  if (typeof level === 'string' && !isLevelName(level)) throw new Error(`"${level}" is not a vertebral level (C1–C7, T1–T13, L1–L6, S1)`);
  const points = checkedPoints(pointsPx);
  const id = nextVertebraId(result);
  const row = meanRow(points);
  // Ties go below the existing vertebra, as the stable sort in withVertebrae places it.
  const above = result.vertebrae.filter((v) => meanRow(v.pointsPx) <= row).at(-1) ?? null;
  const below = result.vertebrae.find((v) => meanRow(v.pointsPx) > row) ?? null;
  const vertebra: VertebraResult = {
    id,
    level: level === undefined ? levelBetween(above?.level ?? null, below?.level ?? null) : level,
    ...measured(points, s),
    objectness: 1,
    edited: true,
  };
  return withVertebrae(result, [...result.vertebrae, vertebra], { lastVertebraNumber: Math.max(highestVertebraNumber(result), Number(id.slice(1))) });
}
