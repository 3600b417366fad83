"""Training targets of both networks from a phantom's ground truth (numpy only)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import conventions as C
from .preprocess import LocalizerGrid


@dataclass
class LocalizerTargets:
    centre: np.ndarray  # (Z, 2) float32 (x, y) grid voxels; 0 where masked
    centre_mask: np.ndarray  # (Z,) float32 1 where the slice has a target centre
    presence: np.ndarray  # (Z,) float32 1 where the slice lies between the limits


def limit_slices(grid: LocalizerGrid, centreline_mm: np.ndarray, limits_mm: Sequence[float]) -> tuple[float, float]:
    """Grid z of the two limits: each limit's z put on the centreline end next to it (so a
    tilted grid still finds the slice that holds that end of the spine)."""
    c = np.asarray(centreline_mm, dtype=float)
    top = c[np.argmax(c[:, 2])].copy()
    bottom = c[np.argmin(c[:, 2])].copy()
    top[2], bottom[2] = max(limits_mm), min(limits_mm)
    z = grid.patient_to_index(np.stack([top, bottom]))[:, 2]
    return float(z.min()), float(z.max())


def localizer_targets(grid: LocalizerGrid, centreline_mm: np.ndarray, limits_mm: Sequence[float], slices: int) -> LocalizerTargets:
    """Per grid slice k: presence = k between the limits; centre = the ground-truth centreline
    (itself interpolated between vertebral body centres) linearly interpolated at z = k, in
    grid voxels. A slice whose centre falls outside the grid's Y × X has neither."""
    idx = grid.patient_to_index(np.asarray(centreline_mm, dtype=float))
    order = np.argsort(idx[:, 2])
    zc, xc, yc = idx[order, 2], idx[order, 0], idx[order, 1]
    k = np.arange(slices, dtype=float)
    low, high = limit_slices(grid, centreline_mm, limits_mm)
    presence = (k >= low - 1e-6) & (k <= high + 1e-6)
    has_centre = presence & (k >= zc[0] - 0.5) & (k <= zc[-1] + 0.5)  # half a slice of slack at the ends
    x, y = np.interp(k, zc, xc), np.interp(k, zc, yc)
    ny, nx = grid.shape_zyx[1], grid.shape_zyx[2]
    inside = (x >= 0) & (x <= nx - 1) & (y >= 0) & (y <= ny - 1)
    presence &= inside | ~has_centre
    has_centre &= inside
    centre = np.where(has_centre[:, None], np.stack([x, y], axis=1), 0.0)
    return LocalizerTargets(centre.astype(np.float32), has_centre.astype(np.float32), presence.astype(np.float32))


@dataclass
class VertebraInImage:
    points_px: np.ndarray  # (6, 2) (column, row) in the straightened image
    genant_ratio: float
    level_index: int  # index in LEVEL_NAMES, -100 when unknown
    complete: bool  # all six points inside the image: otherwise its cells are ignored


@dataclass
class DetectorTargets:
    objectness: np.ndarray  # (1, h, w) float32
    objectness_weight: np.ndarray  # (1, h, w) float32: 0 near partly visible vertebrae, else 1 (or 1 / max(G, floor) on positives)
    keypoints: np.ndarray  # (12, h, w) float32 pixels relative to the cell centre
    regression_weight: np.ndarray  # (1, h, w) float32: 1 / max(G, floor) on positives, else 0
    level: np.ndarray  # (h, w) int64, -100 off the positives


def cell_centres(h: int, w: int, stride: int = C.DETECTOR_STRIDE) -> tuple[np.ndarray, np.ndarray]:
    """(columns, rows) of the cell centres, each (h, w): j·r + (r-1)/2 and i·r + (r-1)/2."""
    half = (stride - 1) / 2
    rows, cols = np.meshgrid(np.arange(h) * stride + half, np.arange(w) * stride + half, indexing="ij")
    return cols, rows


def genant_weight(ratio: float) -> float:
    """Weight of a vertebra's regression loss from its Genant ratio G.

    The paper (section on the detector loss) reweights the MAE of the i-th vertebra by its
    Genant score G_i "to balance the network's performance across vertebrae with different
    fracture severities"; the equation itself is lost in our text copy. Balancing means the rare,
    fractured (low G) bodies must count more, so the weight is 1 / G, floored at
    MIN_GENANT_FOR_WEIGHT so that one crushed body cannot dominate a batch."""
    return 1.0 / max(float(ratio), C.MIN_GENANT_FOR_WEIGHT)


def detector_targets(image_shape: tuple[int, int], vertebrae: Sequence[VertebraInImage], stride: int = C.DETECTOR_STRIDE, radius: float = C.POSITIVE_RADIUS_MM / C.STRAIGHTEN_STEP_MM,
                     genant_weighted_objectness: bool = False) -> DetectorTargets:
    """A cell is positive when its centre lies closer than `radius` pixels to the vertebra's
    centroid (the mean of its six points in the image); it then regresses that vertebra's
    points. Cells within the radius of a partly visible vertebra are left out of every loss."""
    h, w = image_shape[0] // stride, image_shape[1] // stride
    cx, cy = cell_centres(h, w, stride)
    objectness = np.zeros((1, h, w), np.float32)
    weight = np.ones((1, h, w), np.float32)
    keypoints = np.zeros((12, h, w), np.float32)
    reg_weight = np.zeros((1, h, w), np.float32)
    level = np.full((h, w), -100, np.int64)
    best = np.full((h, w), np.inf)
    for v in vertebrae:
        centroid = np.asarray(v.points_px, dtype=float).mean(axis=0)
        d = np.hypot(cx - centroid[0], cy - centroid[1])
        near = d < radius
        if not v.complete:
            weight[0][near] = 0.0
            continue
        take = near & (d < best)  # a cell near two centroids serves the nearer one
        best[take] = d[take]
        objectness[0][take] = 1.0
        reg_weight[0][take] = genant_weight(v.genant_ratio)
        level[take] = v.level_index
        for k in range(6):
            keypoints[2 * k][take] = v.points_px[k][0] - cx[take]
            keypoints[2 * k + 1][take] = v.points_px[k][1] - cy[take]
    positive = objectness > 0
    # Optionally the positive cells weigh as their vertebra's regression does (1 / max(G, floor)):
    # the few cells of a rare severe fracture are otherwise a negligible share of an image's
    # objectness loss (training/README.md, detector-ft9).
    weight[positive] = reg_weight[positive] if genant_weighted_objectness else 1.0
    return DetectorTargets(objectness, weight, keypoints, reg_weight, level)


def level_index(name: str) -> int:
    return C.LEVEL_NAMES.index(name) if name in C.LEVEL_NAMES else -100
