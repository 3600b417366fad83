"""The app's own steps on held-out phantoms, with and without the second look.

`eval:models` scores the detector on images straightened along the TRUE centreline, as it was
trained; this command runs what the app runs instead (the localizer's line, the detector, the
rules after decoding, then the second look of body_centre_line.py) on phantoms made here from
held-out seeds, and scores both the first look alone and the app's result against the truth:
vertebrae found, levels, grades, G, fractures of grade 2 or worse read 2 or worse, normal bodies
read 2 or worse (listed, each with its phantom and level), and the patient-level ROC AUC of
moderate-or-worse (the worst height loss 1 − G per phantom). The networks run as torch twins of the ONNX files (trainer.load_folded_onnx).

    cd training && /usr/bin/python3 -m models.runtime_check [--seeds 1000121 1000181] [--models ../public/models] [--workers 2]

Seeds 1 000 061 on are held out (conventions.HELDOUT_SEEDS) and never scored by eval:models,
which takes the first 61. Each phantom is made anew (~20 s; 60 take about 10 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import functools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Sequence

import numpy as np

from contract.genant import genant, grade_from_ratio

from . import conventions as C
from .metrics import roc_auc

ROOT = Path(__file__).resolve().parents[2]
MATCH_MM = 10.0  # a found body stands for a true one when their six-point means are this close (one to one)
LOOKS = ("first look", "app (second look)")


@dataclass
class Scored:
    """One phantom's true vertebrae beside what one look read of them."""
    seed: int
    preset: str
    true_worst_grade: int
    read_worst_loss: float
    rows: list[tuple[str, int, float, str | None, float | None]]  # level, true grade, true G, level read, G read


@functools.lru_cache(maxsize=2)  # once per worker process and models folder, not once per seed
def _networks(models: Path) -> tuple[Any, Any]:
    from .detector import DetectorNet
    from .inference import detector_runner, localizer_runner
    from .localizer import LocalizerNet
    from .trainer import load_folded_onnx

    localizer, detector = LocalizerNet(), DetectorNet()
    load_folded_onnx(localizer, models / "spine-localizer.onnx")
    load_folded_onnx(detector, models / "vertebra-detector.onnx")
    return localizer_runner(localizer), detector_runner(detector)


def score(seed: int, truth: dict[str, Any], vertebrae: Sequence[Any]) -> Scored:
    used: set[int] = set()
    rows = []
    for v in truth["vertebrae"]:
        centre = np.mean(v["pointsMm"], axis=0)
        distances = [np.linalg.norm(p.points_mm.mean(axis=0) - centre) if i not in used else np.inf for i, p in enumerate(vertebrae)]
        i = int(np.argmin(distances)) if distances else -1
        if i >= 0 and distances[i] <= MATCH_MM:
            used.add(i)
            rows.append((v["level"], int(v["grade"]), float(v["genantRatio"]), vertebrae[i].level, float(genant(vertebrae[i].points_mm)["genantRatio"])))
        else:
            rows.append((v["level"], int(v["grade"]), float(v["genantRatio"]), None, None))
    worst = max([1.0 - genant(p.points_mm)["genantRatio"] for p in vertebrae] or [0.0])
    return Scored(seed, truth["preset"], max([int(v["grade"]) for v in truth["vertebrae"]] or [0]), worst, rows)


def check_seed(seed: int, models: Path) -> dict[str, Scored]:
    from .data import generate_for_seed, load_generator, preset_for_seed
    from .real_ct import detect_along, detect_once, run_pipeline

    generate, _ = load_generator()
    phantom = generate_for_seed(generate, seed, preset_for_seed(seed))
    truth = json.loads(json.dumps(phantom.ground_truth))
    study = SimpleNamespace(values=np.asarray(phantom.hu, dtype=np.float32), geometry=truth["geometry"])
    localizer, detector = _networks(models)
    prediction = run_pipeline(study, localizer, detector)  # the app: the second look as the card says
    first = detect_once(study, prediction.curve.centreline_mm, detector)[2] if prediction.curve is not None and len(prediction.curve.centreline_mm) >= 2 else []
    return {LOOKS[0]: score(seed, truth, first), LOOKS[1]: score(seed, truth, prediction.vertebrae)}


def figures(scored: Sequence[Scored]) -> dict[str, Any]:
    rows = [r for s in scored for r in s.rows]
    found = [r for r in rows if r[4] is not None]
    fractures = [r for r in found if r[1] >= 2]
    positives = [s.read_worst_loss for s in scored if s.true_worst_grade >= 2]
    negatives = [s.read_worst_loss for s in scored if s.true_worst_grade < 2]
    return {
        "patients (with grade ≥ 2 / without)": f"{len(positives)} / {len(negatives)}",
        "patient AUC, moderate or worse": roc_auc(positives + negatives, [True] * len(positives) + [False] * len(negatives)),
        "vertebrae found": f"{len(found)} of {len(rows)}",
        "level accuracy": sum(r[0] == r[3] for r in found) / max(len(found), 1),
        "grade accuracy": sum(grade_from_ratio(r[4]) == r[1] for r in found) / max(len(found), 1),
        "G mean absolute error": float(np.mean([abs(r[4] - r[2]) for r in found])) if found else None,
        "grade ≥ 2 read ≥ 2": f"{sum(grade_from_ratio(r[4]) >= 2 for r in fractures)} of {sum(r[1] >= 2 for r in rows)}",
        "grade ≥ 2: mean G read − true": float(np.mean([r[4] - r[2] for r in fractures])) if fractures else None,
        "grade 0 read ≥ 2": f"{sum(r[1] == 0 and grade_from_ratio(r[4]) >= 2 for r in found)} of {sum(r[1] == 0 for r in found)}",
    }


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs=2, default=[1000121, 1000181], metavar=("START", "STOP"), help="held-out seeds, half-open")
    p.add_argument("--models", type=Path, default=ROOT / "public" / "models")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    start, stop = args.seeds
    if start < C.HELDOUT_SEEDS[0] or stop > C.HELDOUT_SEEDS[1]:
        p.error(f"the seeds must be held out: within {C.HELDOUT_SEEDS}")
    seeds = list(range(start, stop))
    tick = time.time()
    results: list[dict[str, Scored]] = []
    with ProcessPoolExecutor(args.workers) as pool:
        for k, result in enumerate(pool.map(check_seed, seeds, [args.models] * len(seeds))):
            results.append(result)
            print(f"runtime_check: [{k + 1}/{len(seeds)}] seed {seeds[k]} ({result[LOOKS[0]].preset}) in {time.time() - tick:.0f} s", flush=True)
    table = {look: figures([r[look] for r in results]) for look in LOOKS}
    print(f"\n{len(seeds)} held-out phantoms (seeds {start}-{stop - 1}), models {args.models}\n")
    print(f"| figure | {' | '.join(LOOKS)} |\n|---|{'---|' * len(LOOKS)}")
    for name in table[LOOKS[0]]:
        print(f"| {name} | {' | '.join(_fmt(table[look][name]) for look in LOOKS)} |")
    for look in LOOKS:
        false = [f"{phantom.preset}-{phantom.seed} {level} {read:.2f}" for phantom in (result[look] for result in results)
                 for level, grade, _, _, read in phantom.rows if grade == 0 and read is not None and grade_from_ratio(read) >= 2]
        print(f"\n{look}: normal bodies read moderate or worse: {', '.join(false) or 'none'}")


if __name__ == "__main__":
    main()
