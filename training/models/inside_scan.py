"""Only a vertebra whose six points all lie inside the scanned volume can be measured (twin of
src/core/pipeline/insideScan.ts): one cut by the scan's first or last slice or its field of view
shows part of its body, and six points extrapolated past the scan's edge would give heights of
bone the scan does not hold. The phantoms' ground truth leaves such vertebrae out the same way.

Along the slice axis a point must also lie SLICE_EDGE_MARGIN_MM inside the first and last slice:
a body cut there shows its cut face where an endplate would be, and the detector puts its
endplate points on it. Chosen on the training phantoms (insideScan.ts says with what)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from contract.straighten import Straightening

from .decode import Detection
from .straightening import pixels_to_points


def patient_mm_to_voxel(geometry: Mapping[str, Any], points_mm: np.ndarray) -> np.ndarray:
    """(N, 3) patient LPS mm → (N, 3) fractional (column, row, slice) indices."""
    d = geometry["direction"]
    m = np.stack([np.asarray(d[k], dtype=float) * float(s) for k, s in zip(("column", "row", "slice"), geometry["spacingMm"])], axis=1)
    q = np.asarray(points_mm, dtype=float).reshape(-1, 3) - np.asarray(geometry["originMm"], dtype=float)
    return np.linalg.solve(m, q.T).T


SLICE_EDGE_MARGIN_MM = 1.0


def inside_scan(geometry: Mapping[str, Any], points_mm: np.ndarray, slice_margin_mm: float = SLICE_EDGE_MARGIN_MM) -> bool:
    """Every point between the first and last voxel centre on each axis, and at least
    `slice_margin_mm` inside them along the slice axis (models/false_detections.py asks with 0)."""
    index = patient_mm_to_voxel(geometry, points_mm)
    edge = np.array([0.0, 0.0, slice_margin_mm / float(geometry["spacingMm"][2])])
    top = np.asarray(geometry["dimensions"], dtype=float) - 1.0
    return bool(np.all((index >= edge) & (index <= top - edge)))


def inside_image(rows: int, points_px: np.ndarray) -> bool:
    """Every point on the straightened image's pixels (row centres 0 … rows − 1, ± half a pixel):
    a body whose points the detector puts beyond the image's first or last row is one the image
    cuts (twin of insideScan.ts's insideImage, which says why)."""
    r = np.asarray(points_px, dtype=float).reshape(-1, 2)[:, 1]
    return bool(np.all((r >= -0.5) & (r <= rows - 0.5)))


def detections_inside_scan(detections: Sequence[Detection], s: Straightening, geometry: Mapping[str, Any]) -> list[Detection]:
    """The detections whose six points all lie on the straightened image and, mapped to patient
    mm, inside the scan (twin of detect.ts's bodyDetections before oneColumn)."""
    rows = len(s.curve_mm)
    return [d for d in detections if inside_image(rows, d.points_px) and inside_scan(geometry, pixels_to_points(s, d.points_px))]
