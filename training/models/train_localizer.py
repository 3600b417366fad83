"""Train the spine localizer on phantoms, print the loss curve and the held-out metrics, and
write the run (checkpoint, metrics, ONNX, card).

    cd training && /usr/bin/python3 -m models.train_localizer --iterations 5 --heldout 2
"""
from __future__ import annotations

import time

import numpy as np
import torch

from .augment import AugmentRanges
from .cache import PREP_VERSION
from .data import LocalizerSample, cached_localizer_sample, heldout_seeds, localizer_input, train_seeds
from .evaluate import evaluate_localizer_input, format_table, summarise_localizer
from .inference import localizer_runner
from .localizer import LocalizerNet, localizer_loss, slice_centre_and_presence_logit
from .trainer import command_line, common_arguments, sample_store, save_run, setup, stack_to, start_from, timing_summary, train_loop, train_mode


# The femoral heads' centres lie about 90 mm below S1's (phantom/pelvis.HIP_LEVELS, 3.2 levels).
HIP_BELOW_S1_MM = 80.0


def reaches_hips(truth: dict) -> bool:
    """Whether a phantom's scan reaches the femoral heads: S1 in the spine, its centroid at least
    HIP_BELOW_S1_MM above the scan's lowest slice."""
    s1 = [v["centroidMm"] for v in truth["vertebrae"] + truth.get("partialVertebrae", []) if v["level"] == "S1" and "centroidMm" in v]
    if not s1:
        return False
    g = truth["geometry"]
    ends = [g["originMm"][2], g["originMm"][2] + (g["dimensions"][2] - 1) * g["spacingMm"][2] * g["direction"]["slice"][2]]
    return s1[0][2] - min(ends) >= HIP_BELOW_S1_MM


def localizer_batch(samples: list[LocalizerSample], device: torch.device) -> dict[str, torch.Tensor]:
    return {
        "image": stack_to(device, [s.image for s in samples]).unsqueeze(1),
        "centre": stack_to(device, [s.targets.centre for s in samples]),
        "centre_mask": stack_to(device, [s.targets.centre_mask for s in samples]),
        "presence": stack_to(device, [s.targets.presence for s in samples]),
    }


def localizer_step(net: LocalizerNet, optimizer: torch.optim.Optimizer, batch: dict[str, torch.Tensor]) -> tuple[float, dict[str, float]]:
    train_mode(net)
    optimizer.zero_grad()
    centre, presence_logit = slice_centre_and_presence_logit(net(batch["image"]))
    loss, parts = localizer_loss(centre, presence_logit, batch["centre"], batch["centre_mask"], batch["presence"])
    loss.backward()
    optimizer.step()
    return float(loss), parts


def main() -> None:
    parser = common_arguments(__doc__ or "", iterations=4000, batch=2, lr=1e-3, out="runs/localizer")
    parser.add_argument("--patch", type=int, nargs=3, default=[48, 96, 96], metavar=("Z", "Y", "X"), help="training patch in grid voxels (multiples of 16)")
    parser.add_argument("--implant-share", type=float, default=0.0, help="share of the samples drawn from the training phantoms with metal by a hip (phantom/implants.py; the real abdomen's hip screws read as spine); 0: uniform")
    parser.add_argument("--hip-share", type=float, default=0.0, help="share of the samples drawn from the training phantoms whose scan reaches the hip joints (the real abdomen's right hip read as spine); 0: uniform")
    args = parser.parse_args()
    device = setup(args)
    rng = np.random.default_rng(args.seed)
    started = time.time()
    store, cache = sample_store(args, parts=("localizer",))
    cache_seconds = time.time() - started
    seeds = train_seeds(args.train_phantoms)
    hips = [s for s in seeds if any(k.startswith("hip") for k in store.entry(s).truth.get("implants", []))] if args.implant_share > 0 else []
    if hips:
        print(f"{len(hips)} of {len(seeds)} training phantoms have metal by a hip", flush=True)
    joints = [s for s in seeds if reaches_hips(store.entry(s).truth)] if args.hip_share > 0 else []
    if joints:
        print(f"{len(joints)} of {len(seeds)} training phantoms reach the hip joints", flush=True)

    def draw_seed() -> int:
        u = rng.random()
        if hips and u < args.implant_share:
            return int(rng.choice(hips))
        if joints and u < args.implant_share + args.hip_share:
            return int(rng.choice(joints))
        return int(rng.choice(seeds))

    ranges = None if args.no_augment else AugmentRanges()
    net = LocalizerNet().to(device)
    sittings = start_from(net, args.init, device)
    print(f"localizer: {sum(p.numel() for p in net.parameters()):,} parameters on {device}, generator {store.version}, cache {PREP_VERSION}", flush=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    log, train_seconds, data_total = train_loop(
        args,
        optimizer,
        draw_batch=lambda: localizer_batch([cached_localizer_sample(store.entry(draw_seed()), rng, tuple(args.patch), ranges) for _ in range(args.batch)], device),
        step=lambda batch: localizer_step(net, optimizer, batch),
    )
    started = time.time()
    metrics = {"syntheticHeldout": {}, "real": {}}
    if args.heldout > 0:
        run = localizer_runner(net, device)
        cases = [evaluate_localizer_input(run, *localizer_input(e), e.truth) for e in (store.entry(s) for s in heldout_seeds(args.heldout))]
        metrics["syntheticHeldout"] = summarise_localizer(cases)
        print(format_table(f"held-out phantoms (seeds {heldout_seeds(args.heldout).start}…{heldout_seeds(args.heldout).stop - 1})", metrics["syntheticHeldout"]), flush=True)
    times = timing_summary(cache_seconds, train_seconds, time.time() - started, args.iterations, data_total)
    training = {
        "generatorVersion": store.version, "iterations": args.iterations, "initialisedFrom": str(args.init) if args.init else None, "sittings": sittings, "batch": args.batch, "learningRate": args.lr,
        "patchZYX": args.patch, "trainPhantoms": args.train_phantoms, "implantShare": args.implant_share, "hipShare": args.hip_share, "augmentation": not args.no_augment,
        "sampleCache": PREP_VERSION, "device": str(device), "seconds": round(train_seconds, 1), **times, "command": command_line(),
    }
    save_run("localizer", net, args, training, metrics, log.curve)


if __name__ == "__main__":
    main()
