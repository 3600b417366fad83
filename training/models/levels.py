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
`expected_steps` is the distance of the two detections in units of the median neighbour
distance, rounded half up, at least 1. Ties go to the first candidate in the TypeScript loop
order (earlier detection, then lower level), which np.argmax over a [k][l'] array reproduces.
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


def _round_half_up(x: float) -> int:
    """JavaScript's Math.round (Python's round() goes to even)."""
    return math.floor(x + 0.5)


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
    positions = [float(c.position_mm) for c in candidates]
    apart = [abs(b - a) for a, b in zip(positions, positions[1:]) if abs(b - a) > 1e-3]
    pitch = _median(apart) if apart else 1.0
    logp = [log_softmax(c.logits) for c in candidates]

    value = np.full((n, L), -np.inf)
    came_from = np.full((n, L), -1, dtype=np.int64)  # k·L + l' of the previous labelled one
    for i in range(n):
        start = -unlabelled_penalty * i  # every earlier detection unlabelled
        if i == 0:
            value[0] = start + logp[0]
            continue
        expected = np.asarray([max(1, _round_half_up((positions[i] - positions[k]) / pitch)) for k in range(i)], dtype=np.float64)
        skipped = unlabelled_penalty * (i - np.arange(i) - 1.0)
        # score[k, lp, l], in the TS order of operations: value − skipped − gap·|steps − e|.
        score = value[:i, :, None] - skipped[:, None, None] - gap_penalty * np.abs(steps[None, :, :] - expected[:, None, None])
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
