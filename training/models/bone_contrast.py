"""How bright bone is in the detector's input, real CT against phantoms: percentiles of the
straightened mid-sagittal image's pixels above BONE_PIVOT_HU. The real abdomen goes through the
shipped models' pipeline (real_ct.run_pipeline); phantoms are the held-out cache's views along
the true centreline. The figures behind augment.real_bone's ranges.

    cd training && /usr/bin/python3 -m models.bone_contrast [--phantoms 3]
"""
from __future__ import annotations

import argparse

import numpy as np

from .augment import BONE_PIVOT_HU
from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .data import heldout_seeds
from .eval_models import DEFAULT_MODELS, DEFAULT_SHARED, running_engine
from .export import NAMES
from .onnx_engine import detector_fn, graph_runner, localizer_fn
from .real_ct import load_abdomen, run_pipeline

PERCENTILES = (25, 50, 75, 90)


def bone_percentiles(image_hu: np.ndarray) -> list[float]:
    return [round(float(v)) for v in np.percentile(image_hu[image_hu > BONE_PIVOT_HU], PERCENTILES)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--phantoms", type=int, default=3, help="held-out abdomen phantoms (seeds 1000001, 1000006, …)")
    args = p.parse_args()
    with running_engine("auto", 2) as (engine, bridge, note):
        runs = {kind: graph_runner(engine, DEFAULT_MODELS / f"{name}.onnx", bridge) for kind, name in NAMES.items()}
        prediction = run_pipeline(load_abdomen(DEFAULT_SHARED / "data" / "real"), localizer_fn(runs["localizer"]), detector_fn(runs["detector"]))
    print(f"pixels > {BONE_PIVOT_HU:.0f} HU of the straightened image, percentiles {PERCENTILES} in HU ({note})")
    print(f"  real abdomen (shipped models' centreline): {bone_percentiles(prediction.image)}")
    seeds = [s for s in heldout_seeds(5 * args.phantoms) if s % 5 == 1]  # PRESETS[seed % 5] == abdomen
    ensure_entries(DEFAULT_SAMPLES, None, seeds, workers=1, label="held-out cache")
    generate, version = resolve_generator(None)
    store = SampleStore(DEFAULT_SAMPLES, generate, version, parts=("detector",))
    for seed in seeds:
        print(f"  phantom abdomen {seed} ({version}, true centreline): {bone_percentiles(store.entry(seed).views[0].image_hu.astype(np.float32))}")


if __name__ == "__main__":
    main()
