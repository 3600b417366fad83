"""What both training commands share: arguments, device and threads, the learning-rate plan,
the loss log, and the run folder (checkpoint, metrics, ONNX and card)."""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import torch
from torch import nn

from .cache import DEFAULT_SAMPLES, SampleStore, ensure_entries, resolve_generator
from .data import heldout_seeds, severe_seeds, train_seeds


def common_arguments(description: str, iterations: int, batch: int, lr: float, out: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--iterations", type=int, default=iterations)
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--lr", type=float, default=lr, help="Adam learning rate, halved at 50, 70, 85 and 95 %% of the run")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (the machine has 2 cores)")
    p.add_argument("--out", type=Path, default=Path(out), help="run folder: model.pt, metrics.json, NAME.onnx, NAME.json")
    p.add_argument("--publish", type=Path, default=None, help="also write NAME.onnx and NAME.json here (e.g. ../public/models)")
    p.add_argument("--train-phantoms", type=int, default=200, help="size of the training seed pool (cached on disk; 200 so that building the cache fits the 2-hour budget, training/README.md)")
    p.add_argument("--heldout", type=int, default=60, help="held-out phantoms for the final metrics (0: none)")
    p.add_argument("--init", type=Path, default=None, metavar="MODEL_PT_OR_ONNX", help="start from this run's weights (runs/NAME/model.pt) instead of random ones: a longer run in several sittings, or a fine-tune on a newer generator; or from a shipped ONNX file (../public/models/NAME.onnx, its card beside it), whose batch norms are folded into the convolutions and stay frozen")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--seed", type=int, default=0, help="seed of sampling and augmentation")
    p.add_argument("--cache", type=Path, default=DEFAULT_SAMPLES, help="root of the per-phantom sample cache (built first where missing: models/build_cache.py)")
    p.add_argument("--workers", type=int, default=2, help="processes that build missing cache entries before training (one core each)")
    p.add_argument("--memory-mb", type=float, default=1500, help="keep cache entries read during training in memory up to this size")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--generator", default=None, metavar="MODULE:FUNCTION", help="another generate(seed, preset) (smoke tests); default: the phantom package")
    return p


def training_pool(args: argparse.Namespace) -> list[int]:
    """The training seeds: --train-phantoms of the population mix, plus --severe-phantoms of the
    severe fracture mix where the command has that option (train:detector)."""
    return list(train_seeds(args.train_phantoms)) + list(severe_seeds(getattr(args, "severe_phantoms", 0)))


def sample_store(args: argparse.Namespace, parts: tuple[str, ...]) -> tuple[SampleStore, dict[str, float]]:
    """Build the missing cache entries of the training and held-out seeds (with --workers
    processes, progress printed), then the store the training loop reads from."""
    seeds = training_pool(args) + list(heldout_seeds(args.heldout))
    summary = ensure_entries(args.cache, args.generator, seeds, workers=args.workers)
    generate, version = resolve_generator(args.generator)
    return SampleStore(args.cache, generate, version, parts=parts, memory_bytes=args.memory_mb * 1e6), summary


def timing_summary(cache_seconds: float, train_seconds: float, eval_seconds: float, iterations: int, data_seconds: float) -> dict[str, float]:
    """The phases of the run (printed, and kept in the card's training block)."""
    times = {"cacheBuildSeconds": round(cache_seconds, 1), "trainSeconds": round(train_seconds, 1), "evaluationSeconds": round(eval_seconds, 1),
             "secondsPerIteration": round(train_seconds / max(iterations, 1), 3), "dataSecondsPerIteration": round(data_seconds / max(iterations, 1), 3)}
    total = cache_seconds + train_seconds + eval_seconds
    print(f"time: cache {cache_seconds / 60:.1f} min + training {train_seconds / 60:.1f} min ({times['secondsPerIteration']:.2f} s/iter, "
          f"data {times['dataSecondsPerIteration']:.3f} s/iter) + held-out evaluation {eval_seconds / 60:.1f} min = {total / 60:.1f} min", flush=True)
    return times


def setup(args: argparse.Namespace) -> torch.device:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return torch.device(args.device)


