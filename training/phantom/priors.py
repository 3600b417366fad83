"""Real-annotation priors: vertebral body shapes and spine curves.

Two public annotation sets (their CT images are not here) give the phantoms real proportions:

* anchor-free-genant-keypoints (Zakharov, Pisov et al. 2023; CC BY-NC 4.0): six Genant points
  per vertebra, 2-4 experts, 100 chest CTs. Each file holds `segments` = 3 segments x 2 points,
  voxel [row, column, slice]. What the data itself shows (see `verify_segment_order`):
  the column is constant within a vertebra (one sagittal slice); within every segment the first
  point has the smaller slice index and the next vertebra down has larger slice indices, so
  point 0 is superior (slices run superior -> inferior); segment 0 has the smallest rows and
  segment 2 the largest, and in the mid-thoracic spine segment 0 is the shortest on average
  (physiological anterior wedging) while the convexity of the curve (rows largest near T7,
  smallest in the lumbar spine) fits rows running anterior -> posterior, so the order is
  anterior, middle, posterior, each superior -> inferior: AS, AI, MS, MI, PS, PI.
  No voxel spacing is stored: slices are taken as 0.8 mm (the paper) and each study's in-plane
  spacing is estimated by matching its vertebrae's depth/height to the literature ratio.
* vid-vertebra-keypoints (ImFusion VID validation set; CC BY-SA 4.0): body centre and both
  pedicles in DICOM world mm (LPS) with levels, 169 CTs: real curves and level spacing.

`rebuild_cache()` parses both into priors_cache.json (committed, small); `load_priors()` reads
it. Rebuild with: /usr/bin/python3 -m training.phantom.priors --rebuild
"""
from __future__ import annotations

import argparse
import glob
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .grading import quantify
from .levels import ALL_LEVEL_NAMES, level_size

CACHE_PATH = Path(__file__).with_name("priors_cache.json")
DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared"
GENANT_DIR = "data/priors/anchor-free-genant-keypoints/annotation"
VID_DIR = "data/priors/vid-vertebra-keypoints/KeypointGroundTruthNoSacrum_Validation"
SLICE_SPACING_MM = 0.8  # the paper: 0.8 mm slices for the CTLungCa-500 studies


def normalise_level(name: str) -> str:
    """'Th7' -> 'T7'; other names unchanged."""
    return "T" + name[2:] if name.startswith("Th") else name


# ----------------------------------------------------------------------------- Genant shapes
@dataclass
class AnnotatedVertebra:
    study: str
    level: str
    segments_vox: np.ndarray  # (n_experts, 3, 2, 3): expert, segment, point, [row, col, slice]


def read_genant_annotations(folder: Path) -> list[AnnotatedVertebra]:
    """Every annotated vertebra, experts grouped by study and level."""
    out: list[AnnotatedVertebra] = []
    for path in sorted(glob.glob(str(folder / "*.json"))):
        doc = json.loads(Path(path).read_text())
        by_level: dict[str, list[np.ndarray]] = defaultdict(list)
        for vertebrae in doc["Annotation"].values():
            for v in vertebrae:
                by_level[normalise_level(v["type"])].append(np.asarray(v["segments"], dtype=float))
        for level, segs in by_level.items():
            out.append(AnnotatedVertebra(doc["Folder"], level, np.stack(segs)))
    return out


