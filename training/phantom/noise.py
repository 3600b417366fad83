"""Random fields: smooth noise for tissue texture, trabecular bone and CT noise.

All are Gaussian-filtered white noise drawn from the phantom's own Generator, normalised to
unit standard deviation so callers scale them in HU.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def smooth_noise(rng: np.random.Generator, shape: tuple[int, ...], sigma_vox: "float | tuple[float, ...]",
                 ) -> np.ndarray:
    """Unit-variance Gaussian noise, low-pass filtered with sigma (voxels, per axis)."""
    white = rng.standard_normal(shape, dtype=np.float32)
    sig = np.broadcast_to(np.asarray(sigma_vox, dtype=float), (len(shape),))
    if np.all(sig <= 0):
        return white
    field = ndimage.gaussian_filter(white, sigma=tuple(sig), mode="wrap", truncate=3.0)
    # filtering lowers the variance by a known factor; measure it rather than derive it
    sd = float(field.std())
    return field / np.float32(sd if sd > 0 else 1.0)


def sigma_vox(sigma_mm: "tuple[float, float, float]", spacing_mm: tuple[float, float, float]) -> tuple[float, float, float]:
    """(z, y, x) sigma in voxels from (x, y, z) sigma in mm."""
    sx, sy, sz = sigma_mm
    return (sz / spacing_mm[2], sy / spacing_mm[1], sx / spacing_mm[0])


def coarse_noise(rng: np.random.Generator, shape: tuple[int, int, int], step: tuple[int, int, int],
                 sigma: float = 1.0) -> np.ndarray:
    """Smooth noise made on a coarse lattice and linearly enlarged: cheap for big regions."""
    cshape = tuple(int(np.ceil(n / s)) + 2 for n, s in zip(shape, step))
    c = smooth_noise(rng, cshape, sigma)
    zoom = [n / (cn - 2) for n, cn in zip(shape, cshape)]
    # map output index i to coarse coordinate i/zoom + 0.5 (centre-aligned) via map_coordinates
    grids = [np.arange(n, dtype=np.float32) / np.float32(z) + 0.5 for n, z in zip(shape, zoom)]
    out = _separable_linear(c, grids)
    return out


class CoarseField:
    """Smooth unit noise over a whole grid, made on a coarse lattice and enlarged on demand one
    slab of slices at a time, so the full-size field never has to exist in memory."""

    def __init__(self, rng: np.random.Generator, shape: tuple[int, int, int], step: tuple[int, int, int],
                 sigma: float = 1.0):
        self.shape = shape
        cshape = tuple(int(np.ceil(n / s)) + 2 for n, s in zip(shape, step))
        self.coarse = smooth_noise(rng, cshape, sigma)
        self.zoom = [n / (cn - 2) for n, cn in zip(shape, cshape)]

    def chunk(self, z0: int, z1: int, rows: slice = slice(None), columns: slice = slice(None)) -> np.ndarray:
        """The field's slices z0..z1-1, all rows and columns or the given ranges of them."""
        coords = [np.arange(z0, z1, dtype=np.float32) / np.float32(self.zoom[0]) + 0.5]
        coords += [(np.arange(n, dtype=np.float32) / np.float32(z) + 0.5)[part]
                   for n, z, part in zip(self.shape[1:], self.zoom[1:], (rows, columns))]
        lo = max(int(np.floor(coords[0].min())), 0)
        hi = min(int(np.floor(coords[0].max())) + 2, self.coarse.shape[0])
        coords[0] = coords[0] - lo
        return _separable_linear(self.coarse[lo:hi], coords)


def _separable_linear(c: np.ndarray, coords: list[np.ndarray]) -> np.ndarray:
    """Linear interpolation of a 3-D array on a separable set of coordinates, axis by axis."""
    out = c
    for axis, q in enumerate(coords):
        i0 = np.clip(np.floor(q).astype(int), 0, out.shape[axis] - 2)
        f = (q - i0).astype(np.float32)
        a = np.take(out, i0, axis=axis)
        b = np.take(out, i0 + 1, axis=axis)
        shape = [1] * out.ndim
        shape[axis] = -1
        f = f.reshape(shape)
        out = a * (1 - f) + b * f
    return out.astype(np.float32)


def trabecular_network(rng: np.random.Generator, shape: tuple[int, int, int], spacing_mm: tuple[float, float, float],
                       scale_mm: float = 1.0, vertical: float = 1.8) -> np.ndarray:
    """Cancellous bone as CT sees it: a maze of plates and rods (where a smooth random field
    crosses zero) around darker marrow spaces, elongated along z like the load-bearing vertical
    trabeculae. Zero mean, unit SD; `scale_mm` sets the spacing of the maze (~3x scale)."""
    field = smooth_noise(rng, shape, sigma_vox((scale_mm, scale_mm, scale_mm * vertical), spacing_mm))
    net = np.exp(-(field * np.float32(2.2)) ** 2)
    net -= np.float32(net.mean())
    sd = float(net.std())
    return net / np.float32(sd if sd > 0 else 1.0)


def maze_pattern(field: np.ndarray) -> np.ndarray:
    """trabecular_network's plates and rods from a unit-SD smooth field, zero mean and unit SD
    (the constants are the exact moments of exp(-(2.2 f)^2) for a Gaussian f)."""
    return (np.exp(-(field * np.float32(2.2)) ** 2) - np.float32(0.3060)) / np.float32(0.3581)


def trabecular_tile(rng: np.random.Generator, spacing_mm: tuple[float, float, float], scale_mm: float = 1.0,
                    vertical: float = 1.4, block_mm: float = 24.0) -> "TileField":
    """A periodic smooth field for `maze_pattern`: cancellous texture over big bones at the cost of one
    small block."""
    sp = (spacing_mm[2], spacing_mm[1], spacing_mm[0])
    block = tuple(max(8, int(round(block_mm / d))) for d in sp)
    return TileField(rng, block, sigma_vox((scale_mm, scale_mm, scale_mm * vertical), spacing_mm))


class TileField:
    """A periodic block of smooth unit noise (Gaussian filtered with wrap-around), read for any
    box of the grid by wrapping indices: one small filter per phantom instead of one per
    structure, for fine textures (muscle marbling) over big regions."""

    def __init__(self, rng: np.random.Generator, block: tuple[int, int, int], sigma_vox: "tuple[float, float, float]"):
        self.block = smooth_noise(rng, block, sigma_vox)
        self.offset = tuple(int(rng.integers(0, n)) for n in block)

    def at(self, index: tuple[slice, slice, slice], shape: tuple[int, int, int]) -> np.ndarray:
        b = self.block
        idx = [(np.arange(sl.start or 0, (sl.start or 0) + n) + o) % bn
               for sl, n, o, bn in zip(index, shape, self.offset, b.shape)]
        return b[np.ix_(*idx)]
