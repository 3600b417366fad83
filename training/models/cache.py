"""Per-phantom cache of what training reads: the expensive products of a phantom, made once.

A phantom volume is 70-270 MB of int16 at full resolution and takes 5-30 s to generate on one
core; resampling it to the localizer grid takes another ~4 s and straightening it ~2 s
(contract.straighten converts the whole volume to float64). Training needs neither the volume
nor those seconds per sample: it reads, per phantom, one small file holding

- the localizer grid: the volume reoriented and resampled to 2 × 2 × 4 mm (preprocess.py steps
  1-2, the runtime's numbers), in HU rounded to int16 (error ≤ 0.5 HU, i.e. ≤ 1.7e-4 after the
  window; the grid's own noise is ~20 HU), with where it lies, what the source axes were
  (so a jittered spacing gives the same grid size as resampling the volume would) and its
  targets (centre per slice, presence, at the card's spacing);
- the detector images: the mid-sagittal image straightened along the true centreline
  (variant 0) and along DETECTOR_JITTER_VARIANTS smoothly jittered copies of it
  (augment.jitter_centreline, the localizer's imperfect centreline: this needs the full
  volume, so the variants are made here), each line first smoothed as the localizer's is
  (straightening.training_view_line, conventions.TRAINING_VIEW_SMOOTHING_SIGMA_MM), each image
  in HU rounded to int16, with the six points of every vertebra mapped into it and their
  validity flags;
- the ground truth (JSON).

The file is keyed by generator version + preprocessing version (PREP_VERSION: the numbers
below and the card's spacing, anti-aliasing and straightening numbers) + preset + seed, so a
new generator or a changed number never reads stale samples. A chest phantom's file is
~3-4 MB (npz, zlib).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from . import conventions as C
from .augment import AugmentRanges, jitter_centreline
from .preprocess import LocalizerGrid, canonical_axes, resample_to_grid
from .straightening import Straightening, map_points, straighten_study_fast, straightening_for, training_view_line
from .targets import LocalizerTargets, localizer_targets

# Jittered straightenings stored per phantom, besides the one along the true centreline.
DETECTOR_JITTER_VARIANTS = 8
# Bump when the file's layout or the way its products are made changes.
CACHE_FORMAT = 1


def _prep_version() -> str:
    numbers = {
        "format": CACHE_FORMAT,
        "spacing": C.LOCALIZER_SPACING_MM,
        "antialias": (C.ANTIALIAS_SIGMA_PER_SHRINK, C.ANTIALIAS_TRUNCATE_SIGMAS),
        "straighten": (C.STRAIGHTEN_STEP_MM, C.STRAIGHTEN_HALF_WIDTH_MM, C.STRAIGHTEN_OUTSIDE_HU)
        # no smoothing straightens exactly as before it existed: the same caches serve
        + ((C.STRAIGHTEN_SMOOTHING_SIGMA_MM,) if C.STRAIGHTEN_SMOOTHING_SIGMA_MM > 0 else ())
        + (("views", C.TRAINING_VIEW_SMOOTHING_SIGMA_MM) if C.TRAINING_VIEW_SMOOTHING_SIGMA_MM > 0 else ()),
        "jitter": (DETECTOR_JITTER_VARIANTS, AugmentRanges().centreline_jitter_mm),
    }
    digest = hashlib.sha1(json.dumps(numbers, sort_keys=True).encode()).hexdigest()[:8]
    return f"prep{CACHE_FORMAT}-{digest}"


PREP_VERSION = _prep_version()


def to_int16(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), -32768, 32767).astype(np.int16)


@dataclass
class DetectorView:
    """One straightened image of a phantom and the vertebrae's points in it."""

    image_hu: np.ndarray  # (rows, columns) int16 (float32 when built in memory and not stored)
    points_px: np.ndarray  # (vertebrae, 6, 2) (column, row)
    valid: np.ndarray  # (vertebrae, 6) bool: the point really lies within the straightened range
    centreline_mm: np.ndarray  # (M, 3) the centreline it was straightened along

    def straightening(self) -> Straightening:
        return straightening_for(self.centreline_mm)


