/**
 * Marking a vertebra "not evaluable" (too degenerate, cement, cut by the field of view): it stays
 * in the table and the report but leaves the patient summary (result.ts `patientSummary`).
 */
import type { AnalysisResult } from '../pipeline/result';
import type { ReviewedResult } from './vertebraIds';
import { replaceVertebra, vertebraIndex } from './withVertebrae';

export function setNotEvaluable(result: ReviewedResult, id: string, notEvaluable: boolean): AnalysisResult {
  const index = vertebraIndex(result, id);
  const v = result.vertebrae[index];
  if (Boolean(v.notEvaluable) === notEvaluable) return result;
  return replaceVertebra(result, index, { ...v, notEvaluable, edited: true });
}
