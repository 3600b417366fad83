"""Signed distances (mm, negative inside) of simple solids, and coverage from distance.

Every solid is described by a signed distance so that edges are anti-aliased analytically:
a voxel of size h whose centre is d mm outside a flat surface is about clip(0.5 - d/h) covered.
That is the partial-volume effect a scanner shows, without rendering at a finer grid.
"""
from __future__ import annotations

import numpy as np


def coverage(sdf_mm: np.ndarray, voxel_mm: float) -> np.ndarray:
    """Fraction of a voxel inside the solid, from the signed distance at its centre."""
    out = np.multiply(sdf_mm, np.float32(-1.0 / voxel_mm), dtype=np.float32)
    if out.ndim == 0:
        return np.float32(min(max(float(out) + 0.5, 0.0), 1.0))
    out += np.float32(0.5)
    np.clip(out, np.float32(0.0), np.float32(1.0), out=out)
    return out


def ellipsoid(u: np.ndarray, v: np.ndarray, w: np.ndarray, radii_mm: tuple[float, float, float]) -> np.ndarray:
    """Approximate signed distance to an axis-aligned ellipsoid centred at the origin.

    (|p/r| - 1) * min(r) is exact for spheres and errs on the safe side elsewhere.
    """
    a, b, c = (np.float32(r) for r in radii_mm)
    k = np.sqrt((u / a) ** 2 + (v / b) ** 2 + (w / c) ** 2)
    return (k - 1.0) * np.float32(min(radii_mm))


def ellipse_2d(u: np.ndarray, v: np.ndarray, a_mm: "float | np.ndarray", b_mm: "float | np.ndarray") -> np.ndarray:
    """Approximate signed distance to an ellipse (per-slice radii may be arrays)."""
    k = np.sqrt((u / a_mm) ** 2 + (v / b_mm) ** 2)
    return (k - 1.0) * np.minimum(a_mm, b_mm)


def rounded_box(u: np.ndarray, v: np.ndarray, w: np.ndarray, half_mm: tuple[float, float, float],
                radius_mm: float = 0.0) -> np.ndarray:
    """Exact signed distance to a box of half-sizes `half_mm` with edges rounded by radius_mm."""
    r = np.float32(radius_mm)
    qu = np.abs(u) - (np.float32(half_mm[0]) - r)
    qv = np.abs(v) - (np.float32(half_mm[1]) - r)
    qw = np.abs(w) - (np.float32(half_mm[2]) - r)
    outside = np.sqrt(np.maximum(qu, 0) ** 2 + np.maximum(qv, 0) ** 2 + np.maximum(qw, 0) ** 2)
    inside = np.minimum(np.maximum(qu, np.maximum(qv, qw)), 0)
    return outside + inside - r


def segment_distance(x: np.ndarray, y: np.ndarray, z: np.ndarray, a: np.ndarray, b: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Distance from points to the segment a-b, and the position t in [0, 1] along it."""
    ab = (np.asarray(b, float) - np.asarray(a, float)).astype(np.float32)
    px, py, pz = x - np.float32(a[0]), y - np.float32(a[1]), z - np.float32(a[2])
    denom = np.float32(max(float(ab @ ab), 1e-9))
    t = np.clip((px * ab[0] + py * ab[1] + pz * ab[2]) / denom, 0.0, 1.0)
    dx, dy, dz = px - t * ab[0], py - t * ab[1], pz - t * ab[2]
    return np.sqrt(dx * dx + dy * dy + dz * dz), t


def capsule(x: np.ndarray, y: np.ndarray, z: np.ndarray, a: np.ndarray, b: np.ndarray,
            radius_a_mm: float, radius_b_mm: float | None = None) -> np.ndarray:
    """Signed distance to a (tapered) capsule from a to b with radii r_a -> r_b."""
    d, t = segment_distance(x, y, z, a, b)
    rb = radius_a_mm if radius_b_mm is None else radius_b_mm
    return d - (np.float32(radius_a_mm) + t * np.float32(rb - radius_a_mm))


def smooth_union(d1: np.ndarray, d2: np.ndarray, k_mm: float) -> np.ndarray:
    """Union with a fillet of size k (bone processes grow out of each other, no sharp creases)."""
    if k_mm <= 0:
        return np.minimum(d1, d2)
    k = np.float32(k_mm)
    h = np.clip(0.5 + 0.5 * (d2 - d1) / k, 0.0, 1.0)
    return d2 * (1 - h) + d1 * h - k * h * (1 - h)


def frame_coords(u: np.ndarray, v: np.ndarray, w: np.ndarray, centre, axes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates of points in a frame at `centre` with orthonormal rows `axes` (3x3)."""
    a = np.asarray(axes, dtype=np.float32)
    du, dv, dw = u - np.float32(centre[0]), v - np.float32(centre[1]), w - np.float32(centre[2])
    return tuple(du * a[k, 0] + dv * a[k, 1] + dw * a[k, 2] for k in range(3))  # type: ignore[return-value]


def oriented_box(u: np.ndarray, v: np.ndarray, w: np.ndarray, centre, axes, half_mm, radius_mm: float = 0.0) -> np.ndarray:
    """Rounded box of half-sizes `half_mm` along the rows of `axes`, centred at `centre`."""
    a, b, c = frame_coords(u, v, w, centre, axes)
    return rounded_box(a, b, c, half_mm, radius_mm)


def polygon_2d(p: np.ndarray, q: np.ndarray, corners) -> np.ndarray:
    """Exact signed distance to a convex polygon whose corners are listed counter-clockwise in
    the (p, q) plane (so an offset `polygon_2d(...) - r` has corners rounded by r)."""
    c = np.asarray(corners, float)
    inside = None
    outside = None
    for (p0, q0), (p1, q1) in zip(c, np.roll(c, -1, axis=0)):
        ep, eq = p1 - p0, q1 - q0
        n2 = ep * ep + eq * eq
        n = np.sqrt(n2)
        dp, dq = p - np.float32(p0), q - np.float32(q0)
        # outward normal of a counter-clockwise edge: (eq, -ep)
        di = dp * np.float32(eq / n) - dq * np.float32(ep / n)
        t = np.clip((dp * np.float32(ep) + dq * np.float32(eq)) / np.float32(n2), 0, 1)
        seg = np.sqrt((dp - t * np.float32(ep)) ** 2 + (dq - t * np.float32(eq)) ** 2)
        inside = di if inside is None else np.maximum(inside, di)
        outside = seg if outside is None else np.minimum(outside, seg)
    return np.where(inside > 0, outside, inside)


def basis(first, second_hint) -> np.ndarray:
    """Orthonormal rows (e1, e2, e3): e1 along `first`, e2 the part of `second_hint` orthogonal to it."""
    e1 = np.asarray(first, float)
    e1 = e1 / np.linalg.norm(e1)
    e2 = np.asarray(second_hint, float) - (np.asarray(second_hint, float) @ e1) * e1
    e2 = e2 / np.linalg.norm(e2)
    return np.stack([e1, e2, np.cross(e1, e2)])
