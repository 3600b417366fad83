"""The second look's geometry (models/body_centre_line.py), on bodies whose answers are known by hand."""
from __future__ import annotations

import numpy as np
import pytest

from models.body_centre_line import body_centre, body_centre_line, centres_on_line


def six_points(anterior: float, middle: float, posterior: float, depth: float = 30.0, z: float = 0.0) -> np.ndarray:
    """AS, AI, MS, MI, PS, PI of a body in the plane x = 0, y from anterior (0) to posterior, z up."""
    return np.array([[0, 0, z + anterior / 2], [0, 0, z - anterior / 2], [0, depth / 2, z + middle / 2], [0, depth / 2, z - middle / 2],
                     [0, depth, z + posterior / 2], [0, depth, z - posterior / 2]], dtype=float)


def test_a_box_s_centre_is_its_middle_and_a_wedge_s_lies_nearer_its_tall_back() -> None:
    assert body_centre(six_points(20, 20, 20)) == pytest.approx([0, 15, 0])
    # A trapezoid 10 mm tall in front, 20 mm behind, 30 mm deep: its area centroid lies
    # depth · (a + 2b) / (3 (a + b)) = 30 · 50 / 90 = 16.67 mm from the front.
    assert body_centre(six_points(10, 15, 20)) == pytest.approx([0, 50 / 3, 0])


def test_a_biconcave_body_keeps_its_centre_and_a_degenerate_outline_gives_the_mean() -> None:
    assert body_centre(six_points(20, 12, 20)) == pytest.approx([0, 15, 0])
    flat = six_points(0, 0, 0)
    assert body_centre(flat) == pytest.approx(flat.mean(axis=0))


def test_bodies_off_the_first_line_and_the_end_bodies_do_not_steer_the_line() -> None:
    columns = [60.0, 66.0, 64.0, 90.0, 63.0]  # the fourth lies 26 mm behind the line (centre column 64)
    px = [np.column_stack([np.full(6, c), np.full(6, 20.0 + 28 * k)]) for k, c in enumerate(columns)]
    mm = [six_points(20, 20, 20, z=-28.0 * k) for k in range(5)]
    all_near = centres_on_line(px, mm, 64, 1.0, max_offset_mm=10.0, inner_only=False)
    assert all_near[:, 2] == pytest.approx([0, -28, -56, -112])
    assert centres_on_line(px, mm, 64, 1.0, max_offset_mm=10.0, inner_only=True)[:, 2] == pytest.approx([-28, -56])


def test_the_line_runs_through_the_centres_and_returns_to_the_first_line_beyond_them() -> None:
    first = np.column_stack([np.zeros(41), np.full(41, 40.0), np.linspace(100, -100, 41)])  # straight, 5 mm steps
    centres = np.array([[0, 43, 50], [0, 38, 20], [0, 44, -10], [0, 42, -50]], dtype=float)
    line = body_centre_line(first, centres, blend_mm=30.0)
    assert line[:, 2] == pytest.approx(sorted(line[:, 2], reverse=True))  # superior first
    for c in centres:
        assert any(np.allclose(p, c) for p in line)
    above = line[line[:, 2] > 50]
    # 3 mm off at the top centre, fading over 30 mm: 2 mm at 10 mm above it, none from 30 mm up.
    assert above[above[:, 2] == 60][0, 1] == pytest.approx(42.0)
    assert np.allclose(above[above[:, 2] >= 80][:, 1], 40.0)
    below = line[line[:, 2] < -50]
    assert below[below[:, 2] == -65][0, 1] == pytest.approx(41.0)
    with pytest.raises(ValueError, match="two"):
        body_centre_line(first, centres[:1], blend_mm=30.0)


def test_the_second_look_stands_only_when_it_finds_the_same_bodies() -> None:
    from models.body_centre_line import same_bodies

    bodies = [six_points(20, 20, 20, z=z) for z in (0.0, -28.0, -56.0)]
    moved = [b + np.array([3.0, -4.0, 5.0]) for b in bodies]  # 7.1 mm away
    assert same_bodies(bodies, moved, within_mm=10.0)
    assert not same_bodies(bodies, moved, within_mm=5.0)
    assert not same_bodies(bodies, moved[:2], within_mm=10.0)
    assert not same_bodies(bodies, moved + [six_points(20, 20, 20, z=-84.0)], within_mm=10.0)
