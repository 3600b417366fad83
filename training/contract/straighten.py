"""Straightening along the spine centreline (twin of src/core/geometry/straighten.ts).

Rows of the mid-sagittal image run along the curve (superior → inferior), columns along v
(anterior → posterior), both at `step_mm`; pixel (column, row) is C(row) + (column − centre)·v̂,
C continuing straight along the end tangent beyond the curve's ends.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Straightening:
    curve_mm: np.ndarray  # (rows, 3) patient mm, equal arc length
    t: np.ndarray  # (rows, 3) tangents
    u: np.ndarray  # (rows, 3) lateral axes
    v: np.ndarray  # (rows, 3) anteroposterior axes (u × t)
    step_mm: float
    columns: int
    centre_column: int


def resample_by_arc_length(points: np.ndarray, step_mm: float) -> np.ndarray:
    """Points at arc length 0, step, 2·step, … along the polyline (a shorter end is dropped)."""
    points = np.asarray(points, dtype=float)
    if len(points) < 2:
        raise ValueError("a centreline needs at least two points")
    out = [points[0]]
    segment, along, target = 0, 0.0, step_mm
    while segment < len(points) - 1:
        length = float(np.linalg.norm(points[segment + 1] - points[segment]))
        if along + length >= target and length > 0:
            f = (target - along) / length
            out.append(points[segment] + (points[segment + 1] - points[segment]) * f)
            target += step_mm
        else:
            along += length
            segment += 1
    return np.asarray(out)


def smooth_centreline(points: np.ndarray, sigma_mm: float, step_mm: float = 1.0) -> np.ndarray:
    """The centreline resampled at `step_mm` and smoothed by a Gaussian of `sigma_mm` along its
    arc (radius ceil(3σ) samples), each end reflected through itself (odd reflection), so that a
    straight end stays where it is. σ ≤ 0 only resamples.

    Why: a centreline through the vertebral body centres bends at each centre, most of all at a
    wedged or crushed body. Straightened with a kink inside it, a fractured body is unbent in
    the image (a severe crush drawn as a mild one); smoothed over about half a vertebra, the
    image shows each body's own shape."""
    curve = resample_by_arc_length(points, step_mm)
    sigma = sigma_mm / step_mm
    if sigma <= 0 or len(curve) < 2:
        return curve
    radius = max(int(np.ceil(3.0 * sigma)), 1)
    x = np.arange(-radius, radius + 1, dtype=float)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    kernel /= kernel.sum()
    last = len(curve) - 1
    index = np.arange(-radius, last + radius + 1)
    # odd reflection about an end e: p(e - k) = 2 p(e) - p(e + k); indices kept inside the curve
    before, after = index < 0, index > last
    mirrored = np.clip(np.where(before, -index, np.where(after, 2 * last - index, index)), 0, last)
    padded = curve[mirrored]
    padded[before] = 2 * curve[0] - padded[before]
    padded[after] = 2 * curve[last] - padded[after]
    return np.stack([np.convolve(padded[:, a], kernel[::-1], mode="valid") for a in range(3)], axis=1)


def _normalize(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / (n if n > 0 else 1.0)


def parallel_transport_frames(curve: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotation-minimising frames by projection, starting from the patient's +x (Left) axis."""
    last = len(curve) - 1
    ts, us, vs = [], [], []
    u = np.array([1.0, 0.0, 0.0])
    for i in range(len(curve)):
        t = _normalize(curve[min(i + 1, last)] - curve[max(i - 1, 0)])
        projected = u - t * np.dot(u, t)
        if np.linalg.norm(projected) > 1e-6:
            u = _normalize(projected)
        else:
            u = _normalize(np.array([0.0, 1.0, 0.0]) - t * t[1])
        ts.append(t)
        us.append(u)
        vs.append(np.cross(u, t))
    return np.asarray(ts), np.asarray(us), np.asarray(vs)


def build_straightening(centreline_mm: np.ndarray, step_mm: float = 1.0, half_width_mm: float = 64.0) -> Straightening:
    curve = resample_by_arc_length(np.asarray(centreline_mm, dtype=float), step_mm)
    t, u, v = parallel_transport_frames(curve)
    centre = int(round(half_width_mm / step_mm))
    return Straightening(curve, t, u, v, step_mm, 2 * centre, centre)


def pixel_to_patient_mm(s: Straightening, column: float, row: float) -> np.ndarray:
    """Rows between curve points interpolate; rows beyond either end continue straight along
    the end tangent with the end frame (a keypoint above row 0 lies above the first point)."""
    last = len(s.curve_mm) - 1
    lateral = (column - s.centre_column) * s.step_mm
    if row < 0 or row > last:
        end = 0 if row < 0 else last
        return s.curve_mm[end] + s.t[end] * ((row - end) * s.step_mm) + s.v[end] * lateral
    r0 = min(int(np.floor(row)), max(last - 1, 0))
    f = row - r0
    r1 = min(r0 + 1, last)
    centre = s.curve_mm[r0] + (s.curve_mm[r1] - s.curve_mm[r0]) * f
    v = _normalize(s.v[r0] + (s.v[r1] - s.v[r0]) * f)
    return centre + v * lateral


def sample_trilinear(hu: np.ndarray, geometry: dict, points_mm: np.ndarray, outside: float) -> np.ndarray:
    """Trilinear samples of a [slice][row][column] volume at patient points (N, 3)."""
    d = geometry["direction"]
    axes = np.asarray([d["column"], d["row"], d["slice"]], dtype=float)
    spacing = np.asarray(geometry["spacingMm"], dtype=float)
    q = (np.asarray(points_mm, dtype=float) - np.asarray(geometry["originMm"], dtype=float)) @ axes.T / spacing
    nc, nr, ns = geometry["dimensions"]
    x, y, z = q[:, 0], q[:, 1], q[:, 2]
    inside = (x >= 0) & (y >= 0) & (z >= 0) & (x <= nc - 1) & (y <= nr - 1) & (z <= ns - 1)
    x0 = np.clip(np.floor(x), 0, max(nc - 2, 0)).astype(int)
    y0 = np.clip(np.floor(y), 0, max(nr - 2, 0)).astype(int)
    z0 = np.clip(np.floor(z), 0, max(ns - 2, 0)).astype(int)
    fx, fy, fz = x - x0, y - y0, z - z0
    x1, y1, z1 = np.minimum(x0 + 1, nc - 1), np.minimum(y0 + 1, nr - 1), np.minimum(z0 + 1, ns - 1)
    v = hu.astype(float)
    c00 = v[z0, y0, x0] * (1 - fx) + v[z0, y0, x1] * fx
    c10 = v[z0, y1, x0] * (1 - fx) + v[z0, y1, x1] * fx
    c01 = v[z1, y0, x0] * (1 - fx) + v[z1, y0, x1] * fx
    c11 = v[z1, y1, x0] * (1 - fx) + v[z1, y1, x1] * fx
    out = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz
    return np.where(inside, out, outside)


def mid_sagittal_image(hu: np.ndarray, geometry: dict, s: Straightening, outside: float = -1024.0) -> np.ndarray:
    """(rows, columns) float image of the plane u = 0."""
    offsets = (np.arange(s.columns) - s.centre_column) * s.step_mm
    points = s.curve_mm[:, None, :] + s.v[:, None, :] * offsets[None, :, None]
    return sample_trilinear(hu, geometry, points.reshape(-1, 3), outside).reshape(len(s.curve_mm), s.columns)
