"""Sweep the detector's objectness threshold on validation phantoms (conventions.VALIDATION_SEEDS:
never trained on, never scored as held-out) and print the held-out figures at each threshold,
so the card's threshold is chosen on data that is neither training nor test.

    cd training && /usr/bin/python3 -m models.calibrate_objectness [--phantoms 20] [--thresholds 0.2,0.3,0.35,0.4,0.5,0.7]

Reads the trained checkpoint runs/detector/model.pt; builds the validation phantoms' cache
entries first when missing (about 15 s of CPU each).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from . import conventions as C
from . import evaluate
from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .detector import DetectorNet
from .train_detector import detector_runner


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--phantoms", type=int, default=20)
    p.add_argument("--thresholds", default="0.2,0.3,0.35,0.4,0.5,0.7")
    p.add_argument("--checkpoint", type=Path, default=Path("runs/detector/model.pt"))
    p.add_argument("--cache", type=Path, default=DEFAULT_SAMPLES)
    args = p.parse_args()
    torch.set_num_threads(2)
    net = DetectorNet()
    net.load_state_dict(torch.load(args.checkpoint, map_location="cpu")["model"])
    net.eval()
    run = detector_runner(net, torch.device("cpu"))
    seeds = list(range(C.VALIDATION_SEEDS[0], C.VALIDATION_SEEDS[0] + args.phantoms))
    ensure_entries(args.cache, None, seeds, workers=1, label="validation")
    generate, version = resolve_generator(None)
    store = SampleStore(args.cache, generate, version, parts=("detector",), memory_bytes=1e9)
    entries = [store.entry(s) for s in seeds]
    for threshold in (float(t) for t in args.thresholds.split(",")):
        cases = [evaluate.evaluate_detector_image(run, e.views[0].image_hu.astype(np.float32), e.views[0].straightening(), e.truth, threshold) for e in entries]
        figures = evaluate.summarise_detector(cases)
        print(f"objectness ≥ {threshold:.2f}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()
