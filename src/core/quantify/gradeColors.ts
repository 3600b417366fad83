/**
 * One colour per Genant grade, the same on screen (the review view, the table) and in the PDF:
 * 0 green, 1 yellow, 2 orange, 3 red; slate grey for a vertebra marked not evaluable.
 */
import type { VertebraResult } from '../pipeline/result';
import type { GenantGrade } from './genant';

export type Rgb = [number, number, number];

export const gradeRgb: Record<GenantGrade, Rgb> = { 0: [74, 222, 128], 1: [250, 204, 21], 2: [251, 146, 60], 3: [248, 113, 113] };
export const notEvaluableRgb: Rgb = [148, 163, 184];

export function vertebraRgb(v: Pick<VertebraResult, 'grade' | 'notEvaluable'>): Rgb {
  return v.notEvaluable ? notEvaluableRgb : gradeRgb[v.grade];
}
