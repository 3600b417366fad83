/**
 * Who a measurement is from, as the review table and the report say it. `aiIds` holds the ids of
 * the vertebrae the AI found; without it no vertebra can be told "added".
 */
import type { VertebraResult } from '../pipeline/result';

export type VertebraSource = 'AI' | 'edited' | 'added' | 'not evaluable';

export function vertebraSource(v: Pick<VertebraResult, 'id' | 'edited' | 'notEvaluable'>, aiIds?: ReadonlySet<string>): VertebraSource {
  if (v.notEvaluable) return 'not evaluable';
  if (aiIds && !aiIds.has(v.id)) return 'added';
  return v.edited ? 'edited' : 'AI';
}
