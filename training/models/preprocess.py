"""Input preparation of both networks, written step by step so that the TypeScript runtime can
mirror it exactly (the model card lists the same steps with their numbers).

Localizer, from a volume (int16/float HU `[slice][row][column]` + DESIGN.md geometry):
 1. Reorient (no interpolation): permute and flip the voxel axes so that grid x, y, z follow the
    patient axes +x (Left), +y (Posterior), +z (Superior) as closely as the directions allow.
 2. Per axis, in the order z, y, x: when the axis shrinks (f = target / source spacing > 1),
    blur it with a normalised Gaussian of sigma (f - 1) / 2 source voxels, radius ceil(3 sigma),
    edge voxels repeated; then sample it linearly at source positions k·f, k = 0 … floor((n-1)/f).
    Per-axis blur + linear sampling is exactly a separable blur followed by trilinear sampling.
 3. Clip HU to the window [low, high] and scale to [0, 1]: (hu - low) / (high - low).
 4. Pad each axis at its END with 0 to a multiple of the card's pad multiple, so grid indices of
    real voxels do not move.
 Grid voxel (x, y, z) (centres at integers) lies at origin + x·X + y·Y + z·Z in patient mm, where
 X, Y, Z are the reoriented direction vectors times the target spacing (LocalizerGrid).

Detector, from the straightened mid-sagittal image (HU):
 1. Subtract the mean and divide by the population std (ddof 0) of all its pixels.
 2. Pad rows and columns at their end with 0 to a multiple of the card's pad multiple.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
from scipy.ndimage import correlate1d

from . import conventions as C

Geometry = Mapping[str, Any]


@dataclass(frozen=True)
class LocalizerGrid:
    """Where the resampled grid lies in patient space (before padding)."""

    origin_mm: np.ndarray  # (3,) patient mm of grid voxel (0, 0, 0)
    steps_mm: np.ndarray  # (3, 3): rows are the patient-mm step of +1 in grid x, y, z
    shape_zyx: tuple[int, int, int]  # real (unpadded) size

    def index_to_patient(self, xyz: np.ndarray) -> np.ndarray:
        """(..., 3) grid indices (x, y, z), fractional allowed → (..., 3) patient mm."""
        return self.origin_mm + np.asarray(xyz, dtype=float) @ self.steps_mm

    def patient_to_index(self, points_mm: np.ndarray) -> np.ndarray:
        """(..., 3) patient mm → (..., 3) fractional grid indices (x, y, z)."""
        return (np.asarray(points_mm, dtype=float) - self.origin_mm) @ np.linalg.inv(self.steps_mm)


def _direction_matrix(geometry: Geometry) -> np.ndarray:
    d = geometry["direction"]
    return np.asarray([d["column"], d["row"], d["slice"]], dtype=float)


def canonical_axes(geometry: Geometry) -> tuple[list[int], list[int]]:
    """For patient axes x, y, z: which voxel axis (0 column, 1 row, 2 slice) follows it, and
    its sign (+1 / -1). Greedy on the largest |cosine| so an oblique stack still gets a
    permutation."""
    cosines = np.abs(_direction_matrix(geometry))  # [voxel axis, patient axis]
    voxel_for = [-1, -1, -1]
    free_voxel, free_patient = {0, 1, 2}, {0, 1, 2}
    for _ in range(3):
        a, p = max(((a, p) for a in free_voxel for p in free_patient), key=lambda ap: cosines[ap])
        voxel_for[p] = a
        free_voxel.discard(a)
        free_patient.discard(p)
    signs = [1 if _direction_matrix(geometry)[voxel_for[p], p] >= 0 else -1 for p in range(3)]
    return voxel_for, signs


def reorient(hu: np.ndarray, geometry: Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 1. Returns (array (z, y, x), origin of its voxel 0, unit directions (3, 3) of its
    x, y, z index axes, source spacing along x, y, z)."""
    voxel_for, signs = canonical_axes(geometry)
    directions = _direction_matrix(geometry)
    spacing = np.asarray(geometry["spacingMm"], dtype=float)
    # numpy axis of voxel axis a is 2 - a ([slice][row][column]); new numpy axes are z, y, x.
    array = np.transpose(hu, [2 - voxel_for[p] for p in (2, 1, 0)])
    origin = np.asarray(geometry["originMm"], dtype=float).copy()
    new_dirs = np.zeros((3, 3))
    new_spacing = np.zeros(3)
    for p in range(3):
        a = voxel_for[p]
        new_dirs[p] = directions[a] * signs[p]
        new_spacing[p] = spacing[a]
        if signs[p] < 0:
            n = array.shape[2 - p]
            origin += directions[a] * spacing[a] * (n - 1)
            array = np.flip(array, axis=2 - p)
    return np.ascontiguousarray(array), origin, new_dirs, new_spacing


def gaussian_kernel(sigma: float) -> np.ndarray:
    """Normalised samples of exp(-x²/2σ²) at integer x in [-ceil(3σ), ceil(3σ)]."""
    radius = max(int(math.ceil(C.ANTIALIAS_TRUNCATE_SIGMAS * sigma)), 1)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def blur_axis(array: np.ndarray, axis: int, sigma: float) -> np.ndarray:
    """Gaussian along one axis, edge values repeated ('nearest', i.e. clamped indices)."""
    if sigma <= 0:
        return array
    return correlate1d(array.astype(np.float32, copy=False), gaussian_kernel(sigma).astype(np.float32), axis=axis, mode="nearest")


