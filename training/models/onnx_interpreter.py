"""A tiny reference evaluator for exactly the ONNX ops our two exported graphs use.

onnxruntime is not installed here (and onnx 1.12 has no onnx.reference), so the tests run the
exported file through this instead: it reads the graph the runtime will read, follows each
node's ONNX semantics (convolution and pooling through torch.nn.functional), and therefore
catches what an export can get wrong (a shape frozen at the example size, a missing node).
It does not replace checking the file in onnxruntime-node/web, which the runtime's tests do.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

Op = Callable[[list[Any], dict[str, Any]], list[np.ndarray]]


def _attrs(node: onnx.NodeProto) -> dict[str, Any]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _symmetric_pads(pads: list[int], dims: int) -> list[int]:
    begin, end = pads[:dims], pads[dims:]
    if begin != end:
        raise NotImplementedError(f"asymmetric pads {pads}")
    return begin


def _conv(x: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    dims = x[1].ndim - 2
    fn = {2: F.conv2d, 3: F.conv3d}[dims]
    bias = torch.from_numpy(np.array(x[2])) if len(x) > 2 and x[2] is not None else None
    out = fn(torch.from_numpy(np.array(x[0])), torch.from_numpy(np.array(x[1])), bias, stride=a.get("strides", [1] * dims),
             padding=_symmetric_pads(a.get("pads", [0] * 2 * dims), dims), dilation=a.get("dilations", [1] * dims), groups=a.get("group", 1))
    return [out.numpy()]


def _maxpool(x: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    dims = len(a["kernel_shape"])
    fn = {2: F.max_pool2d, 3: F.max_pool3d}[dims]
    out = fn(torch.from_numpy(np.array(x[0])), a["kernel_shape"], a.get("strides", a["kernel_shape"]), _symmetric_pads(a.get("pads", [0] * 2 * dims), dims), ceil_mode=bool(a.get("ceil_mode", 0)))
    return [out.numpy()]


def _resize(x: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    """Nearest with 'asymmetric' coordinates and 'floor' rounding: out[o] = in[floor(o / scale)]."""
    if a.get("mode", b"nearest") not in (b"nearest", "nearest"):
        raise NotImplementedError(a.get("mode"))
    if a.get("coordinate_transformation_mode", b"half_pixel") not in (b"asymmetric", "asymmetric") or a.get("nearest_mode", b"round_prefer_floor") not in (b"floor", "floor"):
        raise NotImplementedError(f"resize mode {a}")
    data = x[0]
    scales = x[2] if len(x) > 2 and x[2] is not None and x[2].size else None
    sizes = x[3] if len(x) > 3 and x[3] is not None else (np.floor(np.array(data.shape) * scales).astype(int))
    out = data
    for axis, n in enumerate(sizes):
        scale = scales[axis] if scales is not None else n / data.shape[axis]
        index = np.minimum(np.floor(np.arange(int(n)) / scale).astype(int), data.shape[axis] - 1)
        out = np.take(out, index, axis=axis)
    return [out]


def _reduce(fn: Callable[..., np.ndarray]) -> Op:
    def op(x: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
        axes = a.get("axes") if "axes" in a else (x[1] if len(x) > 1 and x[1] is not None else None)
        axes = tuple(int(v) for v in axes) if axes is not None else None
        return [fn(x[0], axis=axes, keepdims=bool(a.get("keepdims", 1)))]

    return op


_CAST = {1: np.float32, 6: np.int32, 7: np.int64, 11: np.float64, 9: np.bool_}

OPS: dict[str, Op] = {
    "Conv": _conv,
    "MaxPool": _maxpool,
    "Resize": _resize,
    "Relu": lambda x, a: [np.maximum(x[0], 0)],
    "Sigmoid": lambda x, a: [(1 / (1 + np.exp(-x[0].astype(np.float64)))).astype(x[0].dtype)],
    "Exp": lambda x, a: [np.exp(x[0])],
    "Add": lambda x, a: [x[0] + x[1]],
    "Sub": lambda x, a: [x[0] - x[1]],
    "Mul": lambda x, a: [x[0] * x[1]],
    "Div": lambda x, a: [x[0] / x[1] if np.issubdtype(x[0].dtype, np.floating) else x[0] // x[1]],
    "Identity": lambda x, a: [x[0]],
    "Concat": lambda x, a: [np.concatenate(x, axis=a["axis"])],
    "Constant": lambda x, a: [numpy_helper.to_array(a["value"])],
    "Shape": lambda x, a: [np.array(x[0].shape[a.get("start", 0) : a.get("end", None)], dtype=np.int64)],
    "Gather": lambda x, a: [np.take(x[0], x[1], axis=a.get("axis", 0))],
    "Unsqueeze": lambda x, a: [np.expand_dims(x[0], tuple(int(v) for v in x[1]))],
    "Squeeze": lambda x, a: [np.squeeze(x[0], tuple(int(v) for v in x[1])) if len(x) > 1 else np.squeeze(x[0])],
    "Range": lambda x, a: [np.arange(x[0], x[1], x[2]).astype(np.result_type(x[0], x[1], x[2]))],
    "Cast": lambda x, a: [x[0].astype(_CAST[a["to"]])],
    "Reshape": lambda x, a: [x[0].reshape([d if d != 0 else x[0].shape[i] for i, d in enumerate(x[1])])],
    "ReduceSum": _reduce(np.sum),
    "ReduceMax": _reduce(np.max),
}


def run(model: onnx.ModelProto | str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluate the graph on named inputs; returns the named outputs."""
    if not isinstance(model, onnx.ModelProto):
        model = onnx.load(model)
    values: dict[str, Any] = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    values.update(inputs)
    for node in model.graph.node:
        if node.op_type not in OPS:
            raise NotImplementedError(f"op {node.op_type}")
        args = [values[n] if n else None for n in node.input]
        for name, value in zip(node.output, OPS[node.op_type](args, _attrs(node))):
            values[name] = np.asarray(value)
    return {o.name: values[o.name] for o in model.graph.output}
