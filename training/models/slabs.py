"""The localizer run slab by slab along z (twin of src/core/pipeline/slabs.ts).

A slice's centre and presence come from one slab, the one whose middle is nearest the slice's
middle (the earlier on a tie), so every slice is read at least (SLAB - STEP) / 2 slices (32 mm)
away from where a slab cuts the volume. The centres are in-plane grid coordinates, so no slab's
outputs need an offset.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import conventions as C

LocalizerFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def slab_starts(slices: int, slab: int = C.LOCALIZER_SLAB_SLICES, step: int = C.LOCALIZER_SLAB_STEP_SLICES) -> list[int]:
    """First slice of every slab: 0, step, 2·step, … and, if the volume is not yet covered, one
    ending at the last slice; [0] when one slab covers it all."""
    if slices <= slab:
        return [0]
    starts = list(range(0, slices - slab, step))
    if starts[-1] + slab < slices:
        starts.append(slices - slab)
    return starts


def slab_of_slice(slices: int, starts: list[int], slab: int = C.LOCALIZER_SLAB_SLICES) -> np.ndarray:
    """(slices,) index into `starts` of the slab that gives each slice its outputs."""
    middles = np.asarray(starts, dtype=float) + min(slab, slices) / 2
    z = np.arange(slices) + 0.5
    # the nearest middle; argmin takes the first of equals, the earlier slab
    return np.argmin(np.abs(z[:, None] - middles[None, :]), axis=1)


def in_slabs(run: LocalizerFn, slab: int = C.LOCALIZER_SLAB_SLICES, step: int = C.LOCALIZER_SLAB_STEP_SLICES) -> LocalizerFn:
    """`run` ((Z, Y, X) → centre (Z, 2), presence (Z,)) applied slab by slab and stitched."""

    def fn(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        slices = image.shape[0]
        starts = slab_starts(slices, slab, step)
        if len(starts) == 1:
            return run(image)
        pick = slab_of_slice(slices, starts, slab)
        centre = np.zeros((slices, 2), dtype=np.float32)
        presence = np.zeros(slices, dtype=np.float32)
        for k, a in enumerate(starts):
            c, p = run(image[a : a + slab])
            c = np.asarray(c).reshape(-1, 2)
            p = np.asarray(p).reshape(-1)
            mine = np.flatnonzero(pick == k)
            centre[mine] = c[mine - a]
            presence[mine] = p[mine - a]
        return centre, presence

    return fn
