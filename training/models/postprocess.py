"""Localizer outputs → limits and centreline in patient mm (numpy only; the runtime twin
follows it): presence ≥ PRESENCE_THRESHOLD, the convex hull of the positive slices gives the
limits; between them the centres of sure slices (presence ≥ CENTRELINE_ANCHOR_PRESENCE) are kept
and the others interpolated, then smoothed along z and mapped through the grid to patient mm."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import correlate1d

from . import conventions as C
from .preprocess import LocalizerGrid, gaussian_kernel


@dataclass
class SpineCurve:
    centreline_mm: np.ndarray  # (N, 3) patient mm, superior → inferior, one point per slice
    limits_mm: tuple[float, float]  # (z superior, z inferior) patient mm
    slices: tuple[int, int]  # first and last positive grid slice (inclusive)


def positive_range(presence: np.ndarray, threshold: float = C.PRESENCE_THRESHOLD, real_slices: int | None = None) -> tuple[int, int] | None:
    """First and last slice with presence ≥ threshold (the convex hull: gaps inside count as
    spine). Padded slices beyond `real_slices` are never spine."""
    p = np.asarray(presence, dtype=float).reshape(-1)[: real_slices]
    positive = np.nonzero(p >= threshold)[0]
    return None if len(positive) == 0 else (int(positive[0]), int(positive[-1]))


def smooth_along_z(values: np.ndarray, sigma: float = C.CENTRELINE_SMOOTHING_SIGMA_SLICES) -> np.ndarray:
    """Gaussian of `sigma` slices (radius ceil(3σ), end values repeated) along axis 0."""
    if sigma <= 0 or len(values) < 2:
        return np.asarray(values, dtype=float)
    return correlate1d(np.asarray(values, dtype=float), gaussian_kernel(sigma), axis=0, mode="nearest")


def anchored_centres(center: np.ndarray, presence: np.ndarray, anchor: float = C.CENTRELINE_ANCHOR_PRESENCE) -> np.ndarray:
    """(N, 2) centres with those between two anchor slices (presence ≥ anchor) that are not
    anchors themselves replaced by linear interpolation between the nearest anchors; slices
    before the first or after the last anchor keep their own. Fewer than two anchors: unchanged."""
    c = np.asarray(center, dtype=float).reshape(-1, 2).copy()
    anchors = np.nonzero(np.asarray(presence, dtype=float).reshape(-1) >= anchor)[0]
    if len(anchors) < 2:
        return c
    between = np.arange(anchors[0], anchors[-1] + 1)
    for axis in (0, 1):
        c[between, axis] = np.interp(between, anchors, c[anchors, axis])
    return c


def spine_curve(center: np.ndarray, presence: np.ndarray, grid: LocalizerGrid, threshold: float = C.PRESENCE_THRESHOLD,
                anchor: float = C.CENTRELINE_ANCHOR_PRESENCE) -> SpineCurve | None:
    """center (Z, 2) or (1, Z, 2) grid voxels (x, y); presence (Z,) or (1, Z). None: no spine."""
    span = positive_range(presence, threshold, grid.shape_zyx[0])
    if span is None:
        return None
    first, last = span
    p = np.asarray(presence, dtype=float).reshape(-1)
    xy = smooth_along_z(anchored_centres(np.asarray(center, dtype=float).reshape(-1, 2)[first : last + 1], p[first : last + 1], anchor))
    z = np.arange(first, last + 1, dtype=float)[:, None]
    points = grid.index_to_patient(np.concatenate([xy, z], axis=1))
    if points[0, 2] < points[-1, 2]:
        points = points[::-1]
    return SpineCurve(points, (float(points[0, 2]), float(points[-1, 2])), span)
