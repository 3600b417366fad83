"""The phantoms `npm run eval:models` scores: the first N held-out seeds (conventions.HELDOUT_SEEDS,
never used in training; the preset follows the seed, so N ≥ 5 holds every preset), plus, for
every grade × type of fracture those seeds leave out, one phantom made with that fracture
(`generate(seed, preset, fractures=[(level, grade, type)])`, as `npm run demo:phantom` asks for
its fractures), on a seed of its own near the end of the held-out range.

The coverage phantoms are cached beside the training cache, under `<generator version>-coverage`,
with only the straightened view along the true centreline (evaluation needs no jittered ones).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from phantom.grading import TYPES as FRACTURE_TYPES

from . import conventions as C
from .cache import PREP_VERSION, CachedPhantom, build_entry, load_entry, save_entry
from .data import preset_for_seed

FRACTURE_GRADES = (1, 2, 3)
FRACTURE_CELLS = tuple((g, t) for g in FRACTURE_GRADES for t in FRACTURE_TYPES)
# Coverage seeds: inside the held-out range, far above the first N a run takes.
COVERAGE_SEEDS_START = C.HELDOUT_SEEDS[1] - 10_000
# A level in the middle of each preset's scan (never cut by the scan's ends), where fractures occur.
COVERAGE_LEVELS = {"chest": "T8", "thoracolumbar": "T12", "whole": "L1", "abdomen": "L2"}


def fracture_cells(truths: Iterable[Mapping[str, Any]]) -> Counter:
    """(grade, type) → number of fractured vertebrae (grade ≥ 1) in these ground truths."""
    return Counter((int(v["grade"]), str(v["type"])) for t in truths for v in t["vertebrae"] if int(v["grade"]) >= 1)


def missing_cells(truths: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    present = fracture_cells(truths)
    return [cell for cell in FRACTURE_CELLS if present[cell] == 0]


@dataclass(frozen=True)
class CoveragePhantom:
    seed: int
    preset: str
    level: str
    grade: int
    type: str

    def overrides(self) -> dict[str, Any]:
        return {"fractures": [(self.level, self.grade, self.type)]}


def coverage_phantom(cell: tuple[int, str]) -> CoveragePhantom:
    """The same phantom for the same cell, always: presets in turn, the seed the first one at or
    after COVERAGE_SEEDS_START + 100 × (cell index) whose preset (seed % 5) is that preset."""
    index = FRACTURE_CELLS.index(cell)
    presets = list(COVERAGE_LEVELS)
    preset = presets[index % len(presets)]
    seed = COVERAGE_SEEDS_START + 100 * index
    while preset_for_seed(seed) != preset:
        seed += 1
    return CoveragePhantom(seed, preset, COVERAGE_LEVELS[preset], cell[0], cell[1])


def coverage_dir(root: Path, version: str) -> Path:
    return Path(root) / f"{version}-coverage" / PREP_VERSION


def coverage_entry(phantom: CoveragePhantom, root: Path, generate: Any, version: str) -> CachedPhantom:
    """Read the coverage phantom's cache entry, or generate it (with its fracture) and store it."""
    path = coverage_dir(root, version) / f"{phantom.preset}-{phantom.seed}.npz"
    if path.exists():
        try:
            return load_entry(path)
        except (OSError, ValueError, KeyError):
            pass
    made = generate(phantom.seed, phantom.preset, **phantom.overrides())
    truth = json.loads(json.dumps(made.ground_truth))
    entry = build_entry(phantom.seed, phantom.preset, np.asarray(made.hu, dtype=np.int16), truth, jitter_variants=0)
    save_entry(entry, path)
    return entry
