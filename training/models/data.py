"""Phantoms in, training samples out.

Phantoms come from the generator (training/phantom, `generate(seed, preset, **overrides)`) by
seed: training seeds and held-out seeds come from disjoint ranges (conventions.TRAIN_SEEDS,
HELDOUT_SEEDS), and the preset follows from the seed so every preset appears in both.

Training reads cached products (cache.py: the localizer grid and the straightened images of
each phantom, `.cache/samples/<generator version>/<prep version>/`) and augments them:
`cached_localizer_sample`, `cached_detector_sample`. `localizer_sample` and `detector_sample`
make the same samples from the full-resolution volume (a `Case`, from `PhantomSource`, which
caches whole volumes in `.cache/phantoms/<generator version>/`); they are the reference the
tests hold the cached path to, and ~70× slower per batch.
"""
from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import conventions as C
from .augment import AugmentRanges, blank_outside_circle, blur_margin, field_of_view_circle, jitter_centreline, photometric, real_bone, rotate_scale, spacing_factors
from .cache import CachedPhantom
from .preprocess import LocalizerGrid, blur_axis, crop_to_body, gaussian_kernel, normalise_image, pad_to_multiple, resample_to_grid, window_and_scale
from .straightening import map_points, straighten_study, training_view_line
from .targets import DetectorTargets, LocalizerTargets, VertebraInImage, detector_targets, level_index, limit_slices, localizer_targets

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = Path(os.environ.get("SPINELENS_CACHE", REPO_ROOT / ".cache")) / "phantoms"
Generate = Callable[..., Any]


@dataclass
class Case:
    seed: int
    preset: str
    hu: np.ndarray  # int16 (slices, rows, columns)
    truth: dict[str, Any]  # ground_truth.json shape (geometry, vertebrae, centrelineMm, limitsMm)


def load_generator() -> tuple[Generate, str]:
    """The phantom generator and its version, wherever the phantom package exposes it."""
    package = importlib.import_module("phantom")
    for name in ("phantom", "phantom.generator", "phantom.generate"):
        module = importlib.import_module(name)
        generate = getattr(module, "generate", None)
        if callable(generate):
            version = getattr(module, "GENERATOR_VERSION", None) or getattr(module, "__version__", None) or getattr(package, "__version__", None)
            return generate, str(version or "unversioned")
    raise ImportError("training/phantom has no generate(seed, preset, **overrides) yet")


def preset_for_seed(seed: int) -> str:
    return C.PRESETS[seed % len(C.PRESETS)]


def overrides_for_seed(seed: int) -> dict[str, Any]:
    """Generator options fixed by the seed's range (conventions.SEVERE_FRACTURE_SEEDS)."""
    start, stop = C.SEVERE_FRACTURE_SEEDS
    return {"fracture_mix": "severe"} if start <= seed < stop else {}


def generate_for_seed(generate: Generate, seed: int, preset: str) -> Any:
    """generate(seed, preset) with the seed's range options (a smoke-test generator without
    options is called without them)."""
    return generate(seed, preset, **overrides_for_seed(seed))


def severe_seeds(count: int) -> range:
    start, stop = C.SEVERE_FRACTURE_SEEDS
    if count > stop - start:
        raise ValueError(f"at most {stop - start} severe-fracture seeds")
    return range(start, start + count)


def train_seeds(count: int) -> range:
    start, stop = C.TRAIN_SEEDS
    if count > stop - start:
        raise ValueError(f"at most {stop - start} training seeds")
    return range(start, start + count)


def heldout_seeds(count: int) -> range:
    start, stop = C.HELDOUT_SEEDS
    if count > stop - start:
        raise ValueError(f"at most {stop - start} held-out seeds")
    return range(start, start + count)


