"""Rasterising solids described in a local frame into the render grid.

A solid is given as a function of local coordinates (u, v, w) returning a signed distance,
plus its local bounding box. Only the grid voxels inside the box's world-aligned hull are
evaluated. `BoneParts` unions many small solids (processes, ribs segments...) into one scratch
pair (outer coverage, inner coverage) so that a bone is painted once, cortex then marrow.
`BoneSolid` joins parts into one signed distance with fillets, for bones whose parts grow out
of each other (the neural arch): one cortex, of varying thickness, round the whole.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .grid import Box, Canvas, Grid
from .noise import TileField, maze_pattern
from .sdf import coverage, smooth_union

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


def part_within(grid: Grid, box: Box, centre_mm: np.ndarray, axes: np.ndarray, lo_uvw, hi_uvw) -> list[tuple[int, int]] | None:
    """The voxels of a part's own box (local_box of its extent) that lie inside `box`, as
    (start, stop) per axis z, y, x relative to `box`; None when they do not overlap."""
    sub = local_box(grid, centre_mm, axes, lo_uvw, hi_uvw)
    if sub is None:
        return None
    rel = []
    for s_sub, s_all in zip(sub.index, box.index):
        start, stop = max(s_sub.start, s_all.start), min(s_sub.stop, s_all.stop)
        if stop <= start:
            return None
        rel.append((start - s_all.start, stop - s_all.start))
    return rel


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
        rel = part_within(self.grid, self.box, c, a, lo_uvw, hi_uvw)
        if rel is None:
            return
        (z0, z1), (y0, y1), (x0, x1) = rel
        o = self.box.index
        b = Box((slice(z0 + o[0].start, z1 + o[0].start), slice(y0 + o[1].start, y1 + o[1].start), slice(x0 + o[2].start, x1 + o[2].start)),
                self.box.x[:, :, x0:x1], self.box.y[:, y0:y1, :], self.box.z[z0:z1, :, :])
        u, v, w = b.local(c, a)
        d = fn(u, v, w)
        h = self.grid.voxel_mm
        idx = (slice(z0, z1), slice(y0, y1), slice(x0, x1))
        np.maximum(self.outer[idx], coverage(d, h), out=self.outer[idx])
        np.maximum(self.inner[idx], coverage(d + np.float32(shell_mm), h), out=self.inner[idx])

    def paint(self, canvas: Canvas, cortical_hu: float, marrow_hu: "float | np.ndarray", label: int | None) -> None:
        if self.box is None:
            return
        canvas.paint(self.box, self.outer, cortical_hu, label)
        canvas.paint(self.box, self.inner, marrow_hu)


def lattice_field(box: Box, fn: Callable[[Box], np.ndarray], spacing_mm: tuple[float, float, float],
                  step_mm: float = 2.5) -> np.ndarray:
    """A smooth field over `box` (a signed distance, a slow texture), evaluated only every
    ~step_mm (and at the box's last voxels) and interpolated linearly in between: big organs
    cost a fraction of a full evaluation, and their surfaces move by well under a voxel. `fn`
    gets a Box whose index holds the lattice's absolute voxel indices (arrays, z y x) and whose
    x, y, z are theirs."""
    found = lattice_region(box, fn, spacing_mm, step_mm)
    assert found is not None
    return found[1]


def lattice_region(box: Box, fn: Callable[[Box], np.ndarray], spacing_mm: tuple[float, float, float],
                   step_mm: float = 2.5, below: float | None = None) -> tuple[Box, np.ndarray] | None:
    """`lattice_field`, and with `below` only over the part of `box` where the field can be
    under that value (the lattice cells under it and their neighbours): a solid's box cropped
    to the solid before anything is interpolated. Returns (that box, the field) or None."""
    steps = [max(1, int(step_mm / sp)) for sp in (spacing_mm[2], spacing_mm[1], spacing_mm[0])]
    rel = [np.unique(np.r_[np.arange(0, n, st), n - 1]) for n, st in zip(box.shape, steps)]
    absolute = tuple(r + sl.start for r, sl in zip(rel, box.index))
    lattice = Box(absolute, box.x[:, :, rel[2]], box.y[:, rel[1], :], box.z[rel[0]])  # type: ignore[arg-type]
    d = np.broadcast_to(np.asarray(fn(lattice), np.float32), lattice.shape)
    if below is not None:
        near = d < np.float32(below)
        if not near.any():
            return None
        keep = []
        for axis in range(3):
            hit = np.flatnonzero(near.any(axis=tuple(a for a in range(3) if a != axis)))
            keep.append((max(int(hit[0]) - 1, 0), min(int(hit[-1]) + 2, len(rel[axis]))))
        d = d[tuple(slice(j0, j1) for j0, j1 in keep)]
        first = [int(r[j0]) for r, (j0, _) in zip(rel, keep)]
        last = [int(r[j1 - 1]) for r, (_, j1) in zip(rel, keep)]
        rel = [r[j0:j1] - r[j0] for r, (j0, j1) in zip(rel, keep)]
        o = box.index
        box = Box(tuple(slice(sl.start + f, sl.start + l + 1) for sl, f, l in zip(o, first, last)),  # type: ignore[arg-type]
                  box.x[:, :, first[2]:last[2] + 1], box.y[:, first[1]:last[1] + 1, :], box.z[first[0]:last[0] + 1])
    for axis, (r, n) in enumerate(zip(rel, box.shape)):
        if len(r) == n:
            continue
        pos = np.interp(np.arange(n), r, np.arange(len(r))).astype(np.float32)
        i0 = np.minimum(pos.astype(np.int64), len(r) - 2)
        f = (pos - i0).reshape([-1 if a == axis else 1 for a in range(3)])
        a = np.take(d, i0, axis=axis)
        b = np.take(d, i0 + 1, axis=axis)
        b -= a
        b *= f
        a += b
        d = a
    return box, np.ascontiguousarray(d, dtype=np.float32)


class BoneTexture:
    """Periodic random fields shared by a phantom's bones (read for any box by wrapping, one
    small filter per phantom): surface roughness, cortical thickness and marrow grain, each
    unit SD."""

    def __init__(self, rng: np.random.Generator, spacing_mm: tuple[float, float, float], block_mm: float = 24.0):
        sp = (spacing_mm[2], spacing_mm[1], spacing_mm[0])  # (z, y, x)
        block = tuple(max(8, int(round(block_mm / d))) for d in sp)
        self.surface = TileField(rng, block, tuple(1.0 / d for d in sp))
        self.thickness = TileField(rng, block, tuple(2.2 / d for d in sp))
        self.grain = TileField(rng, block, tuple(0.6 / d for d in sp))


class BoneSolid:
    """One bone whose parts grow into each other: their signed distances joined by a smooth
    union (a fillet where two meet), so one cortex runs round the whole without seams. Painted
    with a slightly rough surface and a cortex of varying thickness; where the bone is thinner
    than twice its cortex (laminae, slender processes) it is all cortex, as on real scans."""

    FAR = np.float32(1.0e3)

    def __init__(self, grid: Grid, centre_mm: np.ndarray, axes: np.ndarray, lo_uvw, hi_uvw, fillet_mm: float = 1.5):
        self.grid, self.centre, self.axes = grid, np.asarray(centre_mm, float), np.asarray(axes, float)
        self.fillet = float(fillet_mm)
        self.box = local_box(grid, self.centre, self.axes, lo_uvw, hi_uvw)
        self.d = np.full(self.box.shape, self.FAR, np.float32) if self.box is not None else None

    def add(self, fn: SdfFn, lo_uvw, hi_uvw, fillet_mm: float | None = None) -> None:
        """Evaluate one part in its own small box and join it to the solid."""
        if self.box is None:
            return
        rel = part_within(self.grid, self.box, self.centre, self.axes, lo_uvw, hi_uvw)
        if rel is None:
            return
        (z0, z1), (y0, y1), (x0, x1) = rel
        b = self.box
        part = Box((slice(z0, z1), slice(y0, y1), slice(x0, x1)), b.x[:, :, x0:x1], b.y[:, y0:y1, :], b.z[z0:z1])
        u, v, w = part.local(self.centre, self.axes)
        idx = part.index
        k = self.fillet if fillet_mm is None else fillet_mm
        self.d[idx] = smooth_union(fn(u, v, w).astype(np.float32, copy=False), self.d[idx], k)

    def paint(self, canvas: Canvas, cortical_hu: float, marrow_hu: float, label: int | None, cortex_mm: float,
              texture: BoneTexture | None = None, rough_mm: float = 0.3, marrow_sd_hu: float = 0.0,
              maze: "TileField | None" = None, maze_sd_hu: float = 0.0) -> None:
        """`maze`: a trabecular_tile whose plates and rods texture the marrow (SD maze_sd_hu)."""
        if self.box is None:
            return
        h = self.grid.voxel_mm
        near = self.d < np.float32(h + rough_mm + 0.5)
        if not near.any():
            return
        # only the voxels near the bone: the box's parts nothing reached stay untouched
        zz, yy, xx = (np.flatnonzero(near.any(axis=axes)) for axes in ((1, 2), (0, 2), (0, 1)))
        z0, z1, y0, y1, x0, x1 = zz[0], zz[-1] + 1, yy[0], yy[-1] + 1, xx[0], xx[-1] + 1
        o = self.box.index
        index = (slice(o[0].start + z0, o[0].start + z1), slice(o[1].start + y0, o[1].start + y1),
                 slice(o[2].start + x0, o[2].start + x1))
        box = Box(index, self.box.x[:, :, x0:x1], self.box.y[:, y0:y1, :], self.box.z[z0:z1])
        d = self.d[z0:z1, y0:y1, x0:x1]
        if texture is not None:
            d = d + np.float32(rough_mm) * texture.surface.at(index, box.shape)
            shell = np.float32(cortex_mm) * (np.float32(1.0) + np.float32(0.4) * texture.thickness.at(index, box.shape))
            np.maximum(shell, np.float32(0.35 * cortex_mm), out=shell)
        else:
            shell = np.float32(cortex_mm)
        canvas.paint(box, coverage(d, h), cortical_hu, label)
        marrow = marrow_hu
        if texture is not None and marrow_sd_hu > 0:
            marrow = np.float32(marrow_hu) + np.float32(marrow_sd_hu) * texture.grain.at(index, box.shape)
        if maze is not None and maze_sd_hu > 0:
            marrow = marrow + np.float32(maze_sd_hu) * maze_pattern(maze.at(index, box.shape))
        canvas.paint(box, coverage(d + shell, h), marrow)
