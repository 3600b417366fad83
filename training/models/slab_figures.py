"""The localizer's held-out figures when it runs in slabs of other sizes (slabs.in_slabs): the
centreline and limits errors over the held-out seeds, for each SLICES/STEP pair. The shipped
localizer and its card's slabs (conventions.LOCALIZER_SLAB_*) are the first line's baseline.

    cd training && /usr/bin/python3 -m models.slab_figures [--heldout 60] [--slabs 48/32 40/24 32/16]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from . import conventions as C
from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .data import heldout_seeds, localizer_input
from .eval_models import DEFAULT_MODELS, running_engine
from .evaluate import evaluate_localizer_input, summarise_localizer
from .onnx_engine import graph_runner
from .slabs import in_slabs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--heldout", type=int, default=60, help="held-out seeds to score")
    p.add_argument("--slabs", nargs="+", default=[f"{C.LOCALIZER_SLAB_SLICES}/{C.LOCALIZER_SLAB_STEP_SLICES}", "40/24", "32/16"],
                   help="SLICES/STEP pairs (slices a multiple of 8: the net halves z three times)")
    p.add_argument("--model", type=Path, default=DEFAULT_MODELS / "spine-localizer.onnx")
    args = p.parse_args()
    seeds = list(heldout_seeds(args.heldout))
    ensure_entries(DEFAULT_SAMPLES, None, seeds, label="held-out cache")
    generate, version = resolve_generator(None)
    store = SampleStore(DEFAULT_SAMPLES, generate, version, parts=("localizer",))
    entries = [store.entry(seed) for seed in seeds]
    with running_engine("auto", 2) as (engine, bridge, note):
        run = graph_runner(engine, args.model, bridge)

        def whole(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            center, presence = run(np.asarray(image, dtype=np.float32)[None, None])
            return center[0], presence[0]

        print(f"{args.model.name} on {len(entries)} held-out phantoms ({version}, {note})")
        for pair in args.slabs:
            slices, step = (int(n) for n in pair.split("/"))
            localizer = in_slabs(whole, slices, step)
            figures = summarise_localizer([evaluate_localizer_input(localizer, *localizer_input(e), e.truth) for e in entries])
            print(f"slabs {slices}/{step}: centreline {figures['centrelineMeanErrorMm']:.3f} mm, limits {figures['limitsErrorMm']:.2f} mm, presence accuracy {figures['presenceAccuracy']:.3f}")


if __name__ == "__main__":
    main()
