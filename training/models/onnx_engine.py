"""The shipped ONNX files as the plain functions evaluate.py takes.

Two engines run a file:
- "onnxruntime": onnxruntime-node (the engine the app itself uses, from the repository's
  node_modules) behind ort_bridge.mjs, one Node process for the whole evaluation. Python here has
  no onnxruntime, so this is the faithful way to score what ships.
- "interpreter": onnx_interpreter.py, the tests' small reference evaluator of the same graph
  (node by node, ONNX semantics). No Node needed; used when the bridge cannot start.
"""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .evaluate import DetectorFn, LocalizerFn
from .slabs import in_slabs

BRIDGE = Path(__file__).with_name("ort_bridge.mjs")
ENGINES = ("onnxruntime", "interpreter")

RunGraph = Callable[[np.ndarray], list[np.ndarray]]  # one float32 input → outputs in graph order


class OrtBridge:
    """A Node process running onnxruntime-node; `run(model, name, x)` → outputs in graph order."""

    def __init__(self, threads: int = 2, node: str | None = None) -> None:
        node = node or shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH")
        self.threads = threads
        self.process = subprocess.Popen([node, str(BRIDGE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=BRIDGE.parent)
        try:
            ready = json.loads(self._read(struct.unpack("<I", self._read(4))[0]))
        except RuntimeError as error:
            raise RuntimeError(f"onnxruntime-node did not load ({error})") from None
        if not ready.get("ready"):
            raise RuntimeError(f"unexpected first frame from the bridge: {ready}")

    def run(self, model: Path, input_name: str, x: np.ndarray) -> list[np.ndarray]:
        assert self.process.stdin is not None and self.process.stdout is not None
        data = np.ascontiguousarray(x, dtype="<f4")
        header = json.dumps({"model": str(Path(model).resolve()), "threads": self.threads, "inputs": [{"name": input_name, "shape": list(data.shape)}]}).encode()
        self.process.stdin.write(struct.pack("<I", len(header)) + header + data.tobytes())
        self.process.stdin.flush()
        raw = self._read(4)
        reply = json.loads(self._read(struct.unpack("<I", raw)[0]))
        if "error" in reply:
            raise RuntimeError(f"onnxruntime-node on {Path(model).name}: {reply['error']}")
        outputs = []
        for o in reply["outputs"]:
            count = int(np.prod(o["shape"])) if o["shape"] else 1
            outputs.append(np.frombuffer(self._read(4 * count), dtype="<f4").reshape(o["shape"]).astype(np.float32))
        return outputs

    def _read(self, n: int) -> bytes:
        assert self.process.stdout is not None
        out = self.process.stdout.read(n)
        if out is None or len(out) < n:
            raise RuntimeError(f"the onnxruntime-node bridge stopped (exit {self.process.poll()})")
        return out

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def graph_runner(engine: str, model: Path, bridge: OrtBridge | None = None) -> RunGraph:
    """The file's single input → its outputs (batch axis kept), by the chosen engine."""
    import onnx

    proto = onnx.load(str(model))
    input_name = proto.graph.input[0].name
    if engine == "onnxruntime":
        if bridge is None:
            raise ValueError("the onnxruntime engine needs a bridge")
        return lambda x: bridge.run(model, input_name, x)
    if engine == "interpreter":
        from .onnx_interpreter import run

        names = [o.name for o in proto.graph.output]
        return lambda x: [np.asarray(v, dtype=np.float32) for v in (run(proto, {input_name: np.ascontiguousarray(x, dtype=np.float32)})[n] for n in names)]
    raise ValueError(f"engine {engine!r}: one of {ENGINES}")


def localizer_fn(run: RunGraph) -> LocalizerFn:
    """(Z, Y, X) input → (center (Z, 2), presence (Z,)) from the graph's (1, Z, 2), (1, Z), run
    slab by slab as the runtime runs it (slabs.py)."""

    def fn(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        center, presence = run(np.asarray(image, dtype=np.float32)[None, None])
        return center[0], presence[0]

    return in_slabs(fn)


def detector_fn(run: RunGraph) -> DetectorFn:
    """(H, W) input → (objectness, keypoints, level) maps without the batch axis."""

    def fn(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        obj, kp, lvl = run(np.asarray(image, dtype=np.float32)[None, None])
        return obj[0], kp[0], lvl[0]

    return fn


def max_difference(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    """Largest absolute difference between two engines' outputs of the same input."""
    return float(max(np.max(np.abs(np.asarray(x, dtype=np.float64) - np.asarray(y, dtype=np.float64))) for x, y in zip(a, b)))