def milestones_scheduler(optimizer: torch.optim.Optimizer, iterations: int) -> torch.optim.lr_scheduler.MultiStepLR:
    """Halve the rate late in the run (the paper's detector schedule, scaled to any length)."""
    marks = sorted({max(1, int(iterations * f)) for f in (0.5, 0.7, 0.85, 0.95)})
    return torch.optim.lr_scheduler.MultiStepLR(optimizer, marks, gamma=0.5)


@dataclass
class LossLog:
    """Prints the mean of each term over the last `every` iterations, and keeps the curve."""

    every: int
    total: int = 0  # iterations of the run (for the time left)
    started: float = field(default_factory=time.time)
    cpu_started: float = field(default_factory=time.process_time)
    window: dict[str, list[float]] = field(default_factory=dict)
    curve: list[dict[str, float]] = field(default_factory=list)

    def add(self, iteration: int, total: float, parts: dict[str, float], data_seconds: float = 0.0, last: bool = False, step_seconds: float = 0.0) -> None:
        """`data_seconds`: time spent making this iteration's batch, `step_seconds`: the net's
        forward, backward and update (shown apart: either may limit a CPU run)."""
        for k, v in {"loss": total, **parts, "data_s": data_seconds, "step_s": step_seconds}.items():
            self.window.setdefault(k, []).append(v)
        if iteration % self.every == 0 or iteration == 1 or last:
            row = {"iteration": iteration, **{k: float(np.mean(v)) for k, v in self.window.items()}}
            seconds = (time.time() - self.started) / iteration
            cpu = (time.process_time() - self.cpu_started) / iteration
            left = f", ~{seconds * (self.total - iteration) / 60:.0f} min left" if self.total > iteration else ""
            # CPU seconds (all threads) per iteration, next to the wall time: on a shared machine
            # the wall time depends on the others' load, the CPU time much less.
            print(f"iter {iteration:6d}  " + "  ".join(f"{k} {v:.4f}" for k, v in row.items() if k != "iteration") + f"  ({seconds:.2f} s/iter, cpu {cpu:.2f} s/iter{left})", flush=True)
            self.curve.append(row)
            self.window = {}


def command_line() -> str:
    return "cd training && /usr/bin/python3 -m " + " ".join(shlex.quote(a) for a in [sys.modules["__main__"].__spec__.name if getattr(sys.modules["__main__"], "__spec__", None) else sys.argv[0], *sys.argv[1:]])


def save_run(kind: str, net: nn.Module, args: argparse.Namespace, training: dict[str, Any], metrics: dict[str, Any], curve: list[dict[str, float]]) -> None:
    """model.pt + metrics.json in the run folder, then the ONNX and its card there (and in
    --publish when given)."""
    from .export import export_with_card

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": net.state_dict(), "training": training, "metrics": metrics}, args.out / "model.pt")
    (args.out / "metrics.json").write_text(json.dumps({"metrics": metrics, "lossCurve": curve, "training": training}, indent=2) + "\n")
    for folder in [args.out] + ([args.publish] if args.publish else []):
        onnx_path, card_path = export_with_card(kind, net.cpu(), folder, metrics, training)
        print(f"wrote {onnx_path} and {card_path}")


