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

    def scan_ell(self) -> tuple[float, float]:
        """Nominal (top, bottom) level coordinates of the scan range, covering both end bodies."""
        return size_position(self.top) - 0.6, size_position(self.bottom) + 0.6 + self.extra_bottom


PRESETS: dict[str, Preset] = {
    "chest": Preset("chest", "C7", "L1", 0.9, (320.0, 420.0)),
    "abdomen": Preset("abdomen", "T11", "S1", 0.9, (330.0, 440.0), extra_bottom=1.5),
    "thoracolumbar": Preset("thoracolumbar", "T6", "L5", 0.8, (320.0, 440.0)),
    "whole": Preset("whole", "C1", "S1", 0.4, (380.0, 480.0)),
    "cervical": Preset("cervical", "C1", "T2", 0.6, (180.0, 260.0)),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}") from None
