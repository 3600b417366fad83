/**
 * Which vertebrae the AI is less sure of, so that the review points a person at them first.
 *
 * The detector scores every vertebra it reports (objectness, 0–1). The app keeps detections from
 * the card's threshold (0.35) up so as to miss fewer vertebrae; the paper decodes at 0.7. The
 * vertebrae in between are the ones the paper's decoder would have dropped, and they are where
 * the shipped models' readings are weakest: the fracture demo's severe T11 crush (read mild) is
 * scored 0.62, generated seed 3 000 001's severe L2 crush 0.45, while their normal vertebrae
 * score 0.90 and above (`npx spinelens analyze`, objectness column).
 *
 * Once a person edited a vertebra, added it (addVertebra.ts: edited, objectness 1) or marked it
 * not evaluable, they have looked at it: it is no longer flagged. So a flagged vertebra is always
 * the AI's own, and callers need no check of its source.
 */
import type { VertebraResult } from '../pipeline/result';

/** The paper's objectness threshold: AI vertebrae scored below it are flagged for a check. */
export const CHECK_BELOW_OBJECTNESS = 0.7;

export type ConfidenceFields = Pick<VertebraResult, 'objectness' | 'edited' | 'notEvaluable'>;

export function needsCheck(v: ConfidenceFields): boolean {
  return !v.edited && !v.notEvaluable && v.objectness < CHECK_BELOW_OBJECTNESS;
}

/** What the flag means, for a tooltip: "The AI is less sure of this vertebra (score 0.62, below 0.70): check its points." */
export function checkReason(v: Pick<VertebraResult, 'objectness'>): string {
  return `The AI is less sure of this vertebra (score ${v.objectness.toFixed(2)}, below ${CHECK_BELOW_OBJECTNESS.toFixed(2)}): check its points.`;
}
