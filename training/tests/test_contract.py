"""The Python contract twins: hand-checked values, and the committed golden file still matches."""
from __future__ import annotations

import json

import numpy as np
import pytest

from contract.butterfly import butterfly_iou
from contract.genant import grade_from_ratio
from contract.golden import GOLDEN_PATH, build
from contract.straighten import build_straightening, pixel_to_patient_mm, smooth_centreline
from models.straightening import points_to_pixels


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


def test_smoothing_leaves_a_straight_centreline_and_its_ends_in_place() -> None:
    line = np.array([[3.0, -2.0, 60.0], [5.0, 4.0, -40.0]])
    smoothed = smooth_centreline(line, 12.0)
    assert smoothed[0] == pytest.approx(line[0])
    exact = line[0] + (line[1] - line[0]) / np.linalg.norm(line[1] - line[0]) * np.arange(len(smoothed))[:, None]
    assert np.abs(smoothed - exact).max() < 1e-9


def test_a_kinked_centreline_is_smoothed_so_a_crushed_body_keeps_its_shape_in_the_image() -> None:
    """A body 10 mm tall at the back and 20 mm at the front (G 0.5), its centre where the
    centreline through the neighbours' centres bends by 20°: straightened with the kink, the body
    is unbent and reads far milder in pixels; smoothed, its pixel heights are near its mm ones."""
    bend = np.deg2rad(20.0)
    below = np.array([0.0, np.sin(bend), -np.cos(bend)])  # the lower segment leans back, as the short back lets it
    centreline = np.array([[0.0, 0.0, 40.0], [0.0, 0.0, 0.0], *(np.arange(1, 5)[:, None] * 10.0 * below)])
    heights = {"anterior": 20.0, "posterior": 10.0}
    body = np.array([[0, y, z] for y, h in ((-15.0, heights["anterior"]), (0.0, 15.0), (15.0, heights["posterior"])) for z in (h / 2, -h / 2)])

    def pixel_ratio(sigma_mm: float) -> float:
        px = points_to_pixels(build_straightening(smooth_centreline(centreline, sigma_mm)), body)
        h = [np.linalg.norm(px[2 * k] - px[2 * k + 1]) for k in range(3)]
        return min(h) / max(h)

    assert pixel_ratio(0.0) > 0.6  # the kink unbends the crush
    assert abs(pixel_ratio(12.0) - 0.5) < abs(pixel_ratio(0.0) - 0.5) / 2


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