def sample_axis_linear(array: np.ndarray, axis: int, factor: float) -> np.ndarray:
    """Linear samples at source positions k·factor, k = 0 … floor((n - 1) / factor)."""
    n = array.shape[axis]
    count = int(math.floor((n - 1) / factor + 1e-9)) + 1
    if n == 1:
        return np.repeat(array, count, axis=axis).astype(np.float32)
    pos = np.arange(count, dtype=np.float64) * factor
    i0 = np.minimum(np.floor(pos).astype(int), n - 2)
    t = (pos - i0).astype(np.float32)
    a0 = np.take(array, i0, axis=axis).astype(np.float32)
    a1 = np.take(array, i0 + 1, axis=axis).astype(np.float32)
    shape = [1] * array.ndim
    shape[axis] = count
    t = t.reshape(shape)
    return a0 * (1 - t) + a1 * t


def resample_axis(array: np.ndarray, axis: int, factor: float) -> np.ndarray:
    """Step 2 on one axis: anti-alias when shrinking, then linear sampling."""
    if factor > 1:
        array = blur_axis(array, axis, C.ANTIALIAS_SIGMA_PER_SHRINK * (factor - 1))
    if abs(factor - 1) < 1e-9:
        return array.astype(np.float32, copy=False)
    return sample_axis_linear(array, axis, factor)


def resample_to_grid(hu: np.ndarray, geometry: Geometry, spacing_mm: Sequence[float] = C.LOCALIZER_SPACING_MM) -> tuple[np.ndarray, LocalizerGrid]:
    """Steps 1-2: float32 HU on the grid (z, y, x) and where the grid lies."""
    array, origin, dirs, source_spacing = reorient(hu, geometry)
    target = np.asarray(spacing_mm, dtype=float)
    for p in (2, 1, 0):  # z first: usually the largest shrink, so the rest works on less data
        array = resample_axis(array, 2 - p, target[p] / source_spacing[p])
    grid = LocalizerGrid(origin_mm=origin, steps_mm=dirs * target[:, None], shape_zyx=tuple(array.shape))
    return array, grid


def window_and_scale(hu_grid: np.ndarray, window: Sequence[float] = C.LOCALIZER_WINDOW_HU) -> np.ndarray:
    """Step 3: clip to the window, then map it linearly onto [0, 1]."""
    low, high = float(window[0]), float(window[1])
    return ((np.clip(hu_grid, low, high) - low) / (high - low)).astype(np.float32)


def pad_to_multiple(array: np.ndarray, multiple: int, value: float = 0.0) -> np.ndarray:
    """Pad every axis at its end to a multiple (indices of real voxels stay where they were)."""
    pads = [(0, (-n) % multiple) for n in array.shape]
    return np.pad(array, pads, mode="constant", constant_values=value)


def preprocess_localizer(hu: np.ndarray, geometry: Geometry, crop: bool = True) -> tuple[np.ndarray, LocalizerGrid]:
    """Steps 1-5 with the card's numbers (1-4 with crop=False): the (Zp, Yp, Xp) float32 input
    and its grid."""
    hu_grid, grid = resample_to_grid(hu, geometry, C.LOCALIZER_SPACING_MM)
    x = pad_to_multiple(window_and_scale(hu_grid), C.LOCALIZER_PAD_MULTIPLE)
    return crop_to_body(x, grid) if crop else (x, grid)


def _kept_span(counts: np.ndarray) -> tuple[int, int]:
    """[start, stop) of the entries holding ≥ LOCALIZER_BODY_SHARE of the fullest, widened by
    the margin, the start moved down to a multiple of the pad multiple; all when none holds any."""
    n = len(counts)
    top = int(counts.max()) if n else 0
    if top == 0:
        return 0, n
    kept = np.flatnonzero(counts >= C.LOCALIZER_BODY_SHARE * top)
    start = max(0, int(kept[0]) - C.LOCALIZER_BODY_MARGIN_VOXELS)
    stop = min(n, int(kept[-1]) + 1 + C.LOCALIZER_BODY_MARGIN_VOXELS)
    return start - start % C.LOCALIZER_PAD_MULTIPLE, stop


def body_box(x: np.ndarray, grid: LocalizerGrid) -> tuple[tuple[int, int], tuple[int, int]]:
    """Step 5's box: ((y start, y stop), (x start, x stop)) of the real grid that holds the body."""
    z, y, xx = grid.shape_zyx
    body = x[:z, :y, :xx] > np.float32(C.LOCALIZER_BODY_LEVEL)
    return _kept_span(body.sum(axis=(0, 2))), _kept_span(body.sum(axis=(0, 1)))


def crop_to_body(x: np.ndarray, grid: LocalizerGrid) -> tuple[np.ndarray, LocalizerGrid]:
    """Step 5: the input cut to body_box (padded again at its end) and the grid of the cut, whose
    origin moves to the box's first voxel, so centres found in it map to the same patient mm."""
    (y0, y1), (x0, x1) = body_box(x, grid)
    z = grid.shape_zyx[0]
    cut = pad_to_multiple(x[:z, y0:y1, x0:x1], C.LOCALIZER_PAD_MULTIPLE)
    origin = grid.origin_mm + x0 * grid.steps_mm[0] + y0 * grid.steps_mm[1]
    return cut, LocalizerGrid(origin, grid.steps_mm, (z, y1 - y0, x1 - x0))


def normalise_image(image: np.ndarray) -> np.ndarray:
    """Detector step 1: zero mean, unit population variance over all pixels."""
    image = np.asarray(image, dtype=np.float64)
    std = max(float(image.std()), C.DETECTOR_MIN_STD)
    return ((image - image.mean()) / std).astype(np.float32)


def preprocess_detector(image_hu: np.ndarray) -> np.ndarray:
    """Detector steps 1-2: the (rows_p, columns_p) float32 input."""
    return pad_to_multiple(normalise_image(image_hu), C.DETECTOR_PAD_MULTIPLE)
