"""Vertebral bodies stack in one column along the straightened spine: two detections side by side
at the same height cannot both be bodies (twin of src/core/pipeline/oneColumn.ts, which says what
the other one was on phantoms and what the rule was measured to do). Of two detections whose row
extents overlap by SIDE_BY_SIDE_OVERLAP of the shorter one, the surer is kept."""
from __future__ import annotations

from typing import Sequence

from .decode import Detection

SIDE_BY_SIDE_OVERLAP = 0.5


def row_overlap(a: Detection, b: Detection) -> float:
    """How much two detections' row extents overlap, as a share of the shorter extent."""
    a0, a1 = float(a.points_px[:, 1].min()), float(a.points_px[:, 1].max())
    b0, b1 = float(b.points_px[:, 1].min()), float(b.points_px[:, 1].max())
    shorter = min(a1 - a0, b1 - b0)
    return max(0.0, min(a1, b1) - max(a0, b0)) / shorter if shorter > 0 else 0.0


def one_column(detections: Sequence[Detection]) -> list[Detection]:
    """The detections left after dropping each one that sits beside a surer one; input order kept."""
    order = sorted(range(len(detections)), key=lambda i: (-detections[i].score, i))
    kept: list[int] = []
    for i in order:
        if not any(row_overlap(detections[k], detections[i]) >= SIDE_BY_SIDE_OVERLAP for k in kept):
            kept.append(i)
    return [detections[i] for i in sorted(kept)]
