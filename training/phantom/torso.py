"""The trunk and neck outline: skin, subcutaneous fat, body-wall muscle, back muscles, the table.

Each axial slice's outline is an ellipse around the spine whose size comes from plan.outline_at
(lean sizes by level) plus the patient's fat, flattened at the back where the patient lies on
the table. The layers are offsets of one signed distance, so one evaluation gives all of them.
`Trunk` keeps the per-slice numbers for the organs and ribs, which sit inside the wall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import labels
from .grid import Box, Canvas
from .noise import CoarseField
from .plan import BodyPlan, fat_at, outline_at
from .sdf import coverage, ellipse_2d

F = np.float32


@dataclass
class Trunk:
    z_mm: np.ndarray  # (nz,) render slice positions
    centre_x: np.ndarray  # per slice
    centre_y: np.ndarray
    half_width: np.ndarray  # outer (skin) semi-axes
    half_depth: np.ndarray
    back_flat_y: np.ndarray  # the back is cut flat here (table side)
    fat: np.ndarray
    muscle: np.ndarray
    table_y: float  # top of the table

    def cavity(self, k: "int | np.ndarray", margin_mm: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(cx, cy, a, b) of the ellipse inside the body wall of slice(s) k."""
        inset = self.fat[k] + self.muscle[k] + margin_mm
        return (self.centre_x[k], self.centre_y[k], np.maximum(self.half_width[k] - inset, 5.0),
                np.maximum(self.half_depth[k] - inset, 5.0))


def build_trunk(plan: BodyPlan, z_mm: np.ndarray, rng: np.random.Generator) -> Trunk:
    hab = plan.habitus
    ell = plan.ell(z_mm)
    hw, front, back = outline_at(ell, hab)
    fat = fat_at(ell, hab)
    xy = plan.spine_xy(z_mm)
    y_front = xy[:, 1] - front - fat
    y_back = xy[:, 1] + back + fat * 0.6  # less fat over the back where the patient lies on it
    trunk_part = (ell > 6) & (ell < 26)
    table_y = float(np.max(y_back[trunk_part]) if np.any(trunk_part) else np.max(y_back))
    # soft tissue sags onto the table: the back of the trunk is never far above it
    y_back = np.where(ell > 6.5, np.maximum(y_back, table_y - rng.uniform(3, 15)), y_back)
    half_depth = (y_back - y_front) / 2 * 1.06  # a little extra so the back flattens on the table
    centre_y = y_front + half_depth
    back_flat = np.minimum(y_back, table_y)
    muscle = hab.muscle_mm * np.interp(ell, [0, 6, 8, 18, 22, 26], [2.0, 1.8, 1.3, 1.0, 0.9, 1.2])
    return Trunk(z_mm, xy[:, 0] + rng.normal(0, 2), centre_y, hw + fat, half_depth, back_flat, fat, muscle,
                 table_y + float(rng.uniform(0, 1.5)))


def render_table(canvas: Canvas, trunk: Trunk, rng: np.random.Generator) -> None:
    """A curved carbon-fibre shell (two skins around a foam core) and a thin pad on top."""
    g = canvas.grid
    x = g.axis_mm(0)
    width = float(rng.uniform(420, 520))
    cx = float(np.median(trunk.centre_x))
    curve = 0.0006 * (x - cx) ** 2  # the shell is slightly curved up at the sides
    y_top = trunk.table_y
    pad = float(rng.uniform(0, 10))  # a foam mattress, often absent
    layers = [(y_top, y_top + pad, -750.0), (y_top + pad, y_top + pad + 2.0, 200.0),
              (y_top + pad + 2.0, y_top + pad + 38.0, -920.0), (y_top + pad + 38.0, y_top + pad + 40.0, 200.0)]
    box = g.box(np.array([cx - width / 2, y_top - 30, g.origin_mm[2] - 1]),
                np.array([cx + width / 2, y_top + pad + 45, g.origin_mm[2] + g.spacing_mm[2] * g.shape[0]]))
    if box is None:
        return
    yy = box.y - F(curve[box.index[2]].reshape(1, 1, -1))
    inside_x = coverage(np.abs(box.x - F(cx)) - F(width / 2), g.voxel_mm)
    for y0, y1, hu in layers:
        d = np.abs(yy - F((y0 + y1) / 2)) - F((y1 - y0) / 2)
        occ = coverage(d, g.spacing_mm[1]) * inside_x
        occ = np.broadcast_to(occ, box.shape)
        canvas.paint(box, occ, hu, labels.TABLE)


CHUNK_SLICES = 16  # full-grid layers are painted one slab at a time to bound memory


def _slabs(grid) -> list[tuple[int, int]]:
    n = grid.shape[0]
    return [(k, min(k + CHUNK_SLICES, n)) for k in range(0, n, CHUNK_SLICES)]


