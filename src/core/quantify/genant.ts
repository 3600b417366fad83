/**
 * Genant semi-quantitative grading from the three body heights (../shared/DESIGN.md):
 * G = min/max height, height loss = 1 − G; grade 0 below 20 % loss, 1 from 20 %, 2 from
 * 25 %, 3 from 40 % (a boundary value belongs to the higher grade); the shortest height names
 * the type.
 */
import { AI, AS, MI, MS, PI, PS, type SixPoints } from './sixPoints';

export interface HeightsMm {
  anterior: number;
  middle: number;
  posterior: number;
}

export type GenantGrade = 0 | 1 | 2 | 3;
export type FractureType = 'wedge' | 'biconcave' | 'crush';

export interface GenantResult {
  heightsMm: HeightsMm;
  genantRatio: number;
  grade: GenantGrade;
  type: FractureType;
}

export const gradeNames: Record<GenantGrade, string> = { 0: 'normal', 1: 'mild', 2: 'moderate', 3: 'severe' };

/** Lower bounds of height loss for grades 1, 2 and 3. */
export const gradeLossThresholds = [0.2, 0.25, 0.4] as const;

function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

/** Heights from six points in patient mm (never from straightened pixels). */
export function heightsFromPoints(pointsMm: SixPoints): HeightsMm {
  return {
    anterior: distance(pointsMm[AS], pointsMm[AI]),
    middle: distance(pointsMm[MS], pointsMm[MI]),
    posterior: distance(pointsMm[PS], pointsMm[PI]),
  };
}

export function genantRatio(h: HeightsMm): number {
  const max = Math.max(h.anterior, h.middle, h.posterior);
  return max > 0 ? Math.min(h.anterior, h.middle, h.posterior) / max : 0;
}

/**
 * Grade from G. Loss is computed as 1 − G and compared with a tolerance of 1e-9 so that a
 * ratio of exactly 0.8 (written as such, but 0.8000000000000000444 in binary) is grade 1.
 */
export function gradeFromRatio(ratio: number): GenantGrade {
  const loss = 1 - ratio + 1e-9;
  if (loss >= gradeLossThresholds[2]) return 3;
  if (loss >= gradeLossThresholds[1]) return 2;
  if (loss >= gradeLossThresholds[0]) return 1;
  return 0;
}

/** The shortest height names the type; ties go anterior, then middle. */
export function fractureType(h: HeightsMm): FractureType {
  const min = Math.min(h.anterior, h.middle, h.posterior);
  if (h.anterior === min) return 'wedge';
  if (h.middle === min) return 'biconcave';
  return 'crush';
}

export function genant(pointsMm: SixPoints): GenantResult {
  const heightsMm = heightsFromPoints(pointsMm);
  const ratio = genantRatio(heightsMm);
  return { heightsMm, genantRatio: ratio, grade: gradeFromRatio(ratio), type: fractureType(heightsMm) };
}
