"""The second look: a centreline through the detected bodies' centres (twin of
src/core/pipeline/bodyCentreLine.ts, checked by golden vectors).

The detector was trained on images straightened along the TRUE centreline, which runs straight
from one body's centroid to the next and so bends at every body, most at a wedged or crushed
one. The localizer's line is smooth and does not bend there, so a fractured body looks different
in the runtime's first image than in any training view, and the detector reads it as milder
than it is. Straightening once more along a line through the centres of the bodies it found
shows it the kind of image it was trained on. An addition to step 2 of ../shared/DESIGN.md
(read-only here), written down in the detector card's `straightening.secondLook` and
training/README.md ("Conventions").
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from contract.straighten import Straightening

from . import conventions as C

# The six points' outline, around the body: AS, MS, PS, PI, MI, AI.
OUTLINE = (0, 2, 4, 5, 3, 1)


def body_centre(points_mm: np.ndarray) -> np.ndarray:
    """The area centroid of the six-point outline, as the phantoms' centroid is the body's own
    (a wedge's lies nearer its tall back than the mean of its points). Triangles fan from the
    mean point and are signed along the outline's normal (Newell's), so a concave outline (a
    biconcave body) counts right. A degenerate outline gives the mean of the points."""
    p = np.asarray(points_mm, dtype=float)[list(OUTLINE)]
    o = p.mean(axis=0)
    q, q_next = p - o, np.roll(p, -1, axis=0) - o
    crosses = np.cross(q, q_next)
    normal = crosses.sum(axis=0)
    length = float(np.linalg.norm(normal))
    if length < 1e-9:
        return o
    areas = crosses @ (normal / length) / 2.0
    total = float(areas.sum())
    if abs(total) < 1e-9:
        return o
    centres = o + (q + q_next) / 3.0
    return (areas[:, None] * centres).sum(axis=0) / total


def centres_on_line(points_px: list[np.ndarray], points_mm: list[np.ndarray], centre_column: float, step_mm: float,
                    max_offset_mm: float = C.SECOND_LOOK_MAX_OFFSET_MM, inner_only: bool = C.SECOND_LOOK_INNER_ONLY) -> np.ndarray:
    """The centres (K, 3) the second line runs through, superior first: of the bodies whose
    points' mean column lies within max_offset_mm of the first line (a detection further
    forward or back is not a body on the spine's line, and would drag the line off it), without
    the top and bottom ones when inner_only (the end bodies keep the first line's course:
    beyond them the line has no next body to bend towards)."""
    kept = [(float(np.mean(px[:, 1])), body_centre(mm)) for px, mm in zip(points_px, points_mm)
            if abs(float(np.mean(px[:, 0])) - centre_column) * step_mm <= max_offset_mm]
    kept.sort(key=lambda rc: rc[0])  # image rows run superior → inferior
    centres = [c for _, c in kept]
    if inner_only:
        centres = centres[1:-1]
    return np.asarray(centres, dtype=float).reshape(-1, 3)


def body_centre_line(centreline_mm: np.ndarray, centres_mm: np.ndarray, blend_mm: float = C.SECOND_LOOK_BLEND_MM) -> np.ndarray:
    """Superior first: straight from centre to centre between the top and bottom centres; beyond
    them the first line, moved by where it missed that end's centre, the move fading linearly to
    nothing over blend_mm along z (about one vertebra), so that the line neither jumps at the end
    centre nor leaves the first line's course further out. Needs two centres; the input line may
    run either way."""
    line = np.asarray(centreline_mm, dtype=float)
    line = line[np.argsort(-line[:, 2], kind="stable")]
    centres = np.asarray(centres_mm, dtype=float)
    centres = centres[np.argsort(-centres[:, 2], kind="stable")]
    if len(centres) < 2:
        raise ValueError("a line through the bodies needs two of them")
    top, bottom = centres[0], centres[-1]
    z_up, x_up, y_up = line[::-1, 2], line[::-1, 0], line[::-1, 1]  # z increasing, for np.interp

    def moved(part: np.ndarray, end: np.ndarray) -> np.ndarray:
        miss = end[:2] - np.array([np.interp(end[2], z_up, x_up), np.interp(end[2], z_up, y_up)])
        fade = np.clip(1.0 - np.abs(part[:, 2] - end[2]) / blend_mm, 0.0, 1.0) if blend_mm > 0 else np.ones(len(part))
        out = part.copy()
        out[:, :2] += fade[:, None] * miss
        return out

    return np.concatenate([moved(line[line[:, 2] > top[2]], top), centres, moved(line[line[:, 2] < bottom[2]], bottom)])


def second_look_line(centreline_mm: np.ndarray, s: Straightening, points_px: Sequence[np.ndarray], points_mm: Sequence[np.ndarray]) -> np.ndarray | None:
    """The line of the second look after a first detection along `centreline_mm` (straightening
    `s`), or None when fewer than two bodies steer it (the first look stands)."""
    centres = centres_on_line(list(points_px), list(points_mm), s.centre_column, s.step_mm)
    return body_centre_line(centreline_mm, centres) if len(centres) >= 2 else None


def same_bodies(first_mm: Sequence[np.ndarray], second_mm: Sequence[np.ndarray], within_mm: float = C.SECOND_LOOK_SAME_BODY_MM) -> bool:
    """Whether the second look found the bodies the first did: as many, and each of the first's
    with one of the second's six-point means within `within_mm` of its own. Otherwise the first
    look stands: the second is a closer reading of the same bodies, never a different set (it
    lost a vertebra plana the first had found, a severe fracture)."""
    if len(first_mm) != len(second_mm):
        return False
    first_means = [np.mean(m, axis=0) for m in first_mm]
    second_means = [np.mean(m, axis=0) for m in second_mm]
    return all(any(float(np.linalg.norm(f - m)) <= within_mm for m in second_means) for f in first_means)