@dataclass
class CachedPhantom:
    seed: int
    preset: str
    truth: dict[str, Any]
    grid_hu: np.ndarray  # (Z, Y, X) int16 HU on the localizer grid (card spacing), unpadded
    grid: LocalizerGrid
    source_counts_zyx: np.ndarray  # (3,) voxel counts of the reoriented source along z, y, x
    source_spacing_xyz: np.ndarray  # (3,) its spacing along x, y, z (mm)
    targets: LocalizerTargets  # at the card's grid (Z slices)
    views: list[DetectorView]  # [0]: along the (smoothed) true centreline; then the jittered ones

    def nbytes(self) -> int:
        return int(self.grid_hu.nbytes + sum(v.image_hu.nbytes for v in self.views))


def build_entry(seed: int, preset: str, hu: np.ndarray, truth: dict[str, Any], jitter_variants: int = DETECTOR_JITTER_VARIANTS, timings: dict[str, float] | None = None) -> CachedPhantom:
    """The cached products of one phantom, from its full-resolution volume."""
    tick = time.time()
    geometry = truth["geometry"]
    grid_hu, grid = resample_to_grid(hu, geometry, C.LOCALIZER_SPACING_MM)
    voxel_for, _ = canonical_axes(geometry)  # the source axis behind grid x, y, z (preprocess.reorient)
    counts_xyz = [int(np.asarray(hu).shape[2 - voxel_for[p]]) for p in range(3)]
    source_spacing = np.asarray([float(geometry["spacingMm"][voxel_for[p]]) for p in range(3)])
    centreline, limits = np.asarray(truth["centrelineMm"], dtype=float), truth["limitsMm"]
    targets = localizer_targets(grid, centreline, limits, grid.shape_zyx[0])
    if timings is not None:
        timings["localizer_s"] = time.time() - tick
    tick = time.time()
    rng = np.random.default_rng([int(seed), 4242])  # the same variants for the same seed, always
    lines = [centreline] + [jitter_centreline(centreline, rng, AugmentRanges()) for _ in range(jitter_variants)]
    views = []
    for line in map(training_view_line, lines):
        image, s = straighten_study_fast(hu, geometry, line)
        mapped = [map_points(s, np.asarray(v["pointsMm"], dtype=float)) for v in truth["vertebrae"]]
        points = np.asarray([m[0] for m in mapped], dtype=np.float64).reshape(-1, 6, 2)
        valid = np.asarray([m[1] for m in mapped], dtype=bool).reshape(-1, 6)
        views.append(DetectorView(to_int16(image), points, valid, np.asarray(line, dtype=float)))
    if timings is not None:
        timings["detector_s"] = time.time() - tick
    return CachedPhantom(int(seed), preset, truth, to_int16(grid_hu), grid, np.asarray(counts_xyz[::-1]), source_spacing, targets, views)


def save_entry(entry: CachedPhantom, path: Path) -> int:
    """Write atomically (never half a file for a concurrent reader); returns the file's bytes."""
    arrays: dict[str, np.ndarray] = {
        "truth": np.array(json.dumps(entry.truth)),
        "meta": np.array(json.dumps({"seed": entry.seed, "preset": entry.preset, "prep": PREP_VERSION})),
        "grid_hu": entry.grid_hu,
        "grid_origin": entry.grid.origin_mm,
        "grid_steps": entry.grid.steps_mm,
        "source_counts_zyx": entry.source_counts_zyx,
        "source_spacing_xyz": entry.source_spacing_xyz,
        "target_centre": entry.targets.centre,
        "target_centre_mask": entry.targets.centre_mask,
        "target_presence": entry.targets.presence,
        "views": np.array(len(entry.views)),
    }
    for k, v in enumerate(entry.views):
        arrays[f"view{k}_image"] = v.image_hu
        arrays[f"view{k}_points"] = v.points_px
        arrays[f"view{k}_valid"] = v.valid
        arrays[f"view{k}_centreline"] = v.centreline_mm
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    return path.stat().st_size


PARTS = ("localizer", "detector")