def _slab_box(grid, z0: int, z1: int) -> Box:
    return Box((slice(z0, z1), slice(None), slice(None)), grid.axis_mm(0).reshape(1, 1, -1),
               grid.axis_mm(1).reshape(1, -1, 1), grid.axis_mm(2)[z0:z1].reshape(-1, 1, 1))


def render_trunk(canvas: Canvas, trunk: Trunk, plan: BodyPlan, texture: CoarseField) -> None:
    """Skin, fat, the muscle wall and (as a base for the organs) the inside of the wall."""
    g = canvas.grid
    h = g.voxel_mm
    ell_all = plan.ell(trunk.z_mm)
    for z0, z1 in _slabs(g):
        box = _slab_box(g, z0, z1)
        tex = texture.chunk(z0, z1)
        r = lambda a: F(a[z0:z1]).reshape(-1, 1, 1)  # noqa: E731  per-slice parameter
        dx, dy = box.x - r(trunk.centre_x), box.y - r(trunk.centre_y)
        d_outer = np.maximum(ellipse_2d(dx, dy, r(trunk.half_width), r(trunk.half_depth)), box.y - r(trunk.back_flat_y))
        # subcutaneous fat: thicker in front of the belly and on the flanks than on the back
        angle_front = np.clip(-dy / r(trunk.half_depth), -1, 1)
        fat_local = r(trunk.fat) * (F(1.0) + F(0.25) * angle_front)
        canvas.paint(box, coverage(d_outer, h), 25.0 + 10.0 * tex, labels.SKIN)
        canvas.paint(box, coverage(d_outer + F(2.0), h), -100.0 + 14.0 * tex, labels.FAT)
        d_muscle = d_outer + fat_local
        # the wall muscle: all round the chest (pectorals, latissimus, trapezius); in the belly
        # only in front and at the sides, the back being the erector spinae (painted later)
        back = np.clip((dy / r(trunk.half_depth) - F(0.25)) * F(3.0), 0, 1)
        belly = np.clip((r(ell_all) - F(17.0)) / F(2.0), 0, 1)
        thick = r(trunk.muscle) * (F(1.0) - belly * back)
        canvas.paint(box, coverage(np.maximum(d_muscle, F(1.0) - thick), h), 52.0 + 10.0 * tex, labels.MUSCLE)
        d_cavity = d_muscle + r(trunk.muscle)
        ell = r(ell_all)
        # inside the wall: mediastinal/visceral fat; organs and lungs are painted over it
        canvas.paint(box, coverage(d_cavity, h), -90.0 + 20.0 * tex + 30.0 * (1 - plan.habitus.visceral_fat) * (ell > 17),
                     labels.FAT)


def render_back_muscles(canvas: Canvas, trunk: Trunk, plan: BodyPlan, texture: CoarseField) -> None:
    """Erector spinae either side of the spinous processes, psoas beside the lumbar bodies."""
    g = canvas.grid
    h = g.voxel_mm
    z = trunk.z_mm
    ell = plan.ell(z)
    xy = plan.spine_xy(z)
    s = plan.habitus.width_scale
    # erector spinae: from the laminae back to the fat, about 25-35 mm either side
    er_a = np.interp(ell, [0, 6, 10, 18, 22, 26], [22, 24, 20, 24, 30, 20]) * s
    er_b = np.interp(ell, [0, 6, 10, 18, 22, 26], [25, 24, 24, 28, 30, 20]) * s
    er_y = xy[:, 1] + np.interp(ell, [0, 10, 18, 24], [32, 44, 52, 56])
    back_limit = trunk.back_flat_y - trunk.fat * 0.6
    # psoas: from T12 down into the pelvis, growing
    ps_r = np.interp(ell, [17.5, 19, 21, 23, 25, 27], [0, 8, 15, 21, 22, 18]) * s
    for z0, z1 in _slabs(g):
        box = _slab_box(g, z0, z1)
        tex = texture.chunk(z0, z1)
        r = lambda a: F(a[z0:z1]).reshape(-1, 1, 1)  # noqa: E731
        for side in (-1, 1):
            d = ellipse_2d(box.x - r(xy[:, 0] + side * er_a * 0.95), box.y - r(er_y), r(er_a), r(er_b))
            d = np.maximum(d, box.y - r(back_limit))
            canvas.paint(box, coverage(d, h), 50.0 + 10.0 * tex, labels.MUSCLE)
        on = ps_r[z0:z1] > 1
        if not np.any(on):
            continue
        for side in (-1, 1):
            px = xy[:, 0] + side * (np.interp(ell, [18, 23, 27], [24, 38, 55]) * s + ps_r * 0.7)
            py = xy[:, 1] + np.interp(ell, [18, 23, 27], [0, -5, -30])
            d = ellipse_2d(box.x - r(px), box.y - r(py), r(np.maximum(ps_r, 0.1)), r(np.maximum(ps_r * 0.85, 0.1)))
            canvas.paint(box, coverage(d, h) * F(on.astype(np.float32)).reshape(-1, 1, 1), 48.0 + 10.0 * tex, labels.MUSCLE)