class PhantomSource:
    """Cases by seed, generated once and then read from the cache."""

    def __init__(self, cache_dir: Path | None = DEFAULT_CACHE, generate: Generate | None = None, version: str | None = None) -> None:
        if generate is None:
            generate, found = load_generator()
            version = version or found
        self.generate = generate
        self.version = version or "unversioned"
        self.cache_dir = Path(cache_dir) / self.version if cache_dir is not None else None

    def case(self, seed: int) -> Case:
        preset = preset_for_seed(seed)
        path = self.cache_dir / f"{preset}-{seed}.npz" if self.cache_dir is not None else None
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as f:
                return Case(seed, preset, f["hu"], json.loads(str(f["truth"])))
        phantom = generate_for_seed(self.generate, seed, preset)
        case = Case(seed, preset, np.asarray(phantom.hu, dtype=np.int16), json.loads(json.dumps(phantom.ground_truth)))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, hu=case.hu, truth=np.array(json.dumps(case.truth)))
            tmp.replace(path)  # never leave half a file for the next reader
        return case


def crop_with_padding(array: np.ndarray, starts: tuple[int, ...], size: tuple[int, ...], fill: float) -> np.ndarray:
    """array[starts : starts + size] per axis, `fill` where the window leaves the array."""
    out = np.full(size, fill, dtype=array.dtype)
    src, dst = [], []
    for start, n, total in zip(starts, size, array.shape):
        lo, hi = max(start, 0), min(start + n, total)
        if hi <= lo:
            return out
        src.append(slice(lo, hi))
        dst.append(slice(lo - start, hi - start))
    out[tuple(dst)] = array[tuple(src)]
    return out


@dataclass
class LocalizerSample:
    image: np.ndarray  # (Z, Y, X) float32 in [0, 1]
    grid: LocalizerGrid
    targets: LocalizerTargets


# Share of localizer patches placed over an end of the spine that lies inside the scan (the
# skull base above C2, the sacrum below S1): drawn uniformly, too few patches hold an end to
# teach presence to switch off there, and the first model ran the spine on into the pelvis.
SPINE_END_PATCH_PROBABILITY = 0.5


def _spine_ends_inside(grid: LocalizerGrid, truth: dict[str, Any]) -> list[float]:
    """Grid z of the spine's ends that the scan holds with at least a slice to spare (an end
    at the scan's edge is where the scan stops, not the spine)."""
    low, high = limit_slices(grid, np.asarray(truth["centrelineMm"]), truth["limitsMm"])
    return [k for k in (low, high) if 1.0 <= k <= grid.shape_zyx[0] - 2.0]