def earlier_sittings(before: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The training history of an --init checkpoint's `training` block, oldest first: its own
    earlier sittings, then itself (command, generator, iterations, learning rate, seconds), so
    the card of a model trained in several sittings says how to make it again."""
    if before is None:
        return []
    keep = ("command", "generatorVersion", "iterations", "learningRate", "seconds", "initialisedFrom")
    return list(before.get("sittings", [])) + [{k: before[k] for k in keep if k in before}]


def start_from(net: nn.Module, init: Path | None, device: torch.device) -> list[dict[str, Any]]:
    """--init: load that checkpoint's weights into `net` (read once) and return its sittings
    (earlier_sittings); without --init, random weights and no sittings. An .onnx file (a shipped
    model; run folders are not committed, so a clean checkout has only these) is read by
    load_folded_onnx, its sittings from the model card beside it."""
    if init is None:
        return []
    if init.suffix == ".onnx":
        load_folded_onnx(net, init)
        card = init.with_suffix(".json")
        return earlier_sittings(json.loads(card.read_text()).get("training", {}) if card.exists() else {})
    state = torch.load(init, map_location=device)
    net.load_state_dict(state["model"])
    return earlier_sittings(state.get("training", {}))


def load_folded_onnx(net: nn.Module, path: Path) -> None:
    """Weights from an ONNX file exported from this architecture (export.py), where each batch
    norm has been folded into the convolution before it (weight and a bias). The convolution
    takes the folded weight, its batch norm becomes the identity plus the folded bias (mean 0,
    variance 1, scale sqrt(1 + eps)), and the batch norms are frozen (train_mode keeps them in
    eval mode): in training mode they would normalise by batch statistics, a different function.
    The exported file of the fine-tuned net folds them again."""
    import onnx
    from onnx import numpy_helper

    from .export import conv_bn_pairs

    weights = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}
    used: set[str] = set()
    # the exported graph may wrap the network (the localizer's soft-argmax head: "net.stem...")
    first = next(f"{n}.weight" for n, m in net.named_modules() if isinstance(m, nn.modules.conv._ConvNd))
    prefix = next((w[: len(w) - len(first)] for w in weights if w == first or w.endswith("." + first)), "")

    def take(name: str, like: torch.Tensor) -> torch.Tensor:
        name = prefix + name
        if name not in weights or tuple(weights[name].shape) != tuple(like.shape):
            raise SystemExit(f"{path}: no weight {name} of shape {tuple(like.shape)}: not exported from this network")
        used.add(name)
        return torch.from_numpy(weights[name].copy()).to(like.dtype)

    pairs = conv_bn_pairs(net)
    paired = {id(seq[i]) for _, seq, i in pairs}
    with torch.no_grad():
        for name, seq, i in pairs:
            conv, bn = seq[i], seq[i + 1]
            conv.weight.copy_(take(f"{name}.{i}.weight", conv.weight))
            bn.bias.copy_(take(f"{name}.{i}.bias", bn.bias))
            bn.weight.fill_(float(np.sqrt(1.0 + bn.eps)))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0)
        for name, module in net.named_modules():
            if isinstance(module, nn.modules.conv._ConvNd) and module.bias is not None and id(module) not in paired:
                module.weight.copy_(take(f"{name}.weight", module.weight))
                module.bias.copy_(take(f"{name}.bias", module.bias))
    unused = sorted(set(weights) - used)
    if unused:
        raise SystemExit(f"{path}: weights {unused[:4]} have no place in this network")
    net.frozen_batchnorm = True  # type: ignore[attr-defined]


def train_mode(net: nn.Module) -> None:
    """net.train(), but batch norms loaded folded from ONNX (load_folded_onnx) stay in eval mode."""
    net.train()
    if getattr(net, "frozen_batchnorm", False):
        for m in net.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()


def stack_to(device: torch.device, values: list[np.ndarray]) -> torch.Tensor:
    """One batch tensor on the training device from per-sample arrays."""
    return torch.from_numpy(np.stack(values)).to(device)


Batch = dict[str, torch.Tensor]


def train_loop(
    args: argparse.Namespace,
    optimizer: torch.optim.Optimizer,
    draw_batch: Callable[[], Batch],
    step: Callable[[Batch], tuple[float, dict[str, float]]],
) -> tuple["LossLog", float, float]:
    """The iterations both commands run: draw a batch, take a step, follow the learning-rate
    plan, and log data and step time apart. Returns the log, training seconds and data seconds."""
    scheduler = milestones_scheduler(optimizer, args.iterations)
    log = LossLog(args.log_every, args.iterations)
    started = time.time()
    data_total = 0.0
    for iteration in range(1, args.iterations + 1):
        tick = time.time()
        batch = draw_batch()
        data_seconds = time.time() - tick
        data_total += data_seconds
        tick = time.time()
        loss, parts = step(batch)
        scheduler.step()
        log.add(iteration, loss, parts, data_seconds, last=iteration == args.iterations, step_seconds=time.time() - tick)
    return log, time.time() - started, data_total
