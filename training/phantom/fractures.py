"""Compression fractures: move the six points of a normal body to a requested Genant grade/type.

A fracture shortens one height segment to (1 - loss) times the tallest one, where the loss is
drawn inside the grade's band (kept a little away from the band edges so the grade never
depends on rounding). The superior endplate usually gives way more than the inferior one, so
each segment shrinks along its own line, its superior point moving by a share `top_share` of
the loss. The result is re-graded with genant.quantify and must come out as asked.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grading import TYPES, quantify

# (low, high) height loss drawn per grade; band edges are 0.20, 0.25, 0.40
LOSS_BANDS = {1: (0.205, 0.245), 2: (0.255, 0.395), 3: (0.405, 0.68)}
PLANA_BAND = (0.70, 0.85)  # vertebra plana: the body flattened to a sliver
_SEGMENT = {"wedge": 0, "biconcave": 1, "crush": 2}


@dataclass(frozen=True)
class FractureSpec:
    grade: int  # 1..3
    type: str  # wedge | biconcave | crush
    plana: bool = False

    def __post_init__(self) -> None:
        if self.grade not in (1, 2, 3):
            raise ValueError(f"fracture grade must be 1, 2 or 3, got {self.grade}")
        if self.type not in TYPES:
            raise ValueError(f"fracture type must be one of {TYPES}, got {self.type!r}")


def target_heights(normal_heights: tuple[float, float, float], spec: FractureSpec, loss: float,
                   rng: np.random.Generator) -> np.ndarray:
    """New (h_a, h_m, h_p): the named segment is the shortest, (1 - loss) of the tallest."""
    h0 = np.asarray(normal_heights, float)
    k = _SEGMENT[spec.type]
    others = [j for j in range(3) if j != k]
    if spec.type == "crush" or spec.plana:
        # crush: the whole body sinks, the back most of all
        h_max = max(h0[others]) * rng.uniform(0.75, 0.95)
    else:
        h_max = max(h0[others])
    h = np.empty(3)
    h[k] = (1.0 - loss) * h_max
    tall = others[int(np.argmax(h0[others]))]
    mid = others[0] if tall == others[1] else others[1]
    h[tall] = h_max
    # the remaining segment keeps its natural proportion to the tallest, clipped to lie
    # strictly between; in a wedge the middle also sinks part of the way with the front
    natural = h0[mid] / max(h0[tall], 1e-6) * h_max
    if spec.type == "wedge" and mid == 1:
        natural = min(natural, h[k] + rng.uniform(0.35, 0.8) * (h_max - h[k]))
    h[mid] = float(np.clip(natural, h[k] * 1.04, h_max * 0.99))
    return h


def apply_fracture(points_vw_mm: np.ndarray, spec: FractureSpec, rng: np.random.Generator,
                   ) -> tuple[np.ndarray, float]:
    """Fractured six points and the height loss drawn; raises if the grade cannot be met."""
    band = PLANA_BAND if spec.plana else LOSS_BANDS[spec.grade]
    for _ in range(20):
        loss = float(rng.uniform(*band))
        h_new = target_heights(quantify(points_vw_mm).heights_mm, spec, loss, rng)
        # wedge and crush mostly break the superior endplate; biconcave both, about equally
        top_share = rng.uniform(0.4, 0.6) if spec.type == "biconcave" else rng.uniform(0.55, 0.9)
        p = np.array(points_vw_mm, float)
        for k in range(3):
            sup, inf = p[2 * k].copy(), p[2 * k + 1].copy()
            seg = inf - sup
            h = np.linalg.norm(seg)
            unit = seg / h
            shrink = h - h_new[k]
            p[2 * k] = sup + unit * shrink * top_share
            p[2 * k + 1] = inf - unit * shrink * (1 - top_share)
        g = quantify(p)
        if g.grade == spec.grade and g.type == spec.type:
            return p, 1.0 - g.ratio
    raise RuntimeError(f"could not reach {spec} from heights {quantify(points_vw_mm).heights_mm}")


def wedge_angle_rad(points_vw_mm: np.ndarray) -> float:
    """Angle between the endplate rim lines, positive when the front is the shorter side."""
    AS, AI, MS, MI, PS, PI = np.asarray(points_vw_mm, float)
    sup = np.arctan2(PS[1] - AS[1], PS[0] - AS[0])
    inf = np.arctan2(PI[1] - AI[1], PI[0] - AI[0])
    return float(sup - inf)
