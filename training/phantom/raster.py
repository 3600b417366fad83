"""Rasterising solids described in a local frame into the render grid.

A solid is given as a function of local coordinates (u, v, w) returning a signed distance,
plus its local bounding box. Only the grid voxels inside the box's world-aligned hull are
evaluated. `BoneParts` unions many small solids (processes, ribs segments...) into one scratch
pair (outer coverage, inner coverage) so that a bone is painted once, cortex then marrow.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .grid import Box, Canvas, Grid
from .sdf import coverage

SdfFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def world_hull(centre_mm: np.ndarray, axes: np.ndarray, lo_uvw: np.ndarray, hi_uvw: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray]:
    """Axis-aligned world box around a local box."""
    corners = np.array([[a, b, c] for a in (lo_uvw[0], hi_uvw[0]) for b in (lo_uvw[1], hi_uvw[1])
                        for c in (lo_uvw[2], hi_uvw[2])])
    world = centre_mm + corners @ axes
    return world.min(axis=0), world.max(axis=0)


def local_box(grid: Grid, centre_mm: np.ndarray, axes: np.ndarray, lo_uvw, hi_uvw) -> Box | None:
    lo, hi = world_hull(centre_mm, axes, np.asarray(lo_uvw, float), np.asarray(hi_uvw, float))
    return grid.box(lo, hi)


class BoneParts:
    """Union of solids sharing one frame, as outer and inner (cortex-free) coverage."""

    def __init__(self, grid: Grid, centre_mm: np.ndarray, axes: np.ndarray, lo_uvw, hi_uvw):
        self.grid, self.centre, self.axes = grid, np.asarray(centre_mm, float), np.asarray(axes, float)
        self.box = local_box(grid, self.centre, self.axes, lo_uvw, hi_uvw)
        if self.box is not None:
            self.outer = np.zeros(self.box.shape, np.float32)
            self.inner = np.zeros(self.box.shape, np.float32)

    def add(self, fn: SdfFn, lo_uvw, hi_uvw, shell_mm: float, centre_mm: np.ndarray | None = None,
            axes: np.ndarray | None = None) -> None:
        """Evaluate one solid in its own small box and merge it (max) into the scratch."""
        if self.box is None:
            return
        c = self.centre if centre_mm is None else centre_mm
        a = self.axes if axes is None else axes
        sub = local_box(self.grid, c, a, lo_uvw, hi_uvw)
        if sub is None:
            return
        rel = []
        for s_sub, s_all in zip(sub.index, self.box.index):
            start, stop = max(s_sub.start, s_all.start), min(s_sub.stop, s_all.stop)
            if stop <= start:
                return
            rel.append((start, stop))
        (z0, z1), (y0, y1), (x0, x1) = rel
        o = self.box.index
        b = Box((slice(z0, z1), slice(y0, y1), slice(x0, x1)),
                self.box.x[:, :, x0 - o[2].start:x1 - o[2].start],
                self.box.y[:, y0 - o[1].start:y1 - o[1].start, :],
                self.box.z[z0 - o[0].start:z1 - o[0].start, :, :])
        u, v, w = b.local(c, a)
        d = fn(u, v, w)
        h = self.grid.voxel_mm
        idx = (slice(z0 - o[0].start, z1 - o[0].start), slice(y0 - o[1].start, y1 - o[1].start),
               slice(x0 - o[2].start, x1 - o[2].start))
        np.maximum(self.outer[idx], coverage(d, h), out=self.outer[idx])
        np.maximum(self.inner[idx], coverage(d + np.float32(shell_mm), h), out=self.inner[idx])

    def paint(self, canvas: Canvas, cortical_hu: float, marrow_hu: "float | np.ndarray", label: int | None) -> None:
        if self.box is None:
            return
        canvas.paint(self.box, self.outer, cortical_hu, label)
        canvas.paint(self.box, self.inner, marrow_hu)
