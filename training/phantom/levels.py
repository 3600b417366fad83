"""Vertebral levels and their typical adult sizes.

The sizes are rounded means from the morphometry literature (Panjabi et al. 1991/1992 for
cervical, thoracic and lumbar bodies, pedicles and canals; Gilad & Nissan 1986 for body
heights; disc heights from MRI series). They only need to be right to about 10 %: every
phantom scales them by patient size and by the level spacing measured on real spines
(priors.py), and the body's sagittal proportions come from real annotated shapes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

# The standard column. T13 and L6 (transitional spines) borrow their neighbour's sizes.
CERVICAL = [f"C{i}" for i in range(1, 8)]
THORACIC = [f"T{i}" for i in range(1, 13)]
LUMBAR = [f"L{i}" for i in range(1, 6)]
STANDARD_LEVELS = CERVICAL + THORACIC + LUMBAR + ["S1"]
ALL_LEVEL_NAMES = CERVICAL + THORACIC + ["T13"] + LUMBAR + ["L6", "S1"]


def region(level: str) -> str:
    """'C', 'T', 'L' or 'S'."""
    return level[0]


def size_position(level: str) -> float:
    """Continuous position of a level along the standard column (C1 = 0 ... S1 = 24).

    Transitional levels sit half a step beyond their neighbour so their sizes are in between.
    """
    if level == "T13":
        return STANDARD_LEVELS.index("T12") + 0.5
    if level == "L6":
        return STANDARD_LEVELS.index("L5") + 0.3
    return float(STANDARD_LEVELS.index(level))


def level_sequence(n_thoracic: int = 12, n_lumbar: int = 5) -> list[str]:
    """Names of the whole column C1..S1 for a spine with the given segment counts."""
    thor = [f"T{i}" for i in range(1, n_thoracic + 1)]
    lum = [f"L{i}" for i in range(1, n_lumbar + 1)]
    return CERVICAL + thor + lum + ["S1"]


@dataclass(frozen=True)
class LevelSize:
    """Typical dimensions of one vertebra in mm (adult, average size)."""

    body_height_mm: float  # posterior-wall height of a normal body
    body_depth_mm: float  # anteroposterior depth at mid-height
    body_width_mm: float  # lateral width at mid-height
    disc_height_mm: float  # disc below this vertebra, at its centre
    canal_ap_mm: float
    canal_width_mm: float
    pedicle_width_mm: float  # transverse (lateral) pedicle width
    pedicle_height_mm: float
    pedicle_length_mm: float  # body to lamina
    lamina_thickness_mm: float
    spinous_length_mm: float  # from the canal's back to the tip
    spinous_angle_deg: float  # how far the spinous process points down from the horizontal
    spinous_height_mm: float  # its craniocaudal thickness
    transverse_length_mm: float  # lateral reach beyond the pedicle
    transverse_back_deg: float  # how far it angles posteriorly
    cortical_mm: float  # body cortical shell thickness


# Anchor table: level -> LevelSize fields, interpolated between anchors by size_position().
_ANCHORS: dict[str, tuple[float, ...]] = {
    #      H     D     W   disc canAP canW pedW pedH pedL lam  spL  spA  spH  tpL  tpB  cort
    "C2": (16.0, 15.5, 17.0, 4.5, 15.0, 23.0, 6.0, 8.0, 9.0, 5.0, 22.0, 15.0, 9.0, 8.0, 0.0, 0.8),
    "C3": (14.0, 15.5, 16.5, 5.0, 14.5, 23.5, 5.0, 7.0, 8.0, 4.0, 16.0, 15.0, 6.0, 9.0, 0.0, 0.8),
    "C5": (13.5, 16.0, 18.0, 5.5, 14.0, 24.5, 5.5, 7.0, 8.0, 4.0, 18.0, 15.0, 6.0, 10.0, 0.0, 0.8),
    "C7": (14.5, 16.5, 22.0, 5.0, 14.5, 23.0, 6.0, 8.0, 9.0, 5.0, 30.0, 25.0, 8.0, 14.0, 5.0, 0.9),
    "T1": (15.5, 16.5, 26.0, 4.0, 15.0, 20.0, 7.5, 9.5, 10.0, 6.0, 34.0, 30.0, 8.0, 16.0, 15.0, 0.9),
    "T4": (17.5, 21.0, 24.0, 4.0, 15.0, 16.0, 5.0, 11.5, 11.0, 6.0, 38.0, 55.0, 7.0, 16.0, 30.0, 0.9),
    "T8": (20.0, 26.0, 29.0, 5.0, 15.5, 16.5, 6.0, 13.0, 12.0, 7.5, 38.0, 60.0, 7.0, 15.0, 30.0, 1.0),
    "T12": (24.0, 30.0, 38.0, 7.0, 16.5, 20.0, 8.0, 15.5, 13.0, 8.5, 30.0, 20.0, 12.0, 8.0, 10.0, 1.0),
    "L1": (25.0, 32.0, 42.0, 9.0, 17.0, 22.0, 8.5, 15.5, 13.0, 9.0, 30.0, 8.0, 15.0, 18.0, 5.0, 1.0),
    "L3": (26.5, 34.0, 46.0, 10.5, 17.0, 23.5, 10.0, 14.5, 13.0, 9.5, 30.0, 5.0, 16.0, 24.0, 5.0, 1.1),
    "L5": (26.0, 34.0, 50.0, 10.0, 18.0, 25.0, 14.0, 14.0, 12.0, 9.5, 24.0, 0.0, 14.0, 18.0, 5.0, 1.1),
    "S1": (26.0, 33.0, 50.0, 2.0, 16.0, 26.0, 14.0, 14.0, 10.0, 7.0, 14.0, 0.0, 12.0, 10.0, 0.0, 1.1),
}
_FIELDS = [f for f in LevelSize.__dataclass_fields__]


def level_size(level: str) -> LevelSize:
    """Typical sizes of `level`, linearly interpolated between the anchor levels."""
    if level == "C1":
        level = "C2"  # the atlas has no body; its ring is drawn from C2-like sizes
    x = size_position(level)
    xs = np.array([size_position(k) for k in _ANCHORS])
    table = np.array(list(_ANCHORS.values()))
    values = [float(np.interp(x, xs, table[:, j])) for j in range(table.shape[1])]
    return LevelSize(**dict(zip(_FIELDS, values)))


def scaled(size: LevelSize, factor: float) -> LevelSize:
    """All lengths times `factor` (angles unchanged) for a bigger or smaller patient."""
    changes = {f: getattr(size, f) * factor for f in _FIELDS if f.endswith("_mm")}
    return replace(size, **changes)


def sizes_at(ell: np.ndarray, factor: float = 1.0) -> dict[str, np.ndarray]:
    """LevelSize fields at continuous level coordinates (C1 = 0 ... S1 = 24), lengths times
    `factor`: for things placed per axial slice around the spine (muscles, canal-side fat)."""
    xs = np.array([size_position(k) for k in _ANCHORS])
    table = np.array(list(_ANCHORS.values()))
    e = np.asarray(ell, float)
    return {f: np.interp(e, xs, table[:, j]) * (factor if f.endswith("_mm") else 1.0) for j, f in enumerate(_FIELDS)}
