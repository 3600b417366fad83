"""The Python contract twins: hand-checked values, and the committed golden file still matches."""
from __future__ import annotations

import json

import numpy as np
import pytest

from contract.butterfly import butterfly_iou
from contract.genant import grade_from_ratio
from contract.golden import GOLDEN_PATH, build
from contract.straighten import build_straightening, pixel_to_patient_mm


def box(x0: float, y0: float, w: float, h: float) -> list[tuple[float, float]]:
    xm = x0 + w / 2
    return [(x0, y0), (x0, y0 + h), (xm, y0), (xm, y0 + h), (x0 + w, y0), (x0 + w, y0 + h)]


def test_butterfly_iou_matches_hand_computed_areas() -> None:
    assert butterfly_iou(box(0, 0, 30, 25), box(0, 10, 30, 25)) == pytest.approx(3 / 7)
    biconcave = [(0, 0), (0, 20), (10, 6), (10, 14), (20, 0), (20, 20)]
    assert butterfly_iou(biconcave, box(0, 0, 20, 20)) == pytest.approx(280 / 400)


def test_grade_boundaries_belong_to_the_higher_grade() -> None:
    assert [grade_from_ratio(r) for r in (0.81, 0.8, 0.75, 0.6, 0.59)] == [0, 1, 2, 3, 3]


def test_straight_spine_maps_columns_to_posterior() -> None:
    s = build_straightening(np.array([[0, 0, 50.0], [0, 0, -50.0]]), half_width_mm=10)
    assert pixel_to_patient_mm(s, s.centre_column + 4, 3) == pytest.approx([0, 4, 47])


def test_rows_beyond_the_ends_continue_straight_along_the_end_tangent() -> None:
    s = build_straightening(np.array([[0, 0, 50.0], [0, 0, -50.0]]), half_width_mm=10)
    last = len(s.curve_mm) - 1
    assert pixel_to_patient_mm(s, s.centre_column + 4, -5) == pytest.approx([0, 4, 55])
    assert pixel_to_patient_mm(s, s.centre_column - 2, last + 3.5) == pytest.approx([0, -2, 50 - last - 3.5])


def test_committed_golden_vectors_match_this_code() -> None:
    committed = json.loads(GOLDEN_PATH.read_text())
    fresh = json.loads(json.dumps(build()))
    assert _close(fresh, committed)


def _close(a, b, tol: float = 1e-9) -> bool:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        assert len(a) == len(b)
        return all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        assert abs(a - b) <= tol, (a, b)
        return True
    assert a == b
    return True
