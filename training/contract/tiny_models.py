"""Tiny UNTRAINED versions of both networks, exported exactly as the real ones (models.export:
opset 17, BatchNorm folded, the same input/output names and dynamic axes, a card written by
models.card), for the runtime's tests in src/core/pipeline/testdata/. They check plumbing and
numerics, never accuracy: the trained networks come later (npm run train:localizer / detector).

    /usr/bin/python3 training/contract/tiny_models.py            # from the repository root

What is not plain random initialisation, and why:
- Localizer: the voxel-logit bias is +4, so every slice's presence is above 0.5 and the runtime
  always finds a "spine" (the centre is whatever the random trunk's soft-argmax gives). A second
  localizer, no-spine/spine-localizer.onnx, has bias -20: it never finds one (the "no spine"
  exit of the command line).
- Detector: the objectness logit is 3 + a small random term (every cell passes the objectness threshold
  threshold, scores differ slightly so NMS has an order to follow), and the keypoint head is a
  fixed wedge-shaped body (anterior height 14 px, middle and posterior 20 px, 40 px wide, so
  G = 0.7, grade 2, wedge) plus a small random term. So decoding, Butterfly-IoU NMS, the map to
  patient mm, Genant and the level assignment all get real work. Level logits stay random.

Besides the two ONNX files and their cards it writes reference.json: the torch outputs for a
fixed input given by a formula (both languages rebuild it), which onnxruntime-node must match.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "training"))

import torch  # noqa: E402

from models import conventions as C  # noqa: E402
from models.detector import DetectorNet  # noqa: E402
from models.export import export_with_card, fold_batchnorm  # noqa: E402
from models.localizer import LocalizerForExport, LocalizerNet  # noqa: E402

OUT_DIR = ROOT / "src" / "core" / "pipeline" / "testdata"
COMMAND = "/usr/bin/python3 training/contract/tiny_models.py"
LOCALIZER_WIDTHS = (4, 4, 8, 8)
DETECTOR_WIDTHS = (4, 4, 8, 8, 8)
DETECTOR_HEAD = 8
# (column, row) offsets from the cell centre of AS, AI, MS, MI, PS, PI: a wedge (G = 14/20).
WEDGE_PX = [(-20, -7), (-20, 7), (0, -10), (0, 10), (20, -10), (20, 10)]
# Reference inputs (batch and channel 1): small, every axis a multiple of the pad multiple.
LOCALIZER_REF_ZYX = (16, 32, 32)
DETECTOR_REF_HW = (32, 32)


def reference_input(shape: tuple[int, ...]) -> np.ndarray:
    """sin/cos formula over the flat index, float32 (src/core/pipeline/tinyModels.test.ts)."""
    n = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (0.5 + 0.4 * np.sin(n * 0.37) * np.cos(n * 0.011)).astype(np.float32).reshape(shape)


def tiny_localizer(bias: float = 4.0) -> LocalizerNet:
    torch.manual_seed(5)
    net = LocalizerNet(widths=LOCALIZER_WIDTHS)
    with torch.no_grad():
        net.logits.bias.fill_(bias)
    return net.eval()


def tiny_detector() -> DetectorNet:
    torch.manual_seed(6)
    net = DetectorNet(widths=DETECTOR_WIDTHS, head_width=DETECTOR_HEAD)
    with torch.no_grad():
        net.objectness.weight.mul_(0.05)
        net.objectness.bias.fill_(3.0)
        net.keypoints.weight.mul_(0.002)
        # The graph multiplies the head by KEYPOINT_OUTPUT_SCALE: divide so the output is pixels.
        net.keypoints.bias.copy_(torch.tensor([c for p in WEDGE_PX for c in p], dtype=torch.float32) / C.KEYPOINT_OUTPUT_SCALE)
    return net.eval()


def _rounded(a: np.ndarray) -> list:
    return np.round(np.asarray(a, dtype=np.float64), 7).tolist()


def main() -> None:
    torch.set_num_threads(2)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    training = {"generatorVersion": "none: untrained test model", "command": COMMAND, "iterations": 0,
                "note": "untrained, tiny widths, hand-set head biases: for the runtime's tests only, never for use"}
    localizer, detector = tiny_localizer(), tiny_detector()
    export_with_card("localizer", localizer, OUT_DIR, training=training)
    export_with_card("detector", detector, OUT_DIR, training=training)
    export_with_card("localizer", tiny_localizer(bias=-20.0), OUT_DIR / "no-spine", training=training)
    x_loc = reference_input((1, 1, *LOCALIZER_REF_ZYX))
    x_det = reference_input((1, 1, *DETECTOR_REF_HW))
    with torch.no_grad():
        centre, presence = LocalizerForExport(fold_batchnorm(localizer)).eval()(torch.from_numpy(x_loc))
        obj, kp, lvl = fold_batchnorm(detector).eval()(torch.from_numpy(x_det))
    reference = {
        "note": f"torch outputs of the tiny models for reference_input(shape) in {Path(__file__).name}",
        "localizer": {"inputDims": list(x_loc.shape), "center": _rounded(centre.numpy().reshape(-1)), "presence": _rounded(presence.numpy().reshape(-1)),
                      "centerDims": list(centre.shape), "presenceDims": list(presence.shape)},
        "detector": {"inputDims": list(x_det.shape), "objectness": _rounded(obj.numpy().reshape(-1)), "keypoints": _rounded(kp.numpy().reshape(-1)),
                     "level": _rounded(lvl.numpy().reshape(-1)), "objectnessDims": list(obj.shape), "keypointsDims": list(kp.shape), "levelDims": list(lvl.shape)},
    }
    (OUT_DIR / "reference.json").write_text(json.dumps(reference) + "\n")
    for p in sorted(q for q in OUT_DIR.rglob("*") if q.is_file() and q.suffix in (".onnx", ".json")):
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
