/**
 * Levels made consistent along the spine. The detector's level head gives each vertebra its own
 * guess; read one by one they can repeat (two T8s) or run backwards. A spine is ordered, so the
 * levels of the detections, taken superior → inferior, must strictly increase; a level is
 * skipped only where a vertebra was not found, which shows as a larger gap between neighbours.
 *
 * This picks the assignment that maximises
 *   Σ log p_i(level_i)                        (what the net says, per detection)
 *   − gapPenalty · |steps − expectedSteps|    (per pair of consecutive labelled detections)
 *   − unlabelledPenalty                       (per detection left without a level)
 * by dynamic programming over (last labelled detection, its level): exact, and tiny (n²·L²).
 * `steps` counts vertebrae between two levels, the transitional T13 and L6 counting only when
 * they are used (T12 → L1 is one step, so is T12 → T13). `expectedSteps` is the distance
 * between the two detections in units of the typical vertebra pitch (the median distance of
 * neighbours), at least 1. A detection is left unlabelled only when no consistent level fits
 * it (say, two detections side by side, or more detections than levels).
 *
 * The penalties are chosen, not trained: a gap mismatch costs as much as ~e² in probability,
 * leaving a detection unlabelled as much as ~e⁸.
 *
 * training/models/levels.py is the Python twin (the evaluation of the trained detector names
 * levels the same way); golden vectors in training/golden/pipeline.json check they agree.
 */

export interface LevelCandidate {
  /** Level logits of the detection's cell (any real numbers; softmax is taken here). */
  logits: ArrayLike<number>;
  /** Position along the spine, superior → inferior, mm (e.g. centroid row × step). */
  positionMm: number;
}

export interface LevelOptions {
  /** Levels that exist only in some people; skipping them is not a gap. */
  optionalLevels?: readonly string[];
  gapPenalty?: number;
  unlabelledPenalty?: number;
}

export const TRANSITIONAL_LEVELS = ['T13', 'L6'] as const;

function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const log = Math.log(sum) + max;
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i] - log);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Level indices (into `levelNames`) per candidate, candidates given superior → inferior;
 * null where a detection gets no level. Labelled ones strictly increase.
 */
export function assignLevels(candidates: readonly LevelCandidate[], levelNames: readonly string[], options: LevelOptions = {}): (number | null)[] {
  const n = candidates.length;
  const L = levelNames.length;
  if (n === 0) return [];
  if (L === 0 || candidates.some((c) => c.logits.length !== L)) return candidates.map(() => null);
  const gapPenalty = options.gapPenalty ?? 2;
  const unlabelledPenalty = options.unlabelledPenalty ?? 8;
  const optional = new Set(options.optionalLevels ?? TRANSITIONAL_LEVELS);
  // optionalBefore[l]: optional levels with index < l, so steps(a, b) counts those between in O(1).
  const optionalBefore = new Int32Array(L + 1);
  for (let l = 0; l < L; l++) optionalBefore[l + 1] = optionalBefore[l] + (optional.has(levelNames[l]) ? 1 : 0);
  const steps = (a: number, b: number) => b - a - (optionalBefore[b] - optionalBefore[a + 1]);
  const gaps = candidates.slice(1).map((c, i) => c.positionMm - candidates[i].positionMm);
  // Detections side by side (gap 0) say nothing about the pitch: leave them out of the median.
  const apart = gaps.map(Math.abs).filter((g) => g > 1e-3);
  const pitch = apart.length ? median(apart) : 1;
  const expected = (k: number, i: number) => Math.max(1, Math.round((candidates[i].positionMm - candidates[k].positionMm) / pitch));
  const logp = candidates.map((c) => logSoftmax(c.logits));

  // value[i][l]: best score of detections 0..i with i labelled l and the last labelled one.
  const value = Array.from({ length: n }, () => new Float64Array(L).fill(-Infinity));
  const from = Array.from({ length: n }, () => new Int32Array(L).fill(-1)); // k·L + l' of the previous labelled one, −1 none
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < L; l++) {
      let best = -unlabelledPenalty * i; // every earlier detection unlabelled
      let arg = -1;
      for (let k = 0; k < i; k++) {
        const skipped = unlabelledPenalty * (i - k - 1);
        const e = expected(k, i);
        for (let lp = 0; lp < l; lp++) {
          const v = value[k][lp] - skipped - gapPenalty * Math.abs(steps(lp, l) - e);
          if (v > best) {
            best = v;
            arg = k * L + lp;
          }
        }
      }
      value[i][l] = best + logp[i][l];
      from[i][l] = arg;
    }
  }
  let bestTotal = -unlabelledPenalty * n;
  let end = -1;
  for (let i = 0; i < n; i++)
    for (let l = 0; l < L; l++) {
      const v = value[i][l] - unlabelledPenalty * (n - 1 - i);
      if (v > bestTotal) {
        bestTotal = v;
        end = i * L + l;
      }
    }
  const levels: (number | null)[] = candidates.map(() => null);
  for (let at = end; at >= 0; ) {
    const i = Math.floor(at / L);
    const l = at % L;
    levels[i] = l;
    at = from[i][l];
  }
  return levels;
}
