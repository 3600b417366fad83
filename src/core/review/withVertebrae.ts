/**
 * The shared steps of every edit: find a vertebra by id (an unknown id is an error the UI must
 * hear about, not a silent no-op), measure a vertebra from its pixels, and make the new result
 * with its vertebrae in order and its patient summary recomputed. Nothing here mutates its
 * inputs: every edit returns a new result that shares the untouched vertebrae.
 */
import { pixelToPatientMm, type Straightening } from '../geometry/straighten';
import { genant } from '../quantify/genant';
import type { SixPoints } from '../quantify/sixPoints';
import { patientSummary, type AnalysisResult, type VertebraResult } from '../pipeline/result';
import type { ReviewedResult } from './vertebraIds';

export type PointsPx = VertebraResult['pointsPx'];

export function vertebraIndex(result: AnalysisResult, id: string): number {
  const index = result.vertebrae.findIndex((v) => v.id === id);
  if (index < 0) throw new Error(`no vertebra "${id}" in this result (it has ${result.vertebrae.map((v) => v.id).join(', ') || 'none'})`);
  return index;
}

/** The mean row of the six points: the order of vertebrae superior → inferior. */
export function meanRow(pointsPx: readonly (readonly number[])[]): number {
  return pointsPx.reduce((sum, p) => sum + p[1], 0) / pointsPx.length;
}

/** Six finite (column, row) pairs, copied so the result holds no array the caller can change. */
export function checkedPoints(pointsPx: readonly (readonly number[])[]): PointsPx {
  if (pointsPx.length !== 6) throw new Error(`a vertebra has six points (AS, AI, MS, MI, PS, PI), got ${pointsPx.length}`);
  return pointsPx.map((p, i) => {
    if (p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new Error(`point ${i} is not a finite (column, row) pixel: ${JSON.stringify(p)}`);
    return [p[0], p[1]];
  }) as PointsPx;
}

/** Pixels → patient mm through the straightening, then heights, G, grade and type from the mm. */
export function measured(pointsPx: PointsPx, s: Straightening): Pick<VertebraResult, 'pointsPx' | 'pointsMm' | 'heightsMm' | 'genantRatio' | 'grade' | 'type'> {
  const pointsMm = pointsPx.map(([column, row]) => pixelToPatientMm(s, column, row)) as VertebraResult['pointsMm'];
  const q = genant(pointsMm as SixPoints);
  return { pointsPx, pointsMm, heightsMm: q.heightsMm, genantRatio: q.genantRatio, grade: q.grade, type: q.type };
}

/** A new result with these vertebrae ordered superior → inferior (stable) and a fresh summary. */
export function withVertebrae(result: ReviewedResult, vertebrae: readonly VertebraResult[], extra: Partial<ReviewedResult> = {}): ReviewedResult {
  const ordered = vertebrae
    .map((v, i) => ({ v, i, row: meanRow(v.pointsPx) }))
    .sort((a, b) => a.row - b.row || a.i - b.i)
    .map((e) => e.v);
  return { ...result, ...extra, vertebrae: ordered, patient: patientSummary(ordered) };
}

/** The result with one vertebra replaced by `next` (same id). */
export function replaceVertebra(result: ReviewedResult, index: number, next: VertebraResult): ReviewedResult {
  return withVertebrae(result, result.vertebrae.map((v, i) => (i === index ? next : v)));
}
