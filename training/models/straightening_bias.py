"""How much milder a fractured body reads in the straightened image than in patient mm, for
several centreline smoothings (conventions.STRAIGHTEN_SMOOTHING_SIGMA_MM): the true six points
are mapped into the image (no image is made) and G is taken from the pixel heights.

Phantoms (the cached ground truths of training seeds 0 … N-1 and the first M severe-mix seeds):
the mean of G in pixels minus G in mm over the grade 2-3 bodies, the mean |difference| over all
bodies, and how far the smoothed line passes from the body centroids. With --truth and --result
(a ground_truth.json and the result of `npx spinelens analyze … --out`): per vertebra, G in mm,
in pixels along the true centreline and along the result's centreline.

    cd training && /usr/bin/python3 -m models.straightening_bias [--train 60 --severe 40]
    cd training && /usr/bin/python3 -m models.straightening_bias --truth ../public/demo/phantom-chest/ground_truth.json --result /tmp/demo.json
    cd training && /usr/bin/python3 -m models.straightening_bias --runtime ../.cache/fracture-grading/results/models --sigmas 0 4 8 12 16 20

With --runtime (after `python3 -m models.fracture_grading`, whose result documents it reads): per
smoothing of the training views, how far the runtime's image of each body (straightened along the
localizer's own line) draws G from a training view's, over the 22 known fractures' phantoms;
conventions.TRAINING_VIEW_SMOOTHING_SIGMA_MM was chosen with it.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from contract.genant import genant_ratio, heights_from_points

from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .data import severe_seeds, train_seeds
from .straightening import map_points, straightening_for

SIGMAS_MM = (0.0, 4.0, 8.0, 12.0, 16.0)


def pixel_ratio(points_px: np.ndarray) -> float:
    """G of six (column, row) points, in pixels."""
    return genant_ratio(heights_from_points([[c, r, 0.0] for c, r in points_px]))


def phantom_figures(truths: Sequence[dict[str, Any]], sigma_mm: float) -> dict[str, float]:
    shift_fractured, shift_all, distance = [], [], []
    for truth in truths:
        line = np.asarray(truth["centrelineMm"], dtype=float)
        s = straightening_for(line, sigma_mm)
        for v in truth["vertebrae"]:
            px, inside = map_points(s, np.asarray(v["pointsMm"], dtype=float))
            if not inside.all():
                continue
            shift = pixel_ratio(px) - v["genantRatio"]
            shift_all.append(abs(shift))
            if v["grade"] >= 2:
                shift_fractured.append(shift)
            distance.append(float(np.min(np.linalg.norm(s.curve_mm - np.asarray(v["centroidMm"]), axis=1))))
    return {"grade 2-3 bodies": len(shift_fractured), "grade 2-3: mean G(px) - G(mm)": float(np.mean(shift_fractured)),
            "all: mean |G(px) - G(mm)|": float(np.mean(shift_all)), "line to centroid, median mm": float(np.median(distance)),
            "line to centroid, max mm": float(np.max(distance))}


def runtime_figures(cases: Sequence[tuple[dict[str, Any], dict[str, Any]]], sigma_mm: float) -> dict[str, float]:
    """(truth, result) pairs: how far G in the image straightened along the result's own
    centreline (what the runtime's detector sees) lies from G along the true centreline smoothed
    by sigma_mm (what a training view shows), and how much milder than in mm each draws the
    grade 2-3 bodies."""
    rows = []
    for truth, result in cases:
        runtime = straightening_for(np.asarray(result["centrelineMm"], dtype=float), 0.0)
        training = straightening_for(np.asarray(truth["centrelineMm"], dtype=float), sigma_mm)
        for v in truth["vertebrae"]:
            points = np.asarray(v["pointsMm"], dtype=float)
            (a, ok_a), (b, ok_b) = map_points(runtime, points), map_points(training, points)
            if ok_a.all() and ok_b.all():
                rows.append((v["grade"], pixel_ratio(a), pixel_ratio(b), v["genantRatio"]))
    r = np.asarray(rows, dtype=float)
    fractured = r[r[:, 0] >= 2]
    return {"bodies": len(r), "grade 2-3 bodies": len(fractured),
            "all: mean |G(px runtime) - G(px training)|": float(np.mean(np.abs(r[:, 1] - r[:, 2]))),
            "grade 2-3: mean |G(px runtime) - G(px training)|": float(np.mean(np.abs(fractured[:, 1] - fractured[:, 2]))),
            "grade 2-3: mean G(px runtime) - G(mm)": float(np.mean(fractured[:, 1] - fractured[:, 3])),
            "grade 2-3: mean G(px training) - G(mm)": float(np.mean(fractured[:, 2] - fractured[:, 3]))}


def study_table(truth: dict[str, Any], result: dict[str, Any], sigma_mm: float) -> list[str]:
    lines = {"true centreline": np.asarray(truth["centrelineMm"], dtype=float), "result's centreline": np.asarray(result["centrelineMm"], dtype=float)}
    rows = [f"{'level':6s} {'G mm':>6s} " + " ".join(f"{name:>20s}" for name in lines)]
    straightenings = {name: straightening_for(line, sigma_mm) for name, line in lines.items()}
    for v in truth["vertebrae"]:
        cells = [f"{pixel_ratio(map_points(s, np.asarray(v['pointsMm'], dtype=float))[0]):20.2f}" for s in straightenings.values()]
        rows.append(f"{v['level']:6s} {v['genantRatio']:6.2f} " + " ".join(cells))
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", type=int, default=60, help="training seeds 0 … N-1")
    p.add_argument("--severe", type=int, default=40, help="the first M severe-mix seeds")
    p.add_argument("--sigmas", type=float, nargs="+", default=list(SIGMAS_MM), help="smoothings to compare (mm)")
    p.add_argument("--truth", type=Path, help="a ground_truth.json (with --result: one study instead of the phantoms)")
    p.add_argument("--result", type=Path, help="the analysis result of that study (npx spinelens analyze … --out)")
    p.add_argument("--runtime", type=Path, help="a folder of models.fracture_grading's result documents (.cache/fracture-grading/results/<models>): "
                   "compare the runtime's images of its 11 cases with training views smoothed by each sigma")
    args = p.parse_args()
    if args.runtime:
        from .fracture_grading import CACHE, case_folders

        cases = [(json.loads((folder / "ground_truth.json").read_text()), json.loads((args.runtime / f"{name}.json").read_text())) for name, folder in case_folders(CACHE)]
        for sigma in args.sigmas:
            print(f"training views smoothed by {sigma:4g} mm: " + ", ".join(f"{k} {v:.3g}" for k, v in runtime_figures(cases, sigma).items()))
        return
    if args.truth or args.result:
        if not (args.truth and args.result):
            p.error("--truth and --result go together")
        truth, result = json.loads(args.truth.read_text()), json.loads(args.result.read_text())
        for sigma in args.sigmas:
            print(f"G in pixels, centreline smoothed by {sigma:g} mm")
            print("\n".join(study_table(truth, result, sigma)))
        return
    seeds = list(train_seeds(args.train)) + list(severe_seeds(args.severe))
    ensure_entries(DEFAULT_SAMPLES, None, seeds, label="straightening_bias cache")
    generate, version = resolve_generator(None)
    store = SampleStore(DEFAULT_SAMPLES, generate, version, parts=("detector",))
    truths = [store.entry(seed).truth for seed in seeds]
    print(f"{len(truths)} phantoms ({version}): training seeds 0-{args.train - 1}, severe-mix seeds {seeds[-1] - args.severe + 1}-{seeds[-1]}")
    for sigma in args.sigmas:
        figures = phantom_figures(truths, sigma)
        print(f"sigma {sigma:4g} mm: " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
