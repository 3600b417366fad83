"""Metal away from the spine: screws round a hip socket, a hip prosthesis, surgical clips.

Why: on the real abdomen (TotalSegmentator's example) the localizer took metal by the left hip
socket, about 95 mm from the spine, for spine. Its presence stayed at 0.7-1.0 over the 64 mm of
slices that hold the metal, and the limits ran on from L5 to the scan's last slice through the
pelvis. Until phantom-0.15 the only metal in a phantom was in its spine (pedicle screws and
rods), so metal meant spine. Now metal also sits where there is no spine, painted with the same
label (labels.METAL), so the scanner draws its streaks too; the spine's ground truth is unchanged.

The draws come from a random stream of their own (generator.py), so a phantom without implants
is the phantom its seed gave before they existed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import labels
from .grid import Canvas
from .pelvis import HIP_LEVELS
from .plan import BodyPlan, outline_at
from .sdf import capsule, coverage

METAL_HU = 3500.0
# Of the phantoms whose scan holds a hip joint, how many have metal there; of all phantoms,
# how many have surgical clips somewhere in the trunk.
HIP_METAL_RATE = 0.5
CLIP_RATE = 0.3
KINDS = ("hip screws", "hip prosthesis", "clips")


@dataclass(frozen=True)
class Rod:
    """A straight piece of metal: a (tapered) capsule from a to b, radii in mm."""

    a: np.ndarray
    b: np.ndarray
    radius_a_mm: float
    radius_b_mm: float


def _unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=3)
    return v / max(float(np.linalg.norm(v)), 1e-9)


def hip_screws(plan: BodyPlan, side: float, rng: np.random.Generator) -> list[Rod]:
    """2-4 screws through the rim of the hip socket towards the femoral head's centre."""
    s = plan.habitus.width_scale
    head = plan.at_level(HIP_LEVELS["femoral head"], side * 92 * s, -30 * s)
    rods = []
    for _ in range(int(rng.integers(2, 5))):
        d = _unit(rng)
        d[2] = abs(d[2]) + 0.3  # from above the socket
        d[0] = -side * abs(d[0])  # and from its inner side
        d /= np.linalg.norm(d)
        start = head + d * rng.uniform(28, 40)
        end = start - d * rng.uniform(28, 45)
        rods.append(Rod(start, end, float(rng.uniform(2.8, 3.6)), float(rng.uniform(2.2, 2.8))))
    return rods


def hip_prosthesis(plan: BodyPlan, side: float, rng: np.random.Generator) -> list[Rod]:
    """A metal head in the socket, the neck, and the stem down the femur (the femur's own
    course in pelvis._hip)."""
    s = plan.habitus.width_scale
    head = plan.at_level(HIP_LEVELS["femoral head"], side * 92 * s, -30 * s)
    troch = head + np.array([side * 45 * s, 5, -30 * s])
    shaft = troch + np.array([-side * 8, 5, -float(rng.uniform(110, 150))])
    r = float(rng.uniform(13, 16))
    return [Rod(head, head, r, r), Rod(head, troch, 7.0, 8.0), Rod(troch, shaft, 8.0, 5.0)]


def clips(plan: BodyPlan, z_lo: float, z_hi: float, rng: np.random.Generator) -> list[Rod]:
    """2-8 surgical clips (about 8 mm long) in the trunk, at least 40 mm from the spine."""
    rods = []
    for _ in range(int(rng.integers(2, 9))):
        z = float(rng.uniform(z_lo, z_hi))
        hw, front, _back = outline_at(np.array([float(plan.ell(z))]), plan.habitus)
        xy = plan.spine_xy(z)
        for _try in range(20):
            dx = float(rng.uniform(-0.8, 0.8)) * float(hw[0])
            dy = -float(rng.uniform(0.1, 0.8)) * float(front[0])  # in front of the spine (LPS: -y)
            if np.hypot(dx, dy) >= 40.0:
                break
        centre = np.array([xy[0] + dx, xy[1] + dy, z])
        half = _unit(rng) * rng.uniform(3.0, 5.0)
        rods.append(Rod(centre - half, centre + half, float(rng.uniform(0.8, 1.2)), float(rng.uniform(0.8, 1.2))))
    return rods


def plan_implants(plan: BodyPlan, z_lo: float, z_hi: float, rng: np.random.Generator,
                  kinds: "tuple[str, ...] | None" = None) -> tuple[list[str], list[Rod]]:
    """Which implants this phantom has (drawn, or `kinds` as asked) and their metal pieces."""
    head_z = float(plan.z_of(HIP_LEVELS["femoral head"]))
    hips_in_scan = z_lo - 30 <= head_z <= z_hi + 30
    side = float(rng.choice([-1.0, 1.0]))
    draws = (rng.random(), rng.random(), rng.random())
    if kinds is None:
        chosen = []
        if hips_in_scan and draws[0] < HIP_METAL_RATE:
            chosen.append("hip screws" if draws[1] < 0.5 else "hip prosthesis")
        if draws[2] < CLIP_RATE:
            chosen.append("clips")
        kinds = tuple(chosen)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown implants {sorted(unknown)}; known: {', '.join(KINDS)}")
    rods: list[Rod] = []
    for kind in kinds:
        if kind == "hip screws":
            rods += hip_screws(plan, side, rng)
        elif kind == "hip prosthesis":
            rods += hip_prosthesis(plan, side, rng)
        else:
            rods += clips(plan, z_lo, z_hi, rng)
    return list(kinds), rods


def render_implants(canvas: Canvas, rods: list[Rod]) -> None:
    for rod in rods:
        margin = max(rod.radius_a_mm, rod.radius_b_mm) + 2.0
        box = canvas.grid.box(np.minimum(rod.a, rod.b) - margin, np.maximum(rod.a, rod.b) + margin)
        if box is None:
            continue
        d = capsule(box.x, box.y, box.z, rod.a, rod.b, rod.radius_a_mm, rod.radius_b_mm)
        canvas.paint(box, coverage(d, canvas.grid.voxel_mm), METAL_HU, labels.METAL)
