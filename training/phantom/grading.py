"""Genant quantification of six points for the phantom, on the project's contract twin.

The rules (heights, ratio, grade, type) live once, in `contract.genant` (the Python twin of
src/core/quantify/genant.ts, golden-tested against the TypeScript); this module only adds the
shapes the phantom code wants: a frozen `Genant` record, the point and type names.
The ground truth, the priors library and the tests all grade through `quantify`, so a shape can
never be called one grade in one place and another elsewhere.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:  # training/ on sys.path: pytest (conftest.py) and `python3 -m phantom...` from training/
    from contract.genant import fracture_type, genant_ratio, grade_from_ratio, heights_from_points
except ModuleNotFoundError:  # imported as training.phantom from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from contract.genant import fracture_type, genant_ratio, grade_from_ratio, heights_from_points

POINT_NAMES = ("AS", "AI", "MS", "MI", "PS", "PI")
TYPES = ("wedge", "biconcave", "crush")
GRADE_NAMES = {0: "normal", 1: "mild", 2: "moderate", 3: "severe"}

__all__ = ["POINT_NAMES", "TYPES", "GRADE_NAMES", "Genant", "heights_mm", "quantify", "grade_from_ratio"]


@dataclass(frozen=True)
class Genant:
    heights_mm: tuple[float, float, float]  # anterior, middle, posterior
    ratio: float  # min / max
    grade: int
    type: str


def heights_mm(points: np.ndarray) -> tuple[float, float, float]:
    """h_a, h_m, h_p = |AS-AI|, |MS-MI|, |PS-PI| for points ordered AS, AI, MS, MI, PS, PI."""
    h = heights_from_points(points)
    return (h["anterior"], h["middle"], h["posterior"])


def quantify(points: np.ndarray) -> Genant:
    h = heights_from_points(points)
    ratio = float(genant_ratio(h))
    return Genant(heights_mm=(h["anterior"], h["middle"], h["posterior"]), ratio=ratio,
                  grade=grade_from_ratio(ratio), type=fracture_type(h))
