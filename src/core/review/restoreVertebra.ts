/**
 * Putting back the AI's version of one vertebra: its points, measures, level and flags as the
 * analysis gave them, in its place, or back in the spine if it was deleted.
 */
import type { AnalysisResult } from '../pipeline/result';
import type { ReviewedResult } from './vertebraIds';
import { withVertebrae } from './withVertebrae';

export function restoreVertebra(result: ReviewedResult, ai: AnalysisResult, id: string): AnalysisResult {
  const original = ai.vertebrae.find((v) => v.id === id);
  if (!original) throw new Error(`the AI result has no vertebra "${id}" to restore (a person added it, or the id is wrong)`);
  const index = result.vertebrae.findIndex((v) => v.id === id);
  if (index >= 0 && result.vertebrae[index] === original) return result;
  const others = result.vertebrae.filter((v) => v.id !== id);
  return withVertebrae(result, [...others, original]);
}
