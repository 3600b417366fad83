"""Train the vertebra detector on straightened phantoms, print the loss curve and the held-out
metrics, and write the run (checkpoint, metrics, ONNX, card).

    cd training && /usr/bin/python3 -m models.train_detector --iterations 5 --heldout 2
"""
from __future__ import annotations

import time

import numpy as np
import torch

from . import conventions as C
from .augment import AugmentRanges
from .cache import DETECTOR_JITTER_VARIANTS, PREP_VERSION
from .data import DetectorSample, cached_detector_sample, heldout_seeds
from .detector import DetectorNet, detector_loss
from .evaluate import evaluate_detector_image, format_table, summarise_detector
from .inference import detector_runner
from .straightening import training_view_description
from .trainer import command_line, common_arguments, sample_store, save_run, setup, stack_to, start_from, timing_summary, train_loop, train_mode, training_pool


def detector_batch(samples: list[DetectorSample], device: torch.device) -> dict[str, torch.Tensor]:
    return {
        "image": stack_to(device, [s.image for s in samples]).unsqueeze(1),
        "objectness": stack_to(device, [s.targets.objectness for s in samples]),
        "objectness_weight": stack_to(device, [s.targets.objectness_weight for s in samples]),
        "keypoints": stack_to(device, [s.targets.keypoints for s in samples]),
        "regression_weight": stack_to(device, [s.targets.regression_weight for s in samples]),
        "level": stack_to(device, [s.targets.level for s in samples]),
    }


def detector_step(net: DetectorNet, optimizer: torch.optim.Optimizer, batch: dict[str, torch.Tensor]) -> tuple[float, dict[str, float]]:
    train_mode(net)
    optimizer.zero_grad()
    loss, parts = detector_loss(net(batch["image"]), batch["objectness"], batch["objectness_weight"], batch["keypoints"], batch["regression_weight"], batch["level"])
    loss.backward()
    optimizer.step()
    return float(loss), parts


def fractured_seeds(store, seeds) -> list[int]:
    """The training phantoms with a vertebra of grade ≥ 2 (read from the cache's ground truth)."""
    return [int(s) for s in seeds if any(int(v["grade"]) >= 2 for v in store.entry(int(s)).truth["vertebrae"])]


def draw_seed(rng: np.random.Generator, seeds, fractured: list[int], share: float) -> int:
    """A training phantom: with probability `share` one with a moderate or severe fracture, so the
    rare fractured bodies shape the points more than their ~5 % of vertebrae would."""
    if fractured and rng.random() < share:
        return int(rng.choice(fractured))
    return int(rng.choice(seeds))


def main() -> None:
    parser = common_arguments(__doc__ or "", iterations=8000, batch=8, lr=3e-4, out="runs/detector")
    parser.add_argument("--rows", type=int, default=256, help="rows of the training crop (multiple of 32)")
    parser.add_argument("--severe-phantoms", type=int, default=0, help="add this many training phantoms generated with the severe fracture mix (conventions.SEVERE_FRACTURE_SEEDS) to the pool")
    parser.add_argument("--genant-weighted-objectness", action="store_true", help="weigh each positive cell's objectness loss by 1 / max(G, 0.3), as its regression (lifted severe crushes' objectness, cost precision: training/README.md, detector-ft9)")
    parser.add_argument("--fracture-share", type=float, default=0.0, help="share of the samples drawn from the training phantoms with a fracture of grade ≥ 2 (fractures are ~5 %% of vertebrae; 0: uniform)")
    args = parser.parse_args()
    device = setup(args)
    rng = np.random.default_rng(args.seed)
    started = time.time()
    store, cache = sample_store(args, parts=("detector",))
    cache_seconds = time.time() - started
    seeds = training_pool(args)
    fractured = fractured_seeds(store, seeds) if args.fracture_share > 0 else []
    if fractured:
        print(f"{len(fractured)} of {len(seeds)} training phantoms have a moderate or severe fracture", flush=True)
    ranges = None if args.no_augment else AugmentRanges()
    net = DetectorNet().to(device)
    sittings = start_from(net, args.init, device)
    print(f"detector: {sum(p.numel() for p in net.parameters()):,} parameters on {device}, generator {store.version}, cache {PREP_VERSION}", flush=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    log, train_seconds, data_total = train_loop(
        args,
        optimizer,
        draw_batch=lambda: detector_batch([cached_detector_sample(store.entry(draw_seed(rng, seeds, fractured, args.fracture_share)), rng, args.rows, ranges, args.genant_weighted_objectness) for _ in range(args.batch)], device),
        step=lambda batch: detector_step(net, optimizer, batch),
    )
    started = time.time()
    metrics = {"syntheticHeldout": {}, "real": {}}
    if args.heldout > 0:
        run = detector_runner(net, device)
        views = ((e.views[0], e.truth) for e in (store.entry(s) for s in heldout_seeds(args.heldout)))
        cases = [evaluate_detector_image(run, v.image_hu.astype(np.float32), v.straightening(), truth) for v, truth in views]
        metrics["syntheticHeldout"] = summarise_detector(cases)
        print(format_table(f"held-out phantoms (seeds {heldout_seeds(args.heldout).start}…{heldout_seeds(args.heldout).stop - 1})", metrics["syntheticHeldout"]), flush=True)
    times = timing_summary(cache_seconds, train_seconds, time.time() - started, args.iterations, data_total)
    training = {
        "generatorVersion": store.version, "iterations": args.iterations, "initialisedFrom": str(args.init) if args.init else None, "sittings": sittings, "batch": args.batch, "learningRate": args.lr,
        "rows": args.rows, "fractureShare": args.fracture_share, "genantWeightedObjectness": args.genant_weighted_objectness, "fracturedTrainPhantoms": len(fractured) if fractured else None,
        "lossWeights": {"heightMae": C.HEIGHT_LOSS_WEIGHT, "ratioMae": C.RATIO_LOSS_WEIGHT}, "trainPhantoms": args.train_phantoms, "severeFracturePhantoms": args.severe_phantoms, "augmentation": not args.no_augment,
        "sampleCache": PREP_VERSION, "centrelineJitterVariants": DETECTOR_JITTER_VARIANTS,
        "device": str(device), "seconds": round(train_seconds, 1), **times, "command": command_line(),
        "evaluation": f"detector on the mid-sagittal image straightened along {training_view_description()}",
    }
    save_run("detector", net, args, training, metrics, log.curve)


if __name__ == "__main__":
    main()
