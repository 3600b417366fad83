"""Genant grading from the six points (twin of src/core/quantify/genant.ts)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

GRADE_LOSS_THRESHOLDS = (0.2, 0.25, 0.4)


def heights_from_points(points_mm: Sequence[Sequence[float]]) -> dict[str, float]:
    p = np.asarray(points_mm, dtype=float)
    return {
        "anterior": float(np.linalg.norm(p[0] - p[1])),
        "middle": float(np.linalg.norm(p[2] - p[3])),
        "posterior": float(np.linalg.norm(p[4] - p[5])),
    }


def genant_ratio(heights: dict[str, float]) -> float:
    values = (heights["anterior"], heights["middle"], heights["posterior"])
    return min(values) / max(values) if max(values) > 0 else 0.0


def grade_from_ratio(ratio: float) -> int:
    """A boundary value belongs to the higher grade (the 1e-9 absorbs binary rounding of 0.8)."""
    loss = 1.0 - ratio + 1e-9
    if loss >= GRADE_LOSS_THRESHOLDS[2]:
        return 3
    if loss >= GRADE_LOSS_THRESHOLDS[1]:
        return 2
    if loss >= GRADE_LOSS_THRESHOLDS[0]:
        return 1
    return 0


def fracture_type(heights: dict[str, float]) -> str:
    """The shortest height names the type; ties go anterior, then middle."""
    shortest = min(heights["anterior"], heights["middle"], heights["posterior"])
    if heights["anterior"] == shortest:
        return "wedge"
    if heights["middle"] == shortest:
        return "biconcave"
    return "crush"


def genant(points_mm: Sequence[Sequence[float]]) -> dict:
    heights = heights_from_points(points_mm)
    ratio = genant_ratio(heights)
    return {"heightsMm": heights, "genantRatio": ratio, "grade": grade_from_ratio(ratio), "type": fracture_type(heights)}
