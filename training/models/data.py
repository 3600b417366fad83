"""Phantoms in, training samples out.

Phantoms come from the generator (training/phantom, `generate(seed, preset, **overrides)`) by
seed: training seeds and held-out seeds come from disjoint ranges (conventions.TRAIN_SEEDS,
HELDOUT_SEEDS), and the preset follows from the seed so every preset appears in both. Each
generated phantom is cached on disk (`.cache/phantoms/<generator version>/`, gitignored) so the
epochs after the first only read files.
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
from .augment import AugmentRanges, jitter_centreline, photometric, rotate_scale, round_field_of_view, spacing_factors
from .preprocess import LocalizerGrid, normalise_image, pad_to_multiple, resample_to_grid, window_and_scale
from .straightening import map_points, straighten_study
from .targets import DetectorTargets, LocalizerTargets, VertebraInImage, detector_targets, level_index, localizer_targets

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
        phantom = self.generate(seed, preset)
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


def localizer_sample(case: Case, rng: np.random.Generator, patch_zyx: tuple[int, int, int] | None, ranges: AugmentRanges | None) -> LocalizerSample:
    """Grid (spacing jittered when augmenting), intensity/blur/noise/field-of-view changes in
    HU, window, then a patch: z anywhere (so patches cut the spine's ends, truncating the field
    of view), y/x around the spine with some slack. Without a patch: the whole padded grid."""
    geometry = case.truth["geometry"]
    spacing = np.asarray(C.LOCALIZER_SPACING_MM) * (spacing_factors(rng, ranges) if ranges else 1.0)
    hu_grid, grid = resample_to_grid(case.hu, geometry, spacing)
    if ranges:
        hu_grid = round_field_of_view(photometric(hu_grid, rng, ranges), rng, ranges)
    image = window_and_scale(hu_grid)
    centreline, limits = np.asarray(case.truth["centrelineMm"]), case.truth["limitsMm"]
    if patch_zyx is None:
        padded = pad_to_multiple(image, C.LOCALIZER_PAD_MULTIPLE)
        targets = localizer_targets(grid, centreline, limits, padded.shape[0])
        targets.presence[grid.shape_zyx[0] :] = 0
        targets.centre_mask[grid.shape_zyx[0] :] = 0
        return LocalizerSample(padded, grid, targets)
    pz, py, px = patch_zyx
    z0 = int(rng.integers(-pz // 2, max(image.shape[0] - pz // 2, -pz // 2 + 1)))
    spine_index = grid.patient_to_index(centreline)
    in_patch = spine_index[(spine_index[:, 2] >= z0) & (spine_index[:, 2] < z0 + pz)]
    spine = (in_patch if len(in_patch) else spine_index).mean(axis=0)  # centre y/x on the spine seen here
    y0 = int(round(spine[1] - py / 2 + rng.uniform(-py / 4, py / 4)))
    x0 = int(round(spine[0] - px / 2 + rng.uniform(-px / 4, px / 4)))
    patch = crop_with_padding(image, (z0, y0, x0), patch_zyx, 0.0)
    patch_grid = LocalizerGrid(grid.index_to_patient(np.array([x0, y0, z0], dtype=float)), grid.steps_mm, patch_zyx)
    targets = localizer_targets(patch_grid, centreline, limits, pz)
    outside = (np.arange(pz) + z0 < 0) | (np.arange(pz) + z0 >= image.shape[0])
    targets.presence[outside] = 0
    targets.centre_mask[outside] = 0
    return LocalizerSample(patch, patch_grid, targets)


@dataclass
class DetectorSample:
    image: np.ndarray  # (H, W) float32, normalised, H and W multiples of 32
    targets: DetectorTargets


def detector_sample(case: Case, rng: np.random.Generator, rows: int | None, ranges: AugmentRanges | None) -> DetectorSample:
    """Straighten along the (jittered) true centreline, map the true points into the image,
    change intensity/blur/noise and rotate/scale slightly (points follow), normalise the whole
    image, then take `rows` rows at a random place (None: all, padded)."""
    centreline = np.asarray(case.truth["centrelineMm"], dtype=float)
    if ranges:
        centreline = jitter_centreline(centreline, rng, ranges)
    image, s = straighten_study(case.hu, case.truth["geometry"], centreline)
    mapped = [map_points(s, np.asarray(v["pointsMm"])) for v in case.truth["vertebrae"]]
    points = [m[0] for m in mapped]
    if ranges:
        image = photometric(image, rng, ranges)
        image, points = rotate_scale(image, points, rng, ranges, fill=C.STRAIGHTEN_OUTSIDE_HU)
    image = normalise_image(image)
    height, width = image.shape
    if rows is None:
        rows_out, start = height + (-height) % C.DETECTOR_PAD_MULTIPLE, 0
    else:
        rows_out, start = rows, int(rng.integers(min(0, height - rows), max(0, height - rows) + 1))
    columns_out = width + (-width) % C.DETECTOR_PAD_MULTIPLE
    patch = crop_with_padding(image, (start, 0), (rows_out, columns_out), 0.0)
    vertebrae = []
    for v, p, (_, valid) in zip(case.truth["vertebrae"], points, mapped):
        q = np.asarray(p) - np.array([0.0, start])
        inside = valid.all() and np.all((q[:, 0] >= 0) & (q[:, 0] <= width - 1) & (q[:, 1] >= max(0, -start)) & (q[:, 1] <= min(rows_out, height - start) - 1))
        vertebrae.append(VertebraInImage(q, float(v["genantRatio"]), level_index(str(v["level"])), bool(inside)))
    return DetectorSample(patch, detector_targets(patch.shape, vertebrae))