def verify_segment_order(vertebrae: list[AnnotatedVertebra]) -> dict:
    """Evidence from the data for the reading anterior/middle/posterior, superior->inferior."""
    segs = np.concatenate([v.segments_vox for v in vertebrae])
    levels = [v.level for v in vertebrae for _ in range(len(v.segments_vox))]
    n = len(segs)
    first_point_lower_slice = int(np.sum(np.all(segs[:, :, 0, 2] < segs[:, :, 1, 2], axis=1)))
    rows = segs[:, :, :, 0].mean(axis=2)
    rows_increase = int(np.sum((rows[:, 0] < rows[:, 1]) & (rows[:, 1] < rows[:, 2])))
    col_constant = int(np.sum(np.ptp(segs[:, :, :, 1].reshape(n, -1), axis=1) == 0))
    h = np.abs(segs[:, :, 1, 2] - segs[:, :, 0, 2])
    mid_thoracic = np.array([lv in {"T5", "T6", "T7", "T8", "T9"} for lv in levels])
    # next vertebra down lies at larger slices: compare each study's levels by anatomical order
    order_ok = order_total = 0
    by_study: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for v in vertebrae:
        by_study[v.study].append((ALL_LEVEL_NAMES.index(v.level), float(v.segments_vox[..., 2].mean())))
    for items in by_study.values():
        items.sort()
        for (_, a), (_, b) in zip(items, items[1:]):
            order_total += 1
            order_ok += int(b > a)
    # kyphosis apex posterior / lordosis anterior: centre rows relative to the study mean
    apex: dict[str, list[float]] = defaultdict(list)
    for v in vertebrae:
        study_rows = [w.segments_vox[..., 0].mean() for w in vertebrae if w.study == v.study]
        apex[v.level].append(float(v.segments_vox[..., 0].mean() - np.mean(study_rows)))
    return {
        "annotations": n,
        "column_constant_within_vertebra": col_constant,
        "first_point_has_smaller_slice_in_all_3_segments": first_point_lower_slice,
        "lower_level_has_larger_slices": f"{order_ok}/{order_total}",
        "segment_rows_increase_0_1_2": rows_increase,
        "mid_thoracic_mean_height_slices_seg0_seg1_seg2": [round(float(x), 2) for x in h[mid_thoracic].mean(axis=0)],
        "centre_row_minus_study_mean_T7_L2": [
            round(float(np.mean(apex[k])), 1) if apex[k] else None for k in ("T7", "L2")
        ],
        "reading": "segments = anterior, middle, posterior; points = superior, inferior; "
        "rows run anterior->posterior, slices superior->inferior",
    }


def _study_row_spacing(vertebrae: list[AnnotatedVertebra]) -> float:
    """In-plane spacing (mm/row) that makes this study's depth/height match the literature.

    Heights are nearly along the slice axis (0.8 mm, known); depths are along rows (unknown
    spacing). Matching the median ratio keeps each vertebra's shape relative to its study.
    """
    ratios = []
    for v in vertebrae:
        s = v.segments_vox.mean(axis=0)
        depth_rows = s[2, :, 0].mean() - s[0, :, 0].mean()
        hp_mm = abs(s[2, 1, 2] - s[2, 0, 2]) * SLICE_SPACING_MM
        ref = level_size(v.level)
        if depth_rows > 1 and hp_mm > 1:
            ratios.append(ref.body_depth_mm / ref.body_height_mm * hp_mm / depth_rows)
    return float(np.clip(np.median(ratios), 0.45, 1.1)) if ratios else 0.75


def local_shape_mm(segments_vox: np.ndarray, row_spacing_mm: float) -> np.ndarray:
    """Six points (v, w) in mm in the body's own frame, centred on their mean.

    v runs anterior -> posterior along the line joining the anterior and posterior segment
    midpoints; w is perpendicular to it, pointing superior.
    """
    s = np.asarray(segments_vox, dtype=float).reshape(6, 3)
    yz = np.stack([s[:, 0] * row_spacing_mm, -s[:, 2] * SLICE_SPACING_MM], axis=1)  # z up
    a = yz[4:6].mean(axis=0) - yz[0:2].mean(axis=0)
    a /= np.linalg.norm(a)
    w = np.array([-a[1], a[0]])
    if w[1] < 0:
        w = -w
    c = yz.mean(axis=0)
    return np.stack([(yz - c) @ a, (yz - c) @ w], axis=1)


def build_shape_library(vertebrae: list[AnnotatedVertebra]) -> dict:
    """Per vertebra (experts averaged): level, six (v, w) points in mm, spread between experts."""
    by_study: dict[str, list[AnnotatedVertebra]] = defaultdict(list)
    for v in vertebrae:
        by_study[v.study].append(v)
    levels, points, spread, spacing = [], [], [], {}
    for study, items in by_study.items():
        sp = _study_row_spacing(items)
        spacing[study] = sp
        for v in items:
            per_expert = np.stack([local_shape_mm(e, sp) for e in v.segments_vox])
            mean = per_expert.mean(axis=0)
            levels.append(v.level)
            points.append(np.round(mean.reshape(-1), 2).tolist())
            spread.append(round(float(np.sqrt(((per_expert - mean) ** 2).sum(-1).mean())), 2))
    return {"levels": levels, "points_vw_mm": points, "expert_spread_mm": spread,
            "row_spacing_mm_estimates": sorted(round(x, 3) for x in spacing.values())}


