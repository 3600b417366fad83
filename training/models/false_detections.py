"""The detector's detections on cached phantoms, true and false, and what the two rules after
decoding would drop (inside_scan's slice-edge margin, one_column's side-by-side overlap) at other
settings: how SLICE_EDGE_MARGIN_MM and SIDE_BY_SIDE_OVERLAP were chosen (on the training phantoms)
and checked (on the held-out ones). Images along the true centreline, as the held-out figures.

    cd training && /usr/bin/python3 -m models.false_detections [--set train|heldout] [--generator phantom-0.15] [--models DIR]

Session 9 chose the rules with `--set train --generator phantom-0.15 --models runs/detector-ft3`
(the detector shipped then) and checked them with `--set heldout`.

Each false detection is listed with its phantom, score, nearest true vertebra and the figures
the rules look at; then a table of what each setting drops.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from . import conventions as C
from .cache import DEFAULT_SAMPLES, SampleStore, resolve_generator
from .data import heldout_seeds, train_seeds
from .decode import decode_detector
from .eval_models import DEFAULT_MODELS, running_engine
from .inside_scan import SLICE_EDGE_MARGIN_MM, inside_scan, patient_mm_to_voxel
from .metrics import match_by_butterfly
from .one_column import row_overlap
from .onnx_engine import detector_fn, graph_runner
from .preprocess import preprocess_detector
from .straightening import map_points, pixels_to_points


def slice_margin_mm(geometry: dict, points_mm: np.ndarray) -> float:
    """How far inside the first and last slice the nearest point lies, mm (negative: outside)."""
    index = patient_mm_to_voxel(geometry, points_mm)[:, 2]
    last = float(geometry["dimensions"][2] - 1)
    return float(np.min(np.minimum(index, last - index))) * float(geometry["spacingMm"][2])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", choices=("train", "heldout"), default="train")
    p.add_argument("--count", type=int, default=None, help="phantoms (default: 200 training or 60 held-out)")
    p.add_argument("--generator", default=None, help="the cache's generator version (default: the current one)")
    p.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    args = p.parse_args()
    generate, version = resolve_generator(None)
    store = SampleStore(DEFAULT_SAMPLES, generate, args.generator or version)
    seeds = train_seeds(args.count or 200) if args.set == "train" else heldout_seeds(args.count or 60)
    with running_engine("auto", 2) as (engine, bridge, note):
        detector = detector_fn(graph_runner(engine, args.models / "vertebra-detector.onnx", bridge))
        rows = []  # (true?, slice margin mm, largest overlap with a surer detection)
        for seed in seeds:
            entry = store.entry(seed)
            view, truth = entry.views[0], entry.truth
            image, s = view.image_hu.astype(np.float32), view.straightening()
            obj, kp, lvl = detector(preprocess_detector(image))
            # inside the scan, with no margin: what the margin rule would drop is counted below
            found = [(d, pixels_to_points(s, d.points_px)) for d in decode_detector(obj, kp, lvl, image_shape=image.shape)]
            found = [(d, mm) for d, mm in found if inside_scan(truth["geometry"], mm, slice_margin_mm=0.0)]
            truth_px = [map_points(s, np.asarray(v["pointsMm"]))[0] for v in truth["vertebrae"]]
            matched = {i for i, _, _ in match_by_butterfly([d.points_px for d, _ in found], truth_px, C.MATCH_BUTTERFLY_IOU)}
            for i, (d, mm) in enumerate(found):
                margin = slice_margin_mm(truth["geometry"], mm)
                overlap = max([row_overlap(d, o) for o, _ in found if o is not d and o.score > d.score] or [0.0])
                rows.append((i in matched, margin, overlap))
                if i not in matched:
                    centre = d.points_px.mean(axis=0)
                    near = int(np.argmin([np.linalg.norm(t.mean(axis=0) - centre) for t in truth_px])) if truth_px else -1
                    print(f"false: {entry.preset}-{seed} score {d.score:.2f}, nearest true {truth['vertebrae'][near]['level'] if near >= 0 else '-'} "
                          f"{np.linalg.norm(truth_px[near].mean(axis=0) - centre) * s.step_mm:.0f} mm away, slice margin {margin:.1f} mm, "
                          f"overlap with a surer one {overlap:.2f}")
    r = np.array(rows, dtype=float).reshape(-1, 3)
    true, false = r[:, 0] == 1, r[:, 0] == 0
    print(f"{args.set} phantoms ({store.version}, {note}): {int(true.sum())} true and {int(false.sum())} false detections inside the scan")
    print("rule                                   drops true  drops false")
    for m in (0.5, 1.0, 1.5, 2.0, 3.0):
        drop = r[:, 1] < m
        print(f"slice margin < {m:.1f} mm                  {int((drop & true).sum()):10d}  {int((drop & false).sum()):11d}")
    kept = r[:, 1] >= SLICE_EDGE_MARGIN_MM  # the overlap rows: after the margin rule
    for t in (0.3, 0.5, 0.7):
        drop = kept & (r[:, 2] >= t)
        print(f"then side by side, overlap >= {t:.1f}      {int((drop & true).sum()):10d}  {int((drop & false).sum()):11d}")


if __name__ == "__main__":
    main()