def load_entry(path: Path, parts: Sequence[str] = PARTS) -> CachedPhantom:
    """Read an entry; `parts` leaves out what a net does not need (npz members are inflated only
    when read: the detector's images are ~15 % of a file)."""
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"]))
        if meta.get("prep") != PREP_VERSION:
            raise ValueError(f"made by {meta.get('prep')}, not {PREP_VERSION}")
        if "localizer" in parts:
            grid_hu = f["grid_hu"]
            targets = LocalizerTargets(f["target_centre"], f["target_centre_mask"], f["target_presence"])
        else:
            grid_hu = np.zeros((0, 0, 0), np.int16)
            targets = LocalizerTargets(np.zeros((0, 2), np.float32), np.zeros(0, np.float32), np.zeros(0, np.float32))
        grid = LocalizerGrid(f["grid_origin"], f["grid_steps"], tuple(int(n) for n in grid_hu.shape))
        count = int(f["views"]) if "detector" in parts else 0
        views = [DetectorView(f[f"view{k}_image"], f[f"view{k}_points"], f[f"view{k}_valid"], f[f"view{k}_centreline"]) for k in range(count)]
        return CachedPhantom(int(meta["seed"]), str(meta["preset"]), json.loads(str(f["truth"])), grid_hu, grid, f["source_counts_zyx"], f["source_spacing_xyz"], targets, views)


Generate = Callable[..., Any]
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = Path(os.environ.get("SPINELENS_CACHE", REPO_ROOT / ".cache")) / "samples"


class SampleStore:
    """Cached phantoms by seed: read from `<root>/<generator version>/<PREP_VERSION>/`, or made
    (generate → build_entry → save) when missing. With `root=None` nothing touches the disk
    (entries are kept in memory: tests)."""

    def __init__(self, root: Path | None, generate: Generate, version: str, keep_volumes: Path | None = None, parts: Sequence[str] = PARTS, memory_bytes: float = 0) -> None:
        self.generate = generate
        self.version = version
        self.dir = Path(root) / version / PREP_VERSION if root is not None else None
        self.keep_volumes = keep_volumes  # also write the full-resolution phantom there (PhantomSource layout)
        self.parts = tuple(parts)
        self.memory_bytes = memory_bytes  # keep entries read from disk in memory up to this many bytes
        self._memory: dict[int, CachedPhantom] = {}
        self._held = 0

    def path(self, seed: int) -> Path | None:
        from .data import preset_for_seed

        return self.dir / f"{preset_for_seed(seed)}-{seed}.npz" if self.dir is not None else None

    def has(self, seed: int) -> bool:
        path = self.path(seed)
        return seed in self._memory if path is None else path.exists()

    def __repr__(self) -> str:
        return f"SampleStore({self.dir or 'memory'}, generator {self.version}, {PREP_VERSION})"

    def make(self, seed: int) -> tuple[CachedPhantom, dict[str, float]]:
        """Generate and build one entry (and store it); returns it with its timings."""
        from .data import PhantomSource, generate_for_seed, preset_for_seed

        preset = preset_for_seed(seed)
        timings: dict[str, float] = {}
        tick, cpu = time.time(), time.process_time()
        if self.keep_volumes is not None:
            case = PhantomSource(self.keep_volumes, generate=self.generate, version=self.version).case(seed)
            hu, truth = case.hu, case.truth
        else:
            phantom = generate_for_seed(self.generate, seed, preset)
            hu, truth = np.asarray(phantom.hu, dtype=np.int16), json.loads(json.dumps(phantom.ground_truth))
        timings["generate_s"] = time.time() - tick
        entry = build_entry(seed, preset, hu, truth, timings=timings)
        del hu
        timings["cpu_s"] = time.process_time() - cpu  # this process's CPU time: what a core of its own would take
        path = self.path(seed)
        if path is None:
            self._memory[seed] = entry
            timings["bytes"] = float(entry.nbytes())
        else:
            timings["bytes"] = float(save_entry(entry, path))
        return entry, timings

    def entry(self, seed: int) -> CachedPhantom:
        path = self.path(seed)
        if path is None:
            return self._memory[seed] if seed in self._memory else self.make(seed)[0]
        if seed in self._memory:
            return self._memory[seed]
        entry = None
        if path.exists():
            try:
                entry = load_entry(path, self.parts)
            except (OSError, ValueError, KeyError) as error:  # damaged or stale: make it again
                print(f"cache: {path.name} unreadable ({error}); rebuilding", flush=True)
        if entry is None:
            entry = self.make(seed)[0]
        if self._held + entry.nbytes() <= self.memory_bytes:
            self._memory[seed] = entry
            self._held += entry.nbytes()
        return entry


