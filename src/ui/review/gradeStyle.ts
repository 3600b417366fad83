/**
 * How a vertebra looks in the review: its colour by Genant grade (the same in the view, the table
 * and the report) and its label beside the segments.
 */
import type { VertebraResult } from '../../core/pipeline/result';
import type { GenantGrade } from '../../core/quantify/genant';

export const GRADE_COLORS: Record<GenantGrade, string> = {
  0: 'rgb(74, 222, 128)',
  1: 'rgb(250, 204, 21)',
  2: 'rgb(251, 146, 60)',
  3: 'rgb(248, 113, 113)',
};

export const NOT_EVALUABLE_COLOR = 'rgb(148, 163, 184)';

export function gradeColor(v: Pick<VertebraResult, 'grade' | 'notEvaluable'>): string {
  return v.notEvaluable ? NOT_EVALUABLE_COLOR : GRADE_COLORS[v.grade];
}

/** "T8 0.72", "? 0.91" without a level, "T8 n/e" when not evaluable. */
export function segmentLabel(v: Pick<VertebraResult, 'level' | 'genantRatio' | 'notEvaluable'>): string {
  return `${v.level ?? '?'} ${v.notEvaluable ? 'n/e' : v.genantRatio.toFixed(2)}`;
}
