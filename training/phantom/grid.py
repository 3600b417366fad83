"""The render grid and the canvas that objects are painted onto.

The grid is axial and axis-aligned in patient LPS: column -> +x (Left), row -> +y (Posterior),
slice -> +z (Superior), slice 0 the most inferior. Arrays are [slice][row][column] like the
TypeScript Volume. Objects are rendered only inside their bounding boxes: a box in mm becomes
index slices plus 1-D coordinate vectors that broadcast to the box, so nothing outside it is
touched.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Grid:
    shape: tuple[int, int, int]  # (slices, rows, columns)
    origin_mm: tuple[float, float, float]  # (x, y, z) of the centre of voxel [0][0][0]
    spacing_mm: tuple[float, float, float]  # (x = column, y = row, z = slice)

    def axis_mm(self, axis: int) -> np.ndarray:
        """Voxel-centre coordinates along x (0), y (1) or z (2)."""
        n = self.shape[2 - axis]
        return (self.origin_mm[axis] + self.spacing_mm[axis] * np.arange(n)).astype(np.float32)

    @property
    def voxel_mm(self) -> float:
        """The smoothing width for anti-aliased edges: the mean voxel size."""
        return float(np.mean(self.spacing_mm))

    def box(self, lo_mm: np.ndarray, hi_mm: np.ndarray) -> "Box | None":
        """The voxels whose centres lie in [lo, hi] (x, y, z mm), or None when empty."""
        idx = []
        for axis in range(3):
            o, s, n = self.origin_mm[axis], self.spacing_mm[axis], self.shape[2 - axis]
            a = max(int(np.ceil((lo_mm[axis] - o) / s)), 0)
            b = min(int(np.floor((hi_mm[axis] - o) / s)) + 1, n)
            if b <= a:
                return None
            idx.append((a, b))
        (x0, x1), (y0, y1), (z0, z1) = idx
        o, s = self.origin_mm, self.spacing_mm
        x = (o[0] + s[0] * np.arange(x0, x1, dtype=np.float32)).reshape(1, 1, -1)
        y = (o[1] + s[1] * np.arange(y0, y1, dtype=np.float32)).reshape(1, -1, 1)
        z = (o[2] + s[2] * np.arange(z0, z1, dtype=np.float32)).reshape(-1, 1, 1)
        return Box((slice(z0, z1), slice(y0, y1), slice(x0, x1)), x, y, z)


@dataclass(frozen=True)
class Box:
    """Index slices into the grid and the broadcastable coordinates of their voxel centres."""

    index: tuple[slice, slice, slice]
    x: np.ndarray  # (1, 1, nx)
    y: np.ndarray  # (1, ny, 1)
    z: np.ndarray  # (nz, 1, 1)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.z.shape[0], self.y.shape[1], self.x.shape[2])

    def local(self, centre_mm: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coordinates (u, v, w) of every voxel in a frame: centre + u*axes[0] + v*axes[1] + w*axes[2].

        The axes are orthonormal rows, so the inverse is a dot product with each axis.
        """
        dx, dy, dz = self.x - centre_mm[0], self.y - centre_mm[1], self.z - centre_mm[2]
        a = np.asarray(axes, dtype=np.float32)
        return tuple(dx * a[k, 0] + dy * a[k, 1] + dz * a[k, 2] for k in range(3))  # type: ignore[return-value]


def box_around(points_mm: np.ndarray, margin_mm: float) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(points_mm, dtype=float).reshape(-1, 3)
    return p.min(axis=0) - margin_mm, p.max(axis=0) + margin_mm


class Canvas:
    """HU and label volumes on the render grid; objects are painted back to front.

    paint() blends by coverage (alpha in [0, 1]), which is what a CT voxel partly filled with
    two tissues shows, and writes the label where the object covers at least half the voxel.
    """

    def __init__(self, grid: Grid, background_hu: float = -1000.0):
        self.grid = grid
        self.hu = np.full(grid.shape, background_hu, dtype=np.float32)
        self.labels = np.zeros(grid.shape, dtype=np.uint16)

    def paint(self, box: Box, alpha: np.ndarray, value: "float | np.ndarray", label: int | None = None,
              only_over: np.ndarray | None = None) -> None:
        region = self.hu[box.index]
        a = alpha if only_over is None else alpha * only_over
        step = np.subtract(np.asarray(value, dtype=np.float32), region, dtype=np.float32)
        step *= a
        region += step
        if label is not None:
            np.putmask(self.labels[box.index], a >= 0.5, label)

    def add(self, box: Box, delta: np.ndarray) -> None:
        self.hu[box.index] += delta
