"""The patient around the spine: where things are, as functions of height along the spine.

Organs, ribs and the body outline are placed relative to the spine, by level, because that is
how anatomy is organised (the diaphragm at about T10, kidneys at L1-L2 ...). `BodyPlan` maps a
patient z (mm) to the spine's centre (x, y) at that height and to a continuous level coordinate
`ell` (C1 = 0 ... T1 = 7 ... L1 = 19 ... S1 = 24, extrapolated beyond), and back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .levels import size_position, sizes_at
from .spine import SpineModel


@dataclass(frozen=True)
class Habitus:
    """Patient build: sizes in mm of the body outline and its layers."""

    width_scale: float  # lateral size of the trunk relative to an average adult
    depth_scale: float  # anteroposterior size
    fat_mm: float  # subcutaneous fat thickness (trunk, average)
    visceral_fat: float  # 0..1: how much fat between the abdominal organs
    muscle_mm: float  # body wall muscle thickness
    female: bool
    contrast: str  # "none", "arterial" or "venous"
    age: float = 0.5  # 0..1, young to old: the same number drives bone loss and disc wear
    muscle_hu: float = 50.0  # lean skeletal muscle (lower in the old: fatty infiltration)
    marbling: float = 0.2  # 0..1: fat streaks between the muscle fibres


def sample_habitus(rng: np.random.Generator, patient_scale: float, age: float = 0.5,
                   detail: np.random.Generator | None = None) -> Habitus:
    """`detail` (its own stream) draws the muscle quality, so the build keeps its old draws."""
    detail = np.random.default_rng(0) if detail is None else detail
    fat = float(np.clip(rng.lognormal(np.log(18), 0.55), 4, 70))
    return Habitus(
        width_scale=float(patient_scale * rng.normal(1.0, 0.06)),
        depth_scale=float(patient_scale * rng.normal(1.0, 0.07)),
        fat_mm=fat,
        visceral_fat=float(np.clip(fat / 40 + rng.normal(0, 0.15), 0.05, 1.0)),
        muscle_mm=float(rng.uniform(7, 16)),
        female=bool(rng.random() < 0.5),
        contrast=str(rng.choice(["none", "arterial", "venous"], p=[0.4, 0.2, 0.4])),
        age=float(age),
        # real paraspinal muscle: ~55 HU in the young, 20-40 HU with the fat of older age
        muscle_hu=float(np.clip(58.0 - 26.0 * age + detail.normal(0, 5), 15, 65)),
        marbling=float(np.clip(0.1 + 0.6 * age + detail.normal(0, 0.1), 0.0, 1.0)),
    )


class BodyPlan:
    """Spine centreline and level coordinate as functions of z, plus the patient's build."""

    def __init__(self, spine: SpineModel, habitus: Habitus):
        self.spine, self.habitus = spine, habitus
        verts = spine.vertebrae
        z = np.array([v.centre_mm[2] for v in verts])
        order = np.argsort(z)
        self._z = z[order]
        self._ell = np.array([size_position(v.level) for v in verts])[order]
        self._xy = np.array([v.centre_mm[:2] for v in verts])[order]
        if len(self._z) < 2:  # a single vertebra: assume 25 mm per level
            self._z = np.array([self._z[0] - 25, self._z[0]])
            self._ell = np.array([self._ell[0] + 1, self._ell[0]])
            self._xy = np.repeat(self._xy, 2, axis=0)
        # beyond the modelled vertebrae: continue at the end steps' slopes
        self._dz_dell_lo = (self._z[1] - self._z[0]) / (self._ell[1] - self._ell[0])
        self._dz_dell_hi = (self._z[-1] - self._z[-2]) / (self._ell[-1] - self._ell[-2])

    def ell(self, z_mm: "float | np.ndarray") -> np.ndarray:
        z = np.asarray(z_mm, float)
        out = np.interp(z, self._z, self._ell)
        out = np.where(z < self._z[0], self._ell[0] + (z - self._z[0]) / self._dz_dell_lo, out)
        return np.where(z > self._z[-1], self._ell[-1] + (z - self._z[-1]) / self._dz_dell_hi, out)

    def z_of(self, ell: "float | np.ndarray") -> np.ndarray:
        e = np.asarray(ell, float)
        # ell decreases with z (C1 on top); interpolate on the reversed arrays
        ze, zz = self._ell[::-1], self._z[::-1]
        out = np.interp(e, ze, zz)
        out = np.where(e < ze[0], zz[0] + (e - ze[0]) * self._dz_dell_hi, out)
        return np.where(e > ze[-1], zz[-1] + (e - ze[-1]) * self._dz_dell_lo, out)

    def spine_xy(self, z_mm: "float | np.ndarray") -> np.ndarray:
        """(x, y) of the vertebral bodies' centreline at z, (..., 2)."""
        z = np.asarray(z_mm, float)
        x = np.interp(z, self._z, self._xy[:, 0])
        y = np.interp(z, self._z, self._xy[:, 1])
        return np.stack([x, y], axis=-1)

    def sizes(self, z_mm: "float | np.ndarray") -> dict[str, np.ndarray]:
        """The vertebra's typical dimensions (LevelSize fields) at each z, at this patient's size."""
        return sizes_at(self.ell(z_mm), self.spine.patient_scale)

    def at_level(self, ell: float, dx_mm: float = 0.0, dy_mm: float = 0.0) -> np.ndarray:
        """A point at level coordinate `ell`, offset from the spine centre (x, y) in mm."""
        z = float(self.z_of(ell))
        xy = self.spine_xy(z)
        return np.array([xy[0] + dx_mm, xy[1] + dy_mm, z])


# Trunk outline by level coordinate: half-width and distances of the skin in front of and
# behind the vertebral body centre, for an average adult without subcutaneous fat. Below S1
# (ell 24) the centre stays S1's while the sacrum curves back towards the skin, so the back's
# distance shrinks there: a real sacrum lies 30-40 mm under the skin 30-50 mm below S1.
_OUTLINE_ELL = np.array([-3.0, 0.0, 3.0, 5.5, 6.5, 8.0, 10.0, 13.0, 16.0, 19.0, 22.0, 24.0, 26.0, 29.0])
_HALF_WIDTH = np.array([70., 55., 52., 60., 120., 150., 150., 148., 145., 140., 145., 155., 160., 160.])
_FRONT = np.array([120., 95., 80., 70., 95., 130., 150., 160., 160., 130., 105., 105., 125., 130.])
_BACK = np.array([60., 58., 60., 66., 70., 74., 76., 76., 78., 82., 86., 84., 78., 80.])


def outline_at(ell: np.ndarray, habitus: Habitus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(half_width, front, back) of the lean trunk at each level coordinate (mm)."""
    hw = np.interp(ell, _OUTLINE_ELL, _HALF_WIDTH) * habitus.width_scale
    front = np.interp(ell, _OUTLINE_ELL, _FRONT) * habitus.depth_scale
    back = np.interp(ell, _OUTLINE_ELL, _BACK) * habitus.depth_scale
    return hw, front, back


def fat_at(ell: np.ndarray, habitus: Habitus) -> np.ndarray:
    """Subcutaneous fat thickness: thin on the neck, thickest over the abdomen and hips."""
    factor = np.interp(ell, [0, 5, 8, 16, 20, 24, 28], [0.35, 0.45, 0.7, 0.8, 1.2, 1.3, 1.2])
    return habitus.fat_mm * factor
