"""Levels made consistent along the spine: the twin of src/core/pipeline/levels.ts, so that the
training-side evaluation names vertebrae as the runtime does (golden vectors in
training/golden/pipeline.json check both languages give the same levels).

The detector's level head guesses per vertebra; read one by one the guesses can repeat or run
backwards. Taken superior → inferior, labelled levels must strictly increase, and a level is
skipped only where a vertebra was not found (a larger gap between neighbours). The assignment
maximises

    Σ log p_i(level_i)                        (what the net says, per detection)
    − gap_penalty · |steps − expected_steps|  (per pair of consecutive labelled detections)
    − unlabelled_penalty                      (per detection left without a level)

by dynamic programming over (last labelled detection, its level). `steps` counts vertebrae
between two levels, the optional (transitional) T13 and L6 counting only when used;
`expected_steps` is the distance of the two detections in units of the typical pitch between
those two levels (LEVEL_PITCH_MM, times this patient's scale), rounded half up, at least 1.
The scale is the median, over neighbours apart, of their distance over the typical pitch below
the upper one's most likely level. Ties go to the first candidate in the TypeScript loop order
(earlier detection, then lower level), which np.argmax over a [k][l'] array reproduces.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import conventions as C

TRANSITIONAL_LEVELS = ("T13", "L6")
GAP_PENALTY = 2.0
UNLABELLED_PENALTY = 8.0

# Typical distance (mm) from a vertebral body's centre to the next one's below it, by level:
# medians over the 169 real spines of ../shared/data/priors/vid-vertebra-keypoints (6 to 160
# pairs a level; C1, which has no body, and L5-S1, too rare there, set from their neighbours;
# T13 and L6 as T12 and L5). The pitch grows from 20 mm at T1 to 36 mm at L3, so a scan's median
# neighbour distance is no unit for its lumbar steps: in a T1-L4 scan L3 to L4 is 1.5 of them.
LEVEL_PITCH_MM = {
    "C1": 15.0, "C2": 24.7, "C3": 17.2, "C4": 16.6, "C5": 16.1, "C6": 16.6, "C7": 19.1,
    "T1": 20.0, "T2": 20.2, "T3": 19.9, "T4": 20.7, "T5": 21.8, "T6": 22.5, "T7": 22.7, "T8": 24.2,
    "T9": 25.3, "T10": 26.8, "T11": 29.4, "T12": 32.2, "T13": 32.2,
    "L1": 34.6, "L2": 35.7, "L3": 36.3, "L4": 36.1, "L5": 35.2, "L6": 35.2, "S1": 35.2,
}
DEFAULT_PITCH_MM = 25.0  # a level name not in the table


@dataclass
class LevelCandidate:
    logits: Sequence[float]  # level logits of the detection's cell (softmax taken here)
    position_mm: float  # position along the spine, superior → inferior (centroid row × step)


def log_softmax(logits: Sequence[float]) -> np.ndarray:
    """As levels.ts: max, then a left-to-right sum of exponentials (same rounding)."""
    values = [float(x) for x in logits]
    peak = max(values)
    total = 0.0
    for x in values:
        total += math.exp(x - peak)
    log = math.log(total) + peak
    return np.asarray([x - log for x in values], dtype=np.float64)


def _median(values: list[float]) -> float:
    s = sorted(values)
    m = len(s) >> 1
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def assign_levels(candidates: Sequence[LevelCandidate], level_names: Sequence[str] = C.LEVEL_NAMES, optional_levels: Sequence[str] = TRANSITIONAL_LEVELS,
                  gap_penalty: float = GAP_PENALTY, unlabelled_penalty: float = UNLABELLED_PENALTY) -> list[int | None]:
    """Level indices (into `level_names`) per candidate, candidates superior → inferior; None
    where a detection gets no level (no level head, or no consistent level fits it)."""
    n, L = len(candidates), len(level_names)
    if n == 0:
        return []
    if L == 0 or any(len(c.logits) != L for c in candidates):
        return [None] * n
    optional = set(optional_levels)
    optional_before = np.zeros(L + 1, dtype=np.int64)  # optional levels with index < l
    for l in range(L):
        optional_before[l + 1] = optional_before[l] + (1 if level_names[l] in optional else 0)
    lv = np.arange(L)
    # steps[lp, l] = l − lp − (optional levels strictly between them); used only where lp < l.
    steps = (lv[None, :] - lv[:, None] - (optional_before[lv][None, :] - optional_before[lv + 1][:, None])).astype(np.float64)
    below = lv[:, None] < lv[None, :]  # [lp, l]: lp may precede l
    pitch = [LEVEL_PITCH_MM.get(name, DEFAULT_PITCH_MM) for name in level_names]
    # typical[lp, l]: mm from level lp down to level l, skipping the optional levels between
    running = [0.0]  # running[l]: the pitches of the non-optional levels before l, summed left to right
    for l in range(L):
        running.append(running[-1] + (0.0 if level_names[l] in optional else pitch[l]))
    typical = np.asarray([[pitch[a] + (running[b] - running[a + 1]) for b in range(L)] for a in range(L)], dtype=np.float64)
    positions = [float(c.position_mm) for c in candidates]
    ratios = [abs(positions[j + 1] - positions[j]) / pitch[int(np.argmax(candidates[j].logits))]
              for j in range(n - 1) if abs(positions[j + 1] - positions[j]) > 1e-3]
    scale = _median(ratios) if ratios else 1.0
    logp = [log_softmax(c.logits) for c in candidates]

    value = np.full((n, L), -np.inf)
    came_from = np.full((n, L), -1, dtype=np.int64)  # k·L + l' of the previous labelled one
    for i in range(n):
        start = -unlabelled_penalty * i  # every earlier detection unlabelled
        if i == 0:
            value[0] = start + logp[0]
            continue
        distance = np.asarray([positions[i] - positions[k] for k in range(i)], dtype=np.float64)
        # expected[k, lp, l] = max(1, round(distance · steps / (scale · typical))), as levels.ts
        with np.errstate(invalid="ignore", divide="ignore"):  # lp ≥ l: no step, masked below
            expected = np.maximum(1.0, np.floor((distance[:, None, None] * steps[None, :, :]) / (scale * typical)[None, :, :] + 0.5))
        skipped = unlabelled_penalty * (i - np.arange(i) - 1.0)
        # score[k, lp, l], in the TS order of operations: value − skipped − gap·|steps − e|.
        score = value[:i, :, None] - skipped[:, None, None] - gap_penalty * np.abs(steps[None, :, :] - expected)
        score = np.where(below[None, :, :], score, -np.inf)
        flat = score.transpose(2, 0, 1).reshape(L, i * L)  # [l][k·L + lp], k-major as the TS loops
        arg = np.argmax(flat, axis=1)
        best = flat[lv, arg]
        take = best > start
        value[i] = np.where(take, best, start) + logp[i]
        came_from[i] = np.where(take, arg, -1)
    # The end: the last labelled detection, every later one unlabelled (first maximum wins).
    best_total, end = -unlabelled_penalty * n, -1
    for i in range(n):
        for l in range(L):
            v = value[i, l] - unlabelled_penalty * (n - 1 - i)
            if v > best_total:
                best_total, end = v, i * L + l
    levels: list[int | None] = [None] * n
    at = end
    while at >= 0:
        i, l = divmod(int(at), L)
        levels[i] = l
        at = int(came_from[i, l])
    return levels


def detection_levels(detections: Sequence, step_mm: float, level_names: Sequence[str] = C.LEVEL_NAMES) -> list[int | None]:
    """assign_levels for decoded detections (decode.Detection, superior → inferior) as the
    runtime does it (detect.ts `vertebraeFromDetections`): position = centroid row × step."""
    # A left-to-right sum from 0, as the TypeScript reduce.
    return assign_levels([LevelCandidate(d.level_logits, sum(float(y) for y in d.points_px[:, 1]) / 6 * step_mm) for d in detections], level_names)
