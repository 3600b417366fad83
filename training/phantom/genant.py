"""Genant quantification of six points, exactly as ../shared/DESIGN.md defines it.

The phantom's ground truth, the priors library and the tests all grade through these two
functions so that a shape can never be called one grade in one place and another elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POINT_NAMES = ("AS", "AI", "MS", "MI", "PS", "PI")
TYPES = ("wedge", "biconcave", "crush")
GRADE_NAMES = {0: "normal", 1: "mild", 2: "moderate", 3: "severe"}
# Lower bounds of height loss per grade; a boundary value belongs to the higher grade.
GRADE_LOSS_BOUNDS = {1: 0.20, 2: 0.25, 3: 0.40}


@dataclass(frozen=True)
class Genant:
    heights_mm: tuple[float, float, float]  # anterior, middle, posterior
    ratio: float  # min / max
    grade: int
    type: str


def heights_mm(points: np.ndarray) -> tuple[float, float, float]:
    """h_a, h_m, h_p = |AS-AI|, |MS-MI|, |PS-PI| for points ordered AS, AI, MS, MI, PS, PI."""
    p = np.asarray(points, dtype=float)
    return tuple(float(np.linalg.norm(p[2 * k] - p[2 * k + 1])) for k in range(3))  # type: ignore[return-value]


def grade_from_ratio(ratio: float) -> int:
    """0-3 from G = min/max. Loss is rounded to 1e-9 so that 0.75 exactly counts as 25 %."""
    loss = round(1.0 - ratio, 9)
    grade = 0
    for g, bound in GRADE_LOSS_BOUNDS.items():
        if loss >= bound:
            grade = g
    return grade


def quantify(points: np.ndarray) -> Genant:
    h = heights_mm(points)
    ratio = min(h) / max(h) if max(h) > 0 else 0.0
    return Genant(heights_mm=h, ratio=float(ratio), grade=grade_from_ratio(ratio), type=TYPES[int(np.argmin(h))])
