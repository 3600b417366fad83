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
 * between the two detections in units of the typical pitch between those two levels
 * (LEVEL_PITCH_MM times this patient's scale), rounded, at least 1. The scale is the median,
 * over neighbours apart, of their distance over the typical pitch below the upper one's most
 * likely level. A detection is left unlabelled only when no consistent level fits it (say, two
 * detections side by side, or more detections than levels).
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

/**
 * Typical distance (mm) from a vertebral body's centre to the next one's below it, by level:
 * medians over the 169 real spines of ../shared/data/priors/vid-vertebra-keypoints (6 to 160
 * pairs a level; C1, which has no body, and L5-S1, too rare there, set from their neighbours;
 * T13 and L6 as T12 and L5). The pitch grows from 20 mm at T1 to 36 mm at L3, so a scan's median
 * neighbour distance is no unit for its lumbar steps: in a T1-L4 scan L3 to L4 is 1.5 of them.
 */
export const LEVEL_PITCH_MM: Readonly<Record<string, number>> = {
  C1: 15.0, C2: 24.7, C3: 17.2, C4: 16.6, C5: 16.1, C6: 16.6, C7: 19.1,
  T1: 20.0, T2: 20.2, T3: 19.9, T4: 20.7, T5: 21.8, T6: 22.5, T7: 22.7, T8: 24.2,
  T9: 25.3, T10: 26.8, T11: 29.4, T12: 32.2, T13: 32.2,
  L1: 34.6, L2: 35.7, L3: 36.3, L4: 36.1, L5: 35.2, L6: 35.2, S1: 35.2,
};
/** The pitch of a level name not in the table. */
export const DEFAULT_PITCH_MM = 25.0;

function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const log = Math.log(sum) + max;
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i] - log);
}

/** Index of the largest value, the first of equals. */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
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
  const pitch = levelNames.map((name) => (Object.hasOwn(LEVEL_PITCH_MM, name) ? LEVEL_PITCH_MM[name] : DEFAULT_PITCH_MM));
  // running[l]: the pitches of the non-optional levels before l, so typical(a, b), the mm from
  // level a down to level b, skips the optional levels between as steps does.
  const running = new Float64Array(L + 1);
  for (let l = 0; l < L; l++) running[l + 1] = running[l] + (optional.has(levelNames[l]) ? 0 : pitch[l]);
  const typical = (a: number, b: number) => pitch[a] + (running[b] - running[a + 1]);
  // Detections side by side (gap 0) say nothing about the pitch: leave them out of the median.
  const ratios: number[] = [];
  for (let j = 0; j + 1 < n; j++) {
    const gap = Math.abs(candidates[j + 1].positionMm - candidates[j].positionMm);
    if (gap > 1e-3) ratios.push(gap / pitch[argmax(candidates[j].logits)]);
  }
  const scale = ratios.length ? median(ratios) : 1;
  const expected = (k: number, i: number, a: number, b: number) =>
    Math.max(1, Math.round(((candidates[i].positionMm - candidates[k].positionMm) * steps(a, b)) / (scale * typical(a, b))));
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
        for (let lp = 0; lp < l; lp++) {
          const v = value[k][lp] - skipped - gapPenalty * Math.abs(steps(lp, l) - expected(k, i, lp, l));
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