# ----------------------------------------------------------------------------- VID spines
def read_vid_spines(folder: Path) -> list[dict]:
    """Per CT: levels top->bottom, body centres and the pedicles nearest to each (LPS mm)."""
    spines = []
    for path in sorted(glob.glob(str(folder / "*.json"))):
        doc = json.loads(Path(path).read_text())
        bodies = {k["type"]["spine_level"]: np.asarray(k["coordinates"]["world_space"], float)
                  for k in doc if k["type"]["keypoint_type"] == "body"}
        lefts = np.array([k["coordinates"]["world_space"] for k in doc if k["type"]["keypoint_type"] == "left"])
        rights = np.array([k["coordinates"]["world_space"] for k in doc if k["type"]["keypoint_type"] == "right"])
        levels = sorted(bodies, key=ALL_LEVEL_NAMES.index)
        if len(levels) < 3:
            continue
        body = np.stack([bodies[k] for k in levels])

        def nearest(cands: np.ndarray) -> list:
            if len(cands) == 0:
                return [None] * len(levels)
            d = np.linalg.norm(body[:, None, :] - cands[None], axis=2)
            return [np.round(cands[j], 1).tolist() if d[i, j] < 40 else None for i, j in enumerate(d.argmin(1))]

        spines.append({"id": Path(path).stem, "levels": levels, "body_mm": np.round(body, 1).tolist(),
                       "left_pedicle_mm": nearest(lefts), "right_pedicle_mm": nearest(rights)})
    return spines


def rebuild_cache(shared: Path = DEFAULT_SHARED, out: Path = CACHE_PATH) -> dict:
    vertebrae = read_genant_annotations(shared / GENANT_DIR)
    cache = {
        "version": 1,
        "sources": {
            "genant": "anchor-free-genant-keypoints (CC BY-NC 4.0, Zakharov, Pisov et al. 2023; MosMed CTLungCa-500)",
            "vid": "vid-vertebra-keypoints validation (CC BY-SA 4.0, ImFusion VID)",
        },
        "segment_order_evidence": verify_segment_order(vertebrae),
        "shapes": build_shape_library(vertebrae),
        "spines": read_vid_spines(shared / VID_DIR),
    }
    out.write_text(json.dumps(cache, separators=(",", ":")))
    return cache


# ----------------------------------------------------------------------------- runtime use
@dataclass(frozen=True)
class ShapeLibrary:
    levels: tuple[str, ...]
    points_vw_mm: np.ndarray  # (n, 6, 2)
    loss: np.ndarray  # (n,) Genant height loss of each shape

    def indices(self, level: str, max_loss: float | None = None) -> np.ndarray:
        """Shapes of `level` (or the nearest annotated levels) optionally below a height loss."""
        pos = ALL_LEVEL_NAMES.index(level)
        ok = np.ones(len(self.levels), bool) if max_loss is None else self.loss < max_loss
        for radius in range(0, len(ALL_LEVEL_NAMES)):
            near = {ALL_LEVEL_NAMES[i] for i in range(pos - radius, pos + radius + 1) if 0 <= i < len(ALL_LEVEL_NAMES)}
            idx = np.flatnonzero(ok & np.array([lv in near for lv in self.levels]))
            if len(idx) >= 5:
                return idx
        return np.flatnonzero(ok)


@dataclass(frozen=True)
class Priors:
    shapes: ShapeLibrary
    spines: list[dict]
    evidence: dict


@lru_cache(maxsize=2)
def load_priors(path: str = str(CACHE_PATH)) -> Priors:
    doc = json.loads(Path(path).read_text())
    pts = np.asarray(doc["shapes"]["points_vw_mm"], float).reshape(-1, 6, 2)
    loss = np.array([1.0 - quantify(p).ratio for p in pts])
    lib = ShapeLibrary(tuple(doc["shapes"]["levels"]), pts, loss)
    return Priors(lib, doc["spines"], doc["segment_order_evidence"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="reparse the annotations into priors_cache.json")
    ap.add_argument("--shared", default=os.environ.get("SPINELENS_SHARED", str(DEFAULT_SHARED)))
    args = ap.parse_args()
    if args.rebuild:
        cache = rebuild_cache(Path(args.shared))
        print(json.dumps(cache["segment_order_evidence"], indent=1))
        print(f"{len(cache['shapes']['levels'])} shapes, {len(cache['spines'])} spines -> {CACHE_PATH} "
              f"({CACHE_PATH.stat().st_size // 1024} KB)")
    else:
        p = load_priors()
        print(json.dumps(p.evidence, indent=1))


if __name__ == "__main__":
    main()
