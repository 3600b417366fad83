/**
 * How a vertebra looks in the review: its colour by Genant grade (src/core/quantify/gradeColors.ts,
 * the same in the view, the table and the report) and its label beside the segments.
 */
import type { VertebraResult } from '../../core/pipeline/result';
import { vertebraRgb } from '../../core/quantify/gradeColors';
import { needsCheck } from '../../core/review/aiConfidence';

export function gradeColor(v: Pick<VertebraResult, 'grade' | 'notEvaluable'>): string {
  return `rgb(${vertebraRgb(v).join(', ')})`;
}

/** "T8 0.72", "? 0.91" without a level, "T8 n/e" when not evaluable, "T11 0.78 check" when the AI is less sure of it (aiConfidence.ts). */
export function segmentLabel(v: Pick<VertebraResult, 'level' | 'genantRatio' | 'notEvaluable' | 'objectness' | 'edited'>): string {
  return `${v.level ?? '?'} ${v.notEvaluable ? 'n/e' : v.genantRatio.toFixed(2)}${needsCheck(v) ? ' check' : ''}`;
}
