/**
 * Vertebra ids are "v" and a number. A person's additions get the next number, and a number is
 * never given twice in one review, even after the vertebra holding it was deleted: the table,
 * the selection and the saved edits name vertebrae by id, and "v9" must not come back meaning a
 * different vertebra. The result carries the highest number issued so far (an addition to the
 * result document) so that this holds for a pure function of the result and across reloads.
 */
import type { AnalysisResult } from '../pipeline/result';

export type ReviewedResult = AnalysisResult & {
  /** Addition (review): the highest n of any id "vn" this result has held. */
  lastVertebraNumber?: number;
};

function idNumber(id: string): number {
  const match = /^v(\d+)$/.exec(id);
  return match ? Number(match[1]) : 0;
}

/** The highest number issued: the recorded one or the highest among the ids present. */
export function highestVertebraNumber(result: ReviewedResult): number {
  return result.vertebrae.reduce((max, v) => Math.max(max, idNumber(v.id)), result.lastVertebraNumber ?? 0);
}

/** The id the next added vertebra gets (the UI can read it to select the new vertebra). */
export function nextVertebraId(result: ReviewedResult): string {
  const taken = new Set(result.vertebrae.map((v) => v.id));
  let n = highestVertebraNumber(result) + 1;
  while (taken.has(`v${n}`)) n++;
  return `v${n}`;
}
