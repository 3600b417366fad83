/**
 * Changing a level: a spine is ordered, so when a person names one vertebra the others follow,
 * counted along the anatomical sequence from it in both directions (the one above T8 is T7, the
 * one below T9). Vertebrae past either end of the sequence get no level. The sequence holds T13
 * or L6 when the person sets that level now, or when a vertebra a person edited already holds it
 * (so a spine once declared to have 13 thoracic vertebrae keeps them when another level is
 * corrected).
 */
import type { AnalysisResult } from '../pipeline/result';
import { isLevelName, isTransitional, levelSequence } from './levelSequence';
import { vertebraIndex, withVertebrae } from './withVertebrae';
import type { ReviewedResult } from './vertebraIds';

export function setLevel(result: ReviewedResult, id: string, level: string | null): AnalysisResult {
  const index = vertebraIndex(result, id);
  if (level !== null && !isLevelName(level)) throw new Error(`"${level}" is not a vertebral level (C1–C7, T1–T13, L1–L6, S1)`);
  let levels: (string | null)[];
  if (level === null) {
    // Nothing to count from: only this vertebra loses its level.
    levels = result.vertebrae.map((v, i) => (i === index ? null : v.level));
  } else {
    const transitional = result.vertebrae.filter((v, i) => i !== index && v.edited && v.level !== null && isTransitional(v.level)).map((v) => v.level!);
    if (isTransitional(level)) transitional.push(level);
    const sequence = levelSequence(transitional);
    const at = sequence.indexOf(level);
    levels = result.vertebrae.map((_, i) => sequence[at + i - index] ?? null);
  }
  if (levels.every((l, i) => l === result.vertebrae[i].level)) return result;
  return withVertebrae(
    result,
    result.vertebrae.map((v, i) => (levels[i] === v.level ? v : { ...v, level: levels[i], edited: true })),
  );
}
