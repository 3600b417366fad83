"""What the models need from straightening beyond training/contract/straighten.py: the inverse
map patient mm → straightened pixel (a line-for-line twin of `patientToPixel` in
src/core/geometry/straighten.ts) and the straightened image of a study at the card's numbers."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from contract.straighten import Straightening, build_straightening, mid_sagittal_image, pixel_to_patient_mm, smooth_centreline

from . import conventions as C


def _normalize(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / (n if n > 0 else 1.0)


def patient_to_pixel(s: Straightening, p: Sequence[float]) -> tuple[float, float, float]:
    """(column, row, lateral mm) of a patient point: the row where the point crosses the
    curve's normal planes (bracketed next to the nearest curve point, then linear), the column
    from its offset along v, and how far it lies off the mid-sagittal surface along u. Before
    the first normal plane or beyond the last one the row goes below 0 or above the last row,
    the inverse of pixel_to_patient_mm's straight continuation there."""
    p = np.asarray(p, dtype=float)
    curve = s.curve_mm
    last = len(curve) - 1
    best = int(np.argmin(np.linalg.norm(curve - p, axis=1)))  # first minimum, as the TS loop

    def along(i: int) -> float:
        return float(np.dot(p - curve[i], s.t[i]))

    def beyond(end: int, along_mm: float) -> tuple[float, float, float]:
        # u and v are orthogonal to t: the offset along t is the row, the rest column and lateral.
        offset = p - curve[end]
        return s.centre_column + float(np.dot(offset, s.v[end])) / s.step_mm, end + along_mm / s.step_mm, float(np.dot(offset, s.u[end]))

    if last == 0:
        return beyond(0, along(0))
    i0 = best if along(best) >= 0 else max(best - 1, 0)
    i0 = min(i0, last - 1)
    a0, a1 = along(i0), along(i0 + 1)
    if i0 == 0 and a0 < 0:
        return beyond(0, a0)
    if i0 == last - 1 and a1 > 0:
        return beyond(last, a1)
    f = 0.0 if a0 == a1 else min(max(a0 / (a0 - a1), 0.0), 1.0)
    centre = curve[i0] + (curve[i0 + 1] - curve[i0]) * f
    v = _normalize(s.v[i0] + (s.v[i0 + 1] - s.v[i0]) * f)
    u = _normalize(s.u[i0] + (s.u[i0 + 1] - s.u[i0]) * f)
    offset = p - centre
    return s.centre_column + float(np.dot(offset, v)) / s.step_mm, i0 + f, float(np.dot(offset, u))


def points_to_pixels(s: Straightening, points_mm: np.ndarray) -> np.ndarray:
    """(N, 3) patient mm → (N, 2) (column, row) pixels."""
    return np.asarray([patient_to_pixel(s, p)[:2] for p in np.asarray(points_mm, dtype=float)])


def pixels_to_points(s: Straightening, pixels: np.ndarray) -> np.ndarray:
    """(N, 2) (column, row) pixels → (N, 3) patient mm through the contract's map."""
    return np.asarray([pixel_to_patient_mm(s, float(c), float(r)) for c, r in np.asarray(pixels, dtype=float)])


def superior_first(centreline_mm: np.ndarray) -> np.ndarray:
    """The centreline ordered superior → inferior (rows of the image run that way)."""
    c = np.asarray(centreline_mm, dtype=float)
    return c[::-1] if c[0, 2] < c[-1, 2] else c


def straightening_for(centreline_mm: np.ndarray, sigma_mm: float = C.STRAIGHTEN_SMOOTHING_SIGMA_MM) -> Straightening:
    """The straightening of a centreline at the card's step, smoothing and width (no image)."""
    curve = superior_first(centreline_mm)
    if sigma_mm > 0:  # otherwise exactly as before smoothing existed
        curve = smooth_centreline(curve, sigma_mm, C.STRAIGHTEN_STEP_MM)
    return build_straightening(curve, step_mm=C.STRAIGHTEN_STEP_MM, half_width_mm=C.STRAIGHTEN_HALF_WIDTH_MM)


def training_view_line(centreline_mm: np.ndarray) -> np.ndarray:
    """The line a training view is straightened along: the (jittered) true centreline smoothed
    by conventions.TRAINING_VIEW_SMOOTHING_SIGMA_MM, as the localizer's line is smooth (the true
    one bends at each body centre and would unbend a fractured body in the image)."""
    line = np.asarray(centreline_mm, dtype=float)
    if C.TRAINING_VIEW_SMOOTHING_SIGMA_MM <= 0:
        return line
    return smooth_centreline(line, C.TRAINING_VIEW_SMOOTHING_SIGMA_MM, C.STRAIGHTEN_STEP_MM)