def _patch_starts(rng: np.random.Generator, grid: LocalizerGrid, truth: dict[str, Any], patch_zyx: tuple[int, int, int]) -> tuple[int, int, int]:
    """z anywhere (so patches cut the spine's ends, truncating the field of view), or, with
    SPINE_END_PATCH_PROBABILITY, with an end of the spine in its middle half; y/x around the
    spine seen in the patch with some slack."""
    pz, py, px = patch_zyx
    ends = _spine_ends_inside(grid, truth)
    if ends and rng.random() < SPINE_END_PATCH_PROBABILITY:
        z0 = int(round(ends[int(rng.integers(len(ends)))] - rng.uniform(0.25, 0.75) * pz))
    else:
        z0 = int(rng.integers(-pz // 2, max(grid.shape_zyx[0] - pz // 2, -pz // 2 + 1)))
    spine_index = grid.patient_to_index(np.asarray(truth["centrelineMm"]))
    in_patch = spine_index[(spine_index[:, 2] >= z0) & (spine_index[:, 2] < z0 + pz)]
    spine = (in_patch if len(in_patch) else spine_index).mean(axis=0)  # centre y/x on the spine seen here
    y0 = int(round(spine[1] - py / 2 + rng.uniform(-py / 4, py / 4)))
    x0 = int(round(spine[0] - px / 2 + rng.uniform(-px / 4, px / 4)))
    return z0, y0, x0


def _patch_sample(image: np.ndarray, grid: LocalizerGrid, starts: tuple[int, int, int], patch_zyx: tuple[int, int, int], truth: dict[str, Any]) -> LocalizerSample:
    """The sample of a (Z, Y, X) patch of `grid` starting at `starts` (voxels outside the grid
    already 0): its grid and targets, none on slices outside the grid."""
    z0, y0, x0 = starts
    pz = patch_zyx[0]
    patch_grid = LocalizerGrid(grid.index_to_patient(np.array([x0, y0, z0], dtype=float)), grid.steps_mm, tuple(patch_zyx))
    targets = localizer_targets(patch_grid, np.asarray(truth["centrelineMm"]), truth["limitsMm"], pz)
    outside = (np.arange(pz) + z0 < 0) | (np.arange(pz) + z0 >= grid.shape_zyx[0])
    targets.presence[outside] = 0
    targets.centre_mask[outside] = 0
    return LocalizerSample(image, patch_grid, targets)


def _whole_sample(image: np.ndarray, grid: LocalizerGrid, truth: dict[str, Any]) -> LocalizerSample:
    padded = pad_to_multiple(image, C.LOCALIZER_PAD_MULTIPLE)
    targets = localizer_targets(grid, np.asarray(truth["centrelineMm"]), truth["limitsMm"], padded.shape[0])
    targets.presence[grid.shape_zyx[0] :] = 0
    targets.centre_mask[grid.shape_zyx[0] :] = 0
    return LocalizerSample(padded, grid, targets)


def localizer_sample(case: Case, rng: np.random.Generator, patch_zyx: tuple[int, int, int] | None, ranges: AugmentRanges | None) -> LocalizerSample:
    """Reference (full-resolution) path. Grid (spacing jittered when augmenting), a patch,
    intensity/blur/noise/field-of-view changes in HU, window. Without a patch: the whole padded
    grid. The random draws come in the order of cached_localizer_sample (spacing, patch,
    photometric, field of view), so both paths can be compared draw for draw."""
    geometry = case.truth["geometry"]
    factors = spacing_factors(rng, ranges) if ranges else np.ones(3)
    hu_grid, grid = resample_to_grid(case.hu, geometry, np.asarray(C.LOCALIZER_SPACING_MM) * factors)
    starts = _patch_starts(rng, grid, case.truth, patch_zyx) if patch_zyx is not None else (0, 0, 0)
    if ranges:
        hu_grid = photometric(hu_grid, rng, ranges)
        circle = field_of_view_circle(hu_grid.shape[1:], rng, ranges)
        if circle is not None:
            hu_grid = blank_outside_circle(hu_grid, circle)
    image = window_and_scale(hu_grid)
    if patch_zyx is None:
        return _whole_sample(image, grid, case.truth)
    return _patch_sample(crop_with_padding(image, starts, tuple(patch_zyx), 0.0), grid, starts, tuple(patch_zyx), case.truth)


# --- the cached path -------------------------------------------------------------------------


def jittered_grid(entry: CachedPhantom, factors_xyz: np.ndarray) -> LocalizerGrid:
    """The grid resample_to_grid would give the full volume at spacing card × factors: same
    origin and directions, steps scaled, and the voxel counts of preprocess.resample_axis
    (from the source's counts and spacing, so not one slice more or less)."""
    target = np.asarray(C.LOCALIZER_SPACING_MM, dtype=float) * factors_xyz
    shape = []
    for p in (2, 1, 0):
        n, factor = int(entry.source_counts_zyx[2 - p]), target[p] / float(entry.source_spacing_xyz[p])
        shape.append(n if abs(factor - 1) < 1e-9 else int(np.floor((n - 1) / factor + 1e-9)) + 1)
    return LocalizerGrid(entry.grid.origin_mm, entry.grid.steps_mm * np.asarray(factors_xyz, dtype=float)[:, None], (shape[0], shape[1], shape[2]))


def resample_grid_region(grid_hu: np.ndarray, positions_zyx: list[np.ndarray], factors_zyx: np.ndarray) -> np.ndarray:
    """Float32 values of the cached grid at fractional positions (cached-grid voxels) per axis,
    by preprocess.py's step 2 applied to the cached grid: per axis in the order z, y, x, a
    Gaussian of sigma (f - 1) / 2 when the axis shrinks by f > 1, then linear sampling. Only
    the box the positions need (plus the blur's radius) is read. Positions must lie in
    [0, n - 1]."""
    ranges, sigmas = [], []
    for axis in range(3):
        n, pos, f = grid_hu.shape[axis], positions_zyx[axis], float(factors_zyx[axis])
        sigma = C.ANTIALIAS_SIGMA_PER_SHRINK * (f - 1) if f > 1 else 0.0
        radius = (len(gaussian_kernel(sigma)) - 1) // 2 if sigma > 0 else 0
        lo = max(int(np.floor(pos.min())) - radius, 0)
        hi = min(int(np.floor(pos.max())) + 1 + radius, n - 1)
        ranges.append((lo, hi))
        sigmas.append(sigma)
    out = grid_hu[tuple(slice(lo, hi + 1) for lo, hi in ranges)].astype(np.float32)
    for axis in range(3):
        n, pos, (lo, _) = grid_hu.shape[axis], positions_zyx[axis], ranges[axis]
        if n == 1:
            out = np.repeat(out, len(pos), axis=axis)
            continue
        out = blur_axis(out, axis, sigmas[axis])
        i0 = np.minimum(np.floor(pos).astype(int), n - 2)
        shape = [1, 1, 1]
        shape[axis] = len(pos)
        t = (pos - i0).astype(np.float32).reshape(shape)
        out = np.take(out, i0 - lo, axis=axis) * (1 - t) + np.take(out, i0 + 1 - lo, axis=axis) * t
    return out


def cached_localizer_sample(entry: CachedPhantom, rng: np.random.Generator, patch_zyx: tuple[int, int, int] | None, ranges: AugmentRanges | None) -> LocalizerSample:
    """localizer_sample from the cached grid: the spacing jitter resamples the 2 × 2 × 4 mm
    grid (only the patch, plus a margin for the blur) instead of the volume; the photometric
    changes and the field of view act on the patch with the full grid's edges and circle, so
    the sample is that of the reference path up to the second resampling (slightly softer) and
    the int16 rounding of the cache (≤ 0.5 HU). Without augmentation it equals it up to that
    rounding."""
    factors = spacing_factors(rng, ranges) if ranges else np.ones(3)
    grid = jittered_grid(entry, factors)
    shape = grid.shape_zyx
    if patch_zyx is None:
        starts, size = (0, 0, 0), shape
    else:
        starts, size = _patch_starts(rng, grid, entry.truth, patch_zyx), tuple(patch_zyx)
    margin = blur_margin(ranges) if ranges else 0
    positions, inside = [], []
    for axis in range(3):
        k = np.arange(starts[axis] - margin, starts[axis] + size[axis] + margin)
        inside.append((k >= 0) & (k < shape[axis]))
        # Voxels beyond the grid repeat its edge (the blur's 'nearest' edges of the reference);
        # they are zeroed after the window, as the reference pads its crop with 0.
        pos = np.clip(k, 0, shape[axis] - 1) * factors[2 - axis]
        positions.append(np.minimum(pos, entry.grid_hu.shape[axis] - 1))
    hu = resample_grid_region(entry.grid_hu, positions, factors[::-1])
    if ranges:
        hu = photometric(hu, rng, ranges)
        circle = field_of_view_circle(shape[1:], rng, ranges)
        if circle is not None:
            hu = blank_outside_circle(hu, circle, (starts[1] - margin, starts[2] - margin))
    if margin:
        hu = hu[margin:-margin, margin:-margin, margin:-margin]
        inside = [m[margin:-margin] for m in inside]
    image = window_and_scale(hu)
    image *= inside[0][:, None, None] & inside[1][None, :, None] & inside[2][None, None, :]
    if patch_zyx is None:
        return _whole_sample(image, grid, entry.truth)
    return _patch_sample(image, grid, starts, tuple(patch_zyx), entry.truth)


def localizer_input(entry: CachedPhantom) -> tuple[np.ndarray, LocalizerGrid]:
    """preprocess_localizer of the phantom (the runtime's input, cut to the body), from the cache."""
    return crop_to_body(pad_to_multiple(window_and_scale(entry.grid_hu.astype(np.float32)), C.LOCALIZER_PAD_MULTIPLE), entry.grid)


@dataclass
class DetectorSample:
    image: np.ndarray  # (H, W) float32, normalised, H and W multiples of 32
    targets: DetectorTargets


def _detector_sample_from(image: np.ndarray, points: list[np.ndarray], valid: list[np.ndarray], vertebrae: list[dict[str, Any]], rng: np.random.Generator, rows: int | None, ranges: AugmentRanges | None,
                          genant_weighted_objectness: bool = False) -> DetectorSample:
    """Intensity/blur/noise and a slight rotation/scale (points follow), normalise the whole
    image, then take `rows` rows at a random place (None: all, padded)."""
    if ranges:
        image = photometric(real_bone(image, rng, ranges), rng, ranges)
        image, points = rotate_scale(image, points, rng, ranges, fill=C.STRAIGHTEN_OUTSIDE_HU)
    image = normalise_image(image)
    height, width = image.shape
    if rows is None:
        rows_out, start = height + (-height) % C.DETECTOR_PAD_MULTIPLE, 0
    else:
        rows_out, start = rows, int(rng.integers(min(0, height - rows), max(0, height - rows) + 1))
    columns_out = width + (-width) % C.DETECTOR_PAD_MULTIPLE
    patch = crop_with_padding(image, (start, 0), (rows_out, columns_out), 0.0)
    out = []
    for v, p, ok in zip(vertebrae, points, valid):
        q = np.asarray(p) - np.array([0.0, start])
        inside = np.all(ok) and np.all((q[:, 0] >= 0) & (q[:, 0] <= width - 1) & (q[:, 1] >= max(0, -start)) & (q[:, 1] <= min(rows_out, height - start) - 1))
        out.append(VertebraInImage(q, float(v["genantRatio"]), level_index(str(v["level"])), bool(inside)))
    return DetectorSample(patch, detector_targets(patch.shape, out, genant_weighted_objectness=genant_weighted_objectness))


def detector_sample(case: Case, rng: np.random.Generator, rows: int | None, ranges: AugmentRanges | None) -> DetectorSample:
    """Reference (full-resolution) path: straighten along the (jittered) true centreline, smoothed
    as the cache's views are (training_view_line), map the true points into the image, then
    _detector_sample_from."""
    centreline = np.asarray(case.truth["centrelineMm"], dtype=float)
    if ranges:
        centreline = jitter_centreline(centreline, rng, ranges)
    image, s = straighten_study(case.hu, case.truth["geometry"], training_view_line(centreline))
    mapped = [map_points(s, np.asarray(v["pointsMm"])) for v in case.truth["vertebrae"]]
    return _detector_sample_from(image, [m[0] for m in mapped], [m[1] for m in mapped], case.truth["vertebrae"], rng, rows, ranges)


def cached_detector_sample(entry: CachedPhantom, rng: np.random.Generator, rows: int | None, ranges: AugmentRanges | None,
                           genant_weighted_objectness: bool = False) -> DetectorSample:
    """detector_sample from the cache: augmenting, one of the phantom's jittered
    straightenings (cache.DETECTOR_JITTER_VARIANTS of them, made from the volume) instead of a
    fresh jitter; otherwise the one along the (smoothed) true centreline. The rest is the same code."""
    k = int(rng.integers(1, len(entry.views))) if ranges and len(entry.views) > 1 else 0
    view = entry.views[k]
    return _detector_sample_from(view.image_hu.astype(np.float32), list(view.points_px), list(view.valid), entry.truth["vertebrae"], rng, rows, ranges, genant_weighted_objectness)
