/** Removing a vertebra (a false detection, or a duplicate). Its id number is never given again. */
import type { AnalysisResult } from '../pipeline/result';
import { highestVertebraNumber, type ReviewedResult } from './vertebraIds';
import { vertebraIndex, withVertebrae } from './withVertebrae';

export function deleteVertebra(result: ReviewedResult, id: string): AnalysisResult {
  const index = vertebraIndex(result, id);
  return withVertebrae(
    result,
    result.vertebrae.filter((_, i) => i !== index),
    { lastVertebraNumber: highestVertebraNumber(result) },
  );
}