def training_view_description() -> str:
    """What training_view_line follows, in words (for cards and metrics)."""
    sigma = C.TRAINING_VIEW_SMOOTHING_SIGMA_MM
    return f"the true centreline smoothed by {sigma:g} mm" if sigma > 0 else "the true centreline"


def straighten_study(hu: np.ndarray, geometry: Mapping[str, Any], centreline_mm: np.ndarray) -> tuple[np.ndarray, Straightening]:
    """The mid-sagittal image (rows superior → inferior, columns anterior → posterior, HU) at
    the card's step and width, and its straightening for the pixel ↔ patient maps."""
    s = straightening_for(centreline_mm)
    return mid_sagittal_image(hu, geometry, s, outside=C.STRAIGHTEN_OUTSIDE_HU), s


def crop_to_straightening(hu: np.ndarray, geometry: Mapping[str, Any], s: Straightening) -> tuple[np.ndarray, dict[str, Any]]:
    """The smallest box of the volume that holds every voxel the mid-sagittal image of `s`
    interpolates from, and its geometry (origin moved to the box's first voxel).

    contract.straighten.sample_trilinear converts the whole volume to float64 before it
    samples; on a 512 × 512 × 500 CT that costs seconds per image, while the image needs a slab
    of a few percent of it. Sampling the box gives the same values (the interpolation reads
    only voxels inside it, and a point inside the box is inside the volume), up to the
    rounding of the moved origin (~1e-12 voxel)."""
    d = geometry["direction"]
    axes = np.asarray([d["column"], d["row"], d["slice"]], dtype=float)
    spacing = np.asarray(geometry["spacingMm"], dtype=float)
    dims = np.asarray(geometry["dimensions"], dtype=int)  # columns, rows, slices
    offsets = (np.arange(s.columns) - s.centre_column) * s.step_mm
    points = (s.curve_mm[:, None, :] + s.v[:, None, :] * offsets[None, :, None]).reshape(-1, 3)
    q = (points - np.asarray(geometry["originMm"], dtype=float)) @ axes.T / spacing
    inside = np.all((q >= 0) & (q <= dims - 1), axis=1)
    if not inside.any():
        lo, hi = np.zeros(3, int), np.minimum(dims - 1, 1)
    else:
        base = np.clip(np.floor(q[inside]), 0, np.maximum(dims - 2, 0)).astype(int)
        lo, hi = base.min(axis=0), np.minimum(base.max(axis=0) + 1, dims - 1)
    box = hu[lo[2] : hi[2] + 1, lo[1] : hi[1] + 1, lo[0] : hi[0] + 1]
    cropped = dict(geometry)
    cropped["originMm"] = (np.asarray(geometry["originMm"], dtype=float) + (lo * spacing) @ axes).tolist()
    cropped["dimensions"] = (hi - lo + 1).tolist()
    return box, cropped


def straighten_study_fast(hu: np.ndarray, geometry: Mapping[str, Any], centreline_mm: np.ndarray) -> tuple[np.ndarray, Straightening]:
    """straighten_study through crop_to_straightening: the same image, without converting the
    whole volume."""
    s = straightening_for(centreline_mm)
    box, cropped = crop_to_straightening(hu, geometry, s)
    return mid_sagittal_image(box, cropped, s, outside=C.STRAIGHTEN_OUTSIDE_HU), s


def map_points(s: Straightening, points_mm: np.ndarray, tolerance_mm: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(N, 2) pixels and (N,) flags of points that really lie within the straightened range.

    Rows are clamped to the curve here (the detector's targets live inside the image), so a
    point beyond either end lands on the first or last row; such a point does not come back (up
    to its lateral offset) through pixel_to_patient_mm and is flagged False."""
    last = len(s.curve_mm) - 1
    pixels, valid = [], []
    for p in np.asarray(points_mm, dtype=float):
        column, row, lateral = patient_to_pixel(s, p)
        row = min(max(row, 0.0), float(last))
        back = pixel_to_patient_mm(s, column, row)
        r0 = min(int(np.floor(row)), last)
        miss = p - back
        miss -= np.dot(miss, s.u[r0]) * s.u[r0]
        pixels.append((column, row))
        valid.append(bool(np.linalg.norm(miss) <= tolerance_mm + 0.05 * abs(lateral)))
    return np.asarray(pixels), np.asarray(valid)
