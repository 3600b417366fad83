"""Scan presets: which part of the spine a phantom shows, and how it is typically acquired.

The scan range is given in level coordinates (plan.BodyPlan.ell: C1 = 0 ... S1 = 24) and
jittered so scans start and end anywhere inside a vertebra, as real ones do. The spine is
modelled two levels beyond the range so that the cut vertebrae at both ends exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from .levels import size_position


@dataclass(frozen=True)
class Preset:
    name: str
    top: str  # nominal first level fully in the scan
    bottom: str  # nominal last level
    jitter_levels: float  # how far (in levels) each end may move, either way
    fov_mm: tuple[float, float]  # display field of view for a body reconstruction
    extra_bottom: float = 0.0  # levels of scan below `bottom` (pelvis in abdominal scans)
    # how much further (in levels, drawn uniformly) some scans reach below that: an
    # abdomen-pelvis CT runs on past the hips to the pubic symphysis, and a localizer that never
    # saw the lower pelvis keeps finding "spine" in it
    extra_bottom_range: tuple[float, float] = (0.0, 0.0)
    # slice spacings (mm) and their probabilities: thin for spine and chest work, thicker for
    # long whole-trunk scans (which also keeps those volumes to a few hundred MB)
    slices_mm: tuple[tuple[float, float], ...] = ((0.625, 0.1), (0.8, 0.08), (1.0, 0.2), (1.25, 0.12), (1.5, 0.1),
                                                   (2.0, 0.12), (2.5, 0.1), (3.0, 0.1), (5.0, 0.08))

    def scan_ell(self, extra_bottom_draw: float = 0.0) -> tuple[float, float]:
        """Nominal (top, bottom) level coordinates of the scan range, covering both end bodies;
        `extra_bottom_draw` in [0, 1) picks how far into `extra_bottom_range` the scan runs on."""
        lo, hi = self.extra_bottom_range
        extra = self.extra_bottom + lo + (hi - lo) * extra_bottom_draw
        return size_position(self.top) - 0.6, size_position(self.bottom) + 0.6 + extra


PRESETS: dict[str, Preset] = {
    "chest": Preset("chest", "C7", "L1", 0.9, (320.0, 420.0)),
    "abdomen": Preset("abdomen", "T11", "S1", 0.9, (330.0, 440.0), extra_bottom=1.5, extra_bottom_range=(0.0, 4.5)),
    "thoracolumbar": Preset("thoracolumbar", "T6", "L5", 0.8, (320.0, 440.0)),
    "whole": Preset("whole", "C1", "S1", 0.4, (400.0, 500.0),
                    slices_mm=((1.25, 0.1), (1.5, 0.15), (2.0, 0.25), (2.5, 0.15), (3.0, 0.2), (5.0, 0.15))),
    "cervical": Preset("cervical", "C1", "T2", 0.6, (180.0, 260.0),
                       slices_mm=((0.625, 0.2), (0.8, 0.15), (1.0, 0.3), (1.25, 0.1), (1.5, 0.1), (2.0, 0.1), (3.0, 0.05))),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}") from None
