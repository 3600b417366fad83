"""Augmentations (numpy). The phantoms are clean and alike; real scans are not, so both nets see
every kind of variation the runtime may meet: scanner intensity offsets and gains, noise, soft
kernels, other voxel sizes (anatomical scale), cut fields of view, and an imperfect centreline."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import affine_transform, gaussian_filter


@dataclass(frozen=True)
class AugmentRanges:
    gain: tuple[float, float] = (0.85, 1.15)  # HU × gain + shift
    shift_hu: tuple[float, float] = (-80.0, 80.0)
    noise_hu: tuple[float, float] = (0.0, 50.0)  # Gaussian noise sigma
    blur_vox: tuple[float, float] = (0.0, 1.0)  # Gaussian blur sigma (grid voxels / pixels)
    spacing_scale: tuple[float, float] = (0.85, 1.15)  # localizer: per-axis grid spacing factor
    fov_probability: float = 0.3  # localizer: blank outside a random round field of view
    rotation_deg: float = 6.0  # detector: ± in-plane rotation
    scale: tuple[float, float] = (0.9, 1.1)  # detector: isotropic image scale
    centreline_jitter_mm: float = 3.0  # detector: smooth displacement amplitude of the centreline
    # Detector: the phantoms' bone is brighter and sharper than real scans' (models/bone_contrast.py:
    # the 75th percentile of the straightened image's pixels above 100 HU is 231 HU on the real
    # abdomen CT, 235-662 HU on held-out abdomen phantoms), and thick slices blur it along the
    # spine. Each is applied with this probability.
    bone_probability: float = 0.5
    bone_contrast: tuple[float, float] = (0.45, 1.0)  # HU above BONE_PIVOT_HU scaled by this
    slice_blur_px: tuple[float, float] = (0.5, 2.0)  # extra Gaussian sigma along the rows (the spine)


# Soft tissue and fat keep their values; only what is denser than this is compressed.
BONE_PIVOT_HU = 100.0


def intensity(hu: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    return hu * rng.uniform(*r.gain) + rng.uniform(*r.shift_hu)


def noise(image: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    sigma = rng.uniform(*r.noise_hu)
    return image + rng.normal(0.0, sigma, image.shape).astype(np.float32) if sigma > 0 else image


def blur(image: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    sigma = rng.uniform(*r.blur_vox)
    return gaussian_filter(image, sigma, mode="nearest") if sigma > 0.1 else image


def real_bone(image: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    """Detector: with r.bone_probability each, bone less dense (HU above BONE_PIVOT_HU scaled
    towards it) and thick slices (blur along the rows, the straightened spine's axis)."""
    out = image.astype(np.float32)
    if rng.uniform() < r.bone_probability:
        c = rng.uniform(*r.bone_contrast)
        out = np.where(out > BONE_PIVOT_HU, BONE_PIVOT_HU + (out - BONE_PIVOT_HU) * c, out).astype(np.float32)
    if rng.uniform() < r.bone_probability:
        out = gaussian_filter(out, (rng.uniform(*r.slice_blur_px), 0.0), mode="nearest")
    return out


def photometric(image: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    """Gain/offset, then blur, then noise (noise after blur, as in a reconstructed image)."""
    return noise(blur(intensity(image.astype(np.float32), rng, r), rng, r), rng, r).astype(np.float32)


def spacing_factors(rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    """Per-axis factors on the grid spacing: content then looks smaller or larger (x, y, z)."""
    return rng.uniform(*r.spacing_scale, size=3)


def blur_margin(r: AugmentRanges) -> int:
    """Voxels the photometric blur reads beyond a patch (gaussian_filter's radius, truncate 4)."""
    return int(4.0 * r.blur_vox[1] + 0.5) if r.blur_vox[1] > 0.1 else 0


def field_of_view_circle(shape_yx: tuple[int, int], rng: np.random.Generator, r: AugmentRanges) -> tuple[float, float, float] | None:
    """With some probability, a random axial circle (centre y, centre x, radius in voxels) of a
    grid of `shape_yx`, like a small reconstruction field of view; None otherwise."""
    if rng.uniform() >= r.fov_probability:
        return None
    ny, nx = shape_yx
    cy, cx = ny / 2 + rng.uniform(-0.1, 0.1) * ny, nx / 2 + rng.uniform(-0.1, 0.1) * nx
    return cy, cx, rng.uniform(0.35, 0.55) * min(ny, nx)


def blank_outside_circle(hu: np.ndarray, circle: tuple[float, float, float], offset_yx: tuple[int, int] = (0, 0), outside_hu: float = -1024.0) -> np.ndarray:
    """(z, y, x) voxels outside the circle set to `outside_hu`; the array's voxel (y, x) is the
    grid's voxel (y, x) + offset_yx (a patch of the grid)."""
    cy, cx, radius = circle
    _, ny, nx = hu.shape
    y, x = np.ogrid[:ny, :nx]
    outside = (y + offset_yx[0] - cy) ** 2 + (x + offset_yx[1] - cx) ** 2 > radius**2
    out = hu.copy()
    out[:, outside] = outside_hu
    return out


def round_field_of_view(hu_grid: np.ndarray, rng: np.random.Generator, r: AugmentRanges, outside_hu: float = -1024.0) -> np.ndarray:
    """With some probability, blank (z, y, x) voxels outside a random axial circle, like a
    small reconstruction field of view."""
    circle = field_of_view_circle(hu_grid.shape[1:], rng, r)
    return hu_grid if circle is None else blank_outside_circle(hu_grid, circle, (0, 0), outside_hu)


def jitter_centreline(centreline_mm: np.ndarray, rng: np.random.Generator, r: AugmentRanges) -> np.ndarray:
    """A smooth (two sinusoids per axis) x/y displacement of a few mm, as the localizer's own
    centreline will be off by a little."""
    c = np.asarray(centreline_mm, dtype=float).copy()
    z = c[:, 2]
    for axis in (0, 1):
        for _ in range(2):
            wavelength = rng.uniform(80.0, 300.0)
            c[:, axis] += rng.uniform(0, r.centreline_jitter_mm / 2) * np.sin(2 * np.pi * z / wavelength + rng.uniform(0, 2 * np.pi))
    return c


def rotate_scale(image: np.ndarray, points_px: list[np.ndarray], rng: np.random.Generator, r: AugmentRanges, fill: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Rotate and scale the image about its centre (bilinear) and move the (column, row) points
    with it. Forward map: q = c + A (p - c)."""
    angle = np.deg2rad(rng.uniform(-r.rotation_deg, r.rotation_deg))
    k = rng.uniform(*r.scale)
    a = k * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])  # on (column, row)
    centre = np.array([(image.shape[1] - 1) / 2, (image.shape[0] - 1) / 2])
    inv = np.linalg.inv(a)
    # scipy works in (row, column): swap axes of the inverse map.
    swap = np.array([[0, 1], [1, 0]])
    inv_rc = swap @ inv @ swap
    centre_rc = centre[::-1]
    out = affine_transform(image, inv_rc, offset=centre_rc - inv_rc @ centre_rc, order=1, mode="constant", cval=fill)
    moved = [centre + (np.asarray(p) - centre) @ a.T for p in points_px]
    return out.astype(np.float32), moved
