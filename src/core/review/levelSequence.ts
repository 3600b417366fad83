/**
 * The anatomical order of vertebral levels (../shared/DESIGN.md): C1–C7, T1–T12, L1–L5, S1.
 * T13 and L6 exist in some people; they belong in the sequence only where a person says so,
 * otherwise T12 is followed by L1 and L5 by S1.
 */
import { TRANSITIONAL_LEVELS } from '../pipeline/levels';

export type TransitionalLevel = (typeof TRANSITIONAL_LEVELS)[number];

const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** Every level name the detector card knows, in order, T13 and L6 included (27). */
export const ALL_LEVELS: readonly string[] = [...range('C', 7), ...range('T', 13), ...range('L', 6), 'S1'];

export function isLevelName(level: string): boolean {
  return ALL_LEVELS.includes(level);
}

export function isTransitional(level: string): level is TransitionalLevel {
  return (TRANSITIONAL_LEVELS as readonly string[]).includes(level);
}

/** The sequence with the given transitional levels in it (the others left out). */
export function levelSequence(transitional: Iterable<string> = []): string[] {
  const keep = new Set(transitional);
  return ALL_LEVELS.filter((l) => !isTransitional(l) || keep.has(l));
}

/**
 * The level that fits a vertebra between two neighbours' levels (null: no neighbour there or it
 * has no level): the one level strictly between them (T12 … L1 leaves T13), else the one
 * regular level between them; after only a superior neighbour its successor, before only an
 * inferior one its predecessor. Null when none or several fit.
 */
export function levelBetween(above: string | null, below: string | null): string | null {
  const a = above === null ? -1 : ALL_LEVELS.indexOf(above);
  const b = below === null ? -1 : ALL_LEVELS.indexOf(below);
  if (a < 0 && b < 0) return null;
  if (a >= 0 && b >= 0) {
    const between = ALL_LEVELS.slice(a + 1, b);
    if (between.length === 1) return between[0];
    const regular = between.filter((l) => !isTransitional(l));
    return regular.length === 1 ? regular[0] : null;
  }
  const regular = levelSequence();
  if (a >= 0) return regular.find((l) => ALL_LEVELS.indexOf(l) > a) ?? null;
  return [...regular].reverse().find((l) => ALL_LEVELS.indexOf(l) < b) ?? null;
}
