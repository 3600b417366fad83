"""Detector outputs → vertebrae: objectness threshold, cell centre + offsets, then greedy
non-maximum suppression by Butterfly-IoU (paper: 0.7 and 0.1; the card holds the numbers).
numpy only: the runtime's decoder (TypeScript) follows this line by line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from contract.butterfly import butterfly_iou

from . import conventions as C


@dataclass
class Detection:
    points_px: np.ndarray  # (6, 2) (column, row) input pixels, order AS, AI, MS, MI, PS, PI
    score: float  # sigmoid(objectness) of its cell
    level_index: int  # argmax of the level logits of its cell (index in LEVEL_NAMES)
    cell: tuple[int, int]  # (row i, column j) on the output grid


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def candidates(objectness: np.ndarray, keypoints: np.ndarray, level: np.ndarray | None, threshold: float = C.OBJECTNESS_THRESHOLD, stride: int = C.DETECTOR_STRIDE) -> list[Detection]:
    """Every cell with sigmoid(objectness) ≥ threshold. Shapes (batch 1 dropped): objectness
    (h, w) or (1, h, w), keypoints (12, h, w), level (L, h, w) or None."""
    scores = sigmoid(np.asarray(objectness).reshape(np.asarray(objectness).shape[-2:]))
    half = (stride - 1) / 2
    out = []
    for i, j in zip(*np.nonzero(scores >= threshold)):
        centre = np.array([j * stride + half, i * stride + half])
        offsets = np.asarray(keypoints)[:, i, j].reshape(6, 2)
        lvl = int(np.argmax(np.asarray(level)[:, i, j])) if level is not None else -100
        out.append(Detection(centre + offsets, float(scores[i, j]), lvl, (int(i), int(j))))
    return out


def butterfly_nms(detections: Sequence[Detection], iou_threshold: float = C.NMS_BUTTERFLY_IOU_THRESHOLD) -> list[Detection]:
    """Greedy: best score first; a candidate is dropped when its Butterfly-IoU with any kept one
    exceeds the threshold. Ties in score keep the earlier (row-major) cell."""
    kept: list[Detection] = []
    for d in sorted(detections, key=lambda d: -d.score):
        if all(butterfly_iou(d.points_px, k.points_px) <= iou_threshold for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: float(d.points_px[:, 1].mean()))  # superior → inferior


def decode_detector(objectness: np.ndarray, keypoints: np.ndarray, level: np.ndarray | None, threshold: float = C.OBJECTNESS_THRESHOLD, iou_threshold: float = C.NMS_BUTTERFLY_IOU_THRESHOLD, stride: int = C.DETECTOR_STRIDE) -> list[Detection]:
    return butterfly_nms(candidates(objectness, keypoints, level, threshold, stride), iou_threshold)
