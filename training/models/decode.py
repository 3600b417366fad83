"""Detector outputs → vertebrae: objectness threshold, cells whose centre lies in the image (not
in the padding to the pad multiple), cell centre + offsets, then greedy non-maximum suppression
by Butterfly-IoU (paper: 0.7 and 0.1; the card holds the numbers). numpy only: the runtime's
decoder (TypeScript) follows this line by line."""
from __future__ import annotations

from dataclasses import dataclass, field
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
    # The cell's level logits (for levels.assign_levels along the spine); empty without a head.
    level_logits: np.ndarray = field(default_factory=lambda: np.zeros(0))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def centre_in_image(centre: np.ndarray, image_shape: tuple[int, int]) -> bool:
    """Whether a cell centre (column, row) lies on the image rather than in its padding: pixel k
    covers [k − ½, k + ½], so the image ends at rows − ½ and columns − ½ (on that edge counts)."""
    rows, columns = image_shape
    return bool(centre[0] <= columns - 0.5 and centre[1] <= rows - 0.5)


def candidates(objectness: np.ndarray, keypoints: np.ndarray, level: np.ndarray | None, threshold: float = C.OBJECTNESS_THRESHOLD, stride: int = C.DETECTOR_STRIDE, image_shape: tuple[int, int] | None = None) -> list[Detection]:
    """Every cell with sigmoid(objectness) ≥ threshold whose centre lies in the real (rows,
    columns) `image_shape` (None: every cell, an unpadded input). Shapes (batch 1 dropped):
    objectness (h, w) or (1, h, w), keypoints (12, h, w), level (L, h, w) or None."""
    scores = sigmoid(np.asarray(objectness).reshape(np.asarray(objectness).shape[-2:]))
    half = (stride - 1) / 2
    level_logits = np.asarray(level, dtype=np.float64) if level is not None else None
    out = []
    for i, j in zip(*np.nonzero(scores >= threshold)):
        centre = np.array([j * stride + half, i * stride + half])
        if image_shape is not None and not centre_in_image(centre, image_shape):
            continue
        offsets = np.asarray(keypoints)[:, i, j].reshape(6, 2)
        logits = level_logits[:, i, j] if level_logits is not None else np.zeros(0)
        lvl = int(np.argmax(logits)) if level_logits is not None else -100
        out.append(Detection(centre + offsets, float(scores[i, j]), lvl, (int(i), int(j)), logits))
    return out


def butterfly_nms(detections: Sequence[Detection], iou_threshold: float = C.NMS_BUTTERFLY_IOU_THRESHOLD) -> list[Detection]:
    """Greedy: best score first; a candidate is dropped when its Butterfly-IoU with any kept one
    exceeds the threshold. Ties in score keep the earlier (row-major) cell."""
    kept: list[Detection] = []
    for d in sorted(detections, key=lambda d: -d.score):
        if all(butterfly_iou(d.points_px, k.points_px) <= iou_threshold for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: float(d.points_px[:, 1].mean()))  # superior → inferior


def decode_detector(objectness: np.ndarray, keypoints: np.ndarray, level: np.ndarray | None, threshold: float = C.OBJECTNESS_THRESHOLD, iou_threshold: float = C.NMS_BUTTERFLY_IOU_THRESHOLD, stride: int = C.DETECTOR_STRIDE, image_shape: tuple[int, int] | None = None) -> list[Detection]:
    """`image_shape`: the (rows, columns) of the image before padding; cells beyond it are dropped."""
    return butterfly_nms(candidates(objectness, keypoints, level, threshold, stride, image_shape), iou_threshold)
