"""ONNX export (opset 17, batch 1, dynamic spatial axes, BatchNorm folded) and the model card
beside it (../shared/DESIGN.md "Model cards").

    /usr/bin/python3 -m models.export --model localizer --checkpoint runs/localizer/model.pt --out-dir DIR

writes DIR/spine-localizer.onnx and DIR/spine-localizer.json (detector: vertebra-detector).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from .card import detector_card, localizer_card
from .detector import DetectorNet
from .localizer import LocalizerForExport, LocalizerNet

OPSET = 17
MAX_BYTES = 8 * 1024 * 1024
FORBIDDEN_OPS = ("ConvTranspose", "BatchNormalization")


def _onnx_export(*args: Any, **kwargs: Any) -> None:
    """torch.onnx.export without torch 1.13's warning about its own constant nodes (the
    exported shapes are checked by check_onnx and the tests; the noise hid real messages)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant type is missing")
        torch.onnx.export(*args, **kwargs)
NAMES = {"localizer": "spine-localizer", "detector": "vertebra-detector"}


def conv_bn_pairs(model: nn.Module) -> list[tuple[str, nn.Sequential, int]]:
    """Every Conv followed by a BatchNorm inside a Sequential: (the Sequential's name, it, the
    Conv's index). The exported file holds each pair as one Conv named `{name}.{index}`
    (fold_batchnorm); trainer.load_folded_onnx reads them back by the same names."""
    return [(name, module, i) for name, module in model.named_modules() if isinstance(module, nn.Sequential)
            for i in range(len(module) - 1)
            if isinstance(module[i], (nn.Conv2d, nn.Conv3d)) and isinstance(module[i + 1], (nn.BatchNorm2d, nn.BatchNorm3d))]


def fold_batchnorm(model: nn.Module) -> nn.Module:
    """An eval-mode copy with every Conv followed by a BatchNorm inside a Sequential fused into
    one Conv (the runtime then runs plain convolutions). Fails if any BatchNorm is left."""
    model = copy.deepcopy(model).eval()
    for _, module, i in conv_bn_pairs(model):
        module[i] = fuse_conv_bn_eval(module[i], module[i + 1])
        module[i + 1] = nn.Identity()
    left = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if left:
        raise ValueError(f"{len(left)} BatchNorm layers could not be folded")
    return model


def export_localizer(net: LocalizerNet, path: Path, example_zyx: tuple[int, int, int] = (32, 64, 64)) -> Path:
    graph = LocalizerForExport(fold_batchnorm(net)).eval()
    example = torch.zeros(1, 1, *example_zyx)
    _onnx_export(
        graph, example, str(path), opset_version=OPSET, input_names=["image"], output_names=["center", "presence"],
        dynamic_axes={"image": {2: "Z", 3: "Y", 4: "X"}, "center": {1: "Z"}, "presence": {1: "Z"}},
        do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL,
    )
    return path


def export_detector(net: DetectorNet, path: Path, example_hw: tuple[int, int] = (256, 128)) -> Path:
    graph = fold_batchnorm(net)
    example = torch.zeros(1, 1, *example_hw)
    _onnx_export(
        graph, example, str(path), opset_version=OPSET, input_names=["image"], output_names=["objectness", "keypoints", "level"],
        dynamic_axes={"image": {2: "H", 3: "W"}, "objectness": {2: "h", 3: "w"}, "keypoints": {2: "h", 3: "w"}, "level": {2: "h", 3: "w"}},
        do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL,
    )
    return path


def check_onnx(path: Path) -> dict[str, Any]:
    """onnx.checker, no ConvTranspose / BatchNormalization node, at most 8 MB, opset 17.
    Returns the op types and the declared input/output shapes (dynamic axes by name)."""
    import onnx

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    ops = sorted({n.op_type for n in model.graph.node})
    bad = [op for op in ops if op in FORBIDDEN_OPS]
    if bad:
        raise ValueError(f"{path.name} contains {bad}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"{path.name} is {size} bytes, over {MAX_BYTES}")
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))

    def shape(value: Any) -> list[int | str]:
        return [d.dim_param if d.dim_param else d.dim_value for d in value.type.tensor_type.shape.dim]

    return {
        "ops": ops,
        "opset": opset,
        "bytes": size,
        "inputs": {v.name: shape(v) for v in model.graph.input},
        "outputs": {v.name: shape(v) for v in model.graph.output},
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_with_card(kind: str, net: nn.Module, out_dir: Path, metrics: dict[str, Any] | None = None, training: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """NAME.onnx and NAME.json in out_dir, the card filled from the checked file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = NAMES[kind]
    onnx_path = out_dir / f"{name}.onnx"
    (export_localizer if kind == "localizer" else export_detector)(net, onnx_path)  # type: ignore[arg-type]
    info = check_onnx(onnx_path)
    params = sum(p.numel() for p in net.parameters())
    make = localizer_card if kind == "localizer" else detector_card
    card = make(name=name, sha256=sha256(onnx_path), info=info, parameters=params, metrics=metrics or {}, training=training or {})
    card_path = out_dir / f"{name}.json"
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    return onnx_path, card_path


def load_checkpoint(kind: str, path: Path) -> tuple[nn.Module, dict[str, Any]]:
    state = torch.load(str(path), map_location="cpu")
    net: nn.Module = LocalizerNet() if kind == "localizer" else DetectorNet()
    net.load_state_dict(state["model"])
    return net, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(NAMES), required=True)
    parser.add_argument("--checkpoint", type=Path, required=True, help="model.pt written by the training command")
    parser.add_argument("--out-dir", type=Path, required=True)
    args = parser.parse_args()
    net, state = load_checkpoint(args.model, args.checkpoint)
    onnx_path, card_path = export_with_card(args.model, net, args.out_dir, state.get("metrics"), state.get("training"))
    print(f"wrote {onnx_path} and {card_path}")


if __name__ == "__main__":
    main()