def _make_one(args: tuple[Path, str, str, int, Path | None]) -> tuple[int, dict[str, float]]:
    """Worker of ensure_entries (a separate process: module-level, picklable arguments)."""
    root, generator, version, seed, keep = args
    store = SampleStore(root, resolve_generator(generator)[0], version, keep)
    if store.has(seed):  # another builder got there first
        return seed, {"skipped": 1.0}
    return seed, store.make(seed)[1]


def resolve_generator(spec: str | None) -> tuple[Generate, str]:
    """`MODULE:FUNCTION` (smoke tests, version 'MODULE.FUNCTION') or None: the phantom package
    and its GENERATOR_VERSION."""
    import importlib

    if not spec:
        from .data import load_generator

        return load_generator()
    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function or "generate"), f"{module}.{function or 'generate'}"


def ensure_entries(root: Path, generator: str | None, seeds: Sequence[int], workers: int = 2, keep_volumes: Path | None = None, label: str = "cache") -> dict[str, float]:
    """Build every missing entry of `seeds` with `workers` processes, printing progress; return
    a summary (built, present, seconds, bytes on disk of all of `seeds`)."""
    generate, version = resolve_generator(generator)
    store = SampleStore(root, generate, version, keep_volumes)
    missing = [s for s in seeds if not store.has(s)]
    started = time.time()
    print(f"{label}: {len(seeds) - len(missing)} of {len(seeds)} phantoms cached in {store.dir}; building {len(missing)} with {workers} worker(s)", flush=True)
    done = 0
    sums = {"generate_s": 0.0, "localizer_s": 0.0, "detector_s": 0.0, "cpu_s": 0.0}
    jobs = [(Path(root), generator or "", version, int(s), keep_volumes) for s in missing]

    def report(seed: int, t: dict[str, float]) -> None:
        nonlocal done
        done += 1
        for k in sums:
            sums[k] += t.get(k, 0.0)
        elapsed = time.time() - started
        eta = elapsed / done * (len(missing) - done)
        if "skipped" in t:
            print(f"{label}: [{done}/{len(missing)}] seed {seed} built elsewhere", flush=True)
        else:
            print(f"{label}: [{done}/{len(missing)}] seed {seed}: generate {t['generate_s']:.1f} s, grid {t['localizer_s']:.1f} s, "
                  f"straighten {t['detector_s']:.1f} s (cpu {t['cpu_s']:.1f} s), {t['bytes'] / 1e6:.1f} MB; {elapsed / 60:.1f} min so far, ~{eta / 60:.1f} min left", flush=True)

    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            report(*_make_one(job))
    else:
        import multiprocessing

        saved = dict(os.environ)
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")  # one core per worker (the spawned workers read it)
        try:
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                for seed, t in pool.imap_unordered(_make_one, jobs):
                    report(seed, t)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    total = sum(p.stat().st_size for p in (store.path(s) for s in seeds) if p is not None and p.exists())
    seconds = time.time() - started
    if missing:
        n = max(len(missing), 1)
        print(f"{label}: built {len(missing)} in {seconds / 60:.1f} min (per phantom, wall: generate {sums['generate_s'] / n:.1f} s, "
              f"grid {sums['localizer_s'] / n:.1f} s, straighten {sums['detector_s'] / n:.1f} s; CPU of one core {sums['cpu_s'] / n:.1f} s)", flush=True)
    print(f"{label}: {len(seeds)} phantoms, {total / 1e6:.0f} MB on disk ({total / 1e6 / max(len(seeds), 1):.1f} MB each)", flush=True)
    return {"built": float(len(missing)), "present": float(len(seeds) - len(missing)), "seconds": seconds, "bytes": float(total)}
