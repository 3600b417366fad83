"""Whether detectors see the severe fractures at all: for each run folder (runs/NAME/model.pt),
the largest objectness within two cells of each grade 3 body's centroid, on the cached images
straightened along the true centreline (view 0), grouped by fracture type. Training-set seeds
show whether a detector could fit a kind of body; held-out ones whether it generalises.

The views are the cache's for the current conventions: to score on smoothed views, set
conventions.STRAIGHTEN_SMOOTHING_SIGMA_MM first (the cache of that setting is then used or built).

    cd training && /usr/bin/python3 -m models.objectness_by_type runs/detector-ft3 runs/detector-ft9 [--severe 80]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from . import conventions as C
from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .data import severe_seeds
from .detector import DetectorNet
from .preprocess import preprocess_detector
from .trainer import start_from


def objectness_map(net: DetectorNet, image_hu: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.sigmoid(net(torch.from_numpy(preprocess_detector(image_hu))[None, None])[0][0, 0]).numpy()


def near(objectness: np.ndarray, centroid_px: np.ndarray, cells: int = 2) -> float:
    r = C.DETECTOR_STRIDE
    i, j = (int(round((c - (r - 1) / 2) / r)) for c in (centroid_px[1], centroid_px[0]))
    return float(objectness[max(i - cells, 0) : i + cells + 1, max(j - cells, 0) : j + cells + 1].max())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", type=Path, nargs="+", help="run folders holding model.pt")
    p.add_argument("--severe", type=int, default=80, help="the first N severe-mix seeds (training seeds of --severe-phantoms N)")
    args = p.parse_args()
    nets = {}
    for run in args.runs:
        nets[run.name] = DetectorNet()
        start_from(nets[run.name], run / "model.pt", torch.device("cpu"))
        nets[run.name].eval()
    seeds = list(severe_seeds(args.severe))
    ensure_entries(DEFAULT_SAMPLES, None, seeds, label="severe-mix cache")
    generate, version = resolve_generator(None)
    store = SampleStore(DEFAULT_SAMPLES, generate, version, parts=("detector",))
    scores: dict[str, dict[str, list[float]]] = {}
    for seed in seeds:
        entry = store.entry(seed)
        view = entry.views[0]
        bodies = [(i, v["type"]) for i, v in enumerate(entry.truth["vertebrae"]) if v["grade"] == 3 and view.valid[i].all()]
        if not bodies:
            continue
        maps = {name: objectness_map(net, view.image_hu.astype(np.float32)) for name, net in nets.items()}
        for i, kind in bodies:
            for name, m in maps.items():
                scores.setdefault(kind, {}).setdefault(name, []).append(near(m, view.points_px[i].mean(axis=0)))
    print(f"grade 3 bodies of severe-mix seeds {seeds[0]}-{seeds[-1]} ({version}, cache {store.dir.name if store.dir else 'memory'}): largest objectness within 2 cells of the centroid")
    for kind in sorted(scores):
        cells = [f"{name} median {np.median(v):.2f}, {sum(x < 0.5 for x in v)} below 0.5" for name, v in scores[kind].items()]
        print(f"  {kind:9s} ({len(next(iter(scores[kind].values())))} bodies): " + "; ".join(cells))


if __name__ == "__main__":
    main()
