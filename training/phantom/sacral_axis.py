"""The sacrum's axis below S1: its fused segments S2 ... coccyx, each a little shorter and
narrower and bent a little further forwards than the one above.

pelvis.render_sacrum draws the bone along it, and torso.back_skin_y keeps the skin over its
crest, so that a column turned back to rest on the table (posture.py) cannot push the sacrum
through the skin.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .sdf import basis
from .spine import Vertebra

# (height, depth, half-width, canal depth behind, forward bend before it in degrees), in mm for
# an average adult: S2 ... S5, then the coccyx
SEGMENTS_MM = ((22, 24, 24, 11, 4), (19, 20, 19, 9, 10), (16, 16, 14, 6, 14), (13, 12, 10, 3.5, 16), (10, 9, 7, 0, 16),
               (8, 8, 6, 0, 14), (7, 7, 5, 0, 10), (6, 6, 4, 0, 8))
REMNANT_DISC_MM = 1.5  # the S1-S2 remnant disc
CREST_BEHIND_CANAL_MM = 9.5  # the back of the median crest beyond the canal (the fused laminae, then the crest)


@dataclass(frozen=True, eq=False)  # holds arrays: no generated equality
class SacralSegment:
    start: np.ndarray  # where it meets the segment above (S1's local frame u, v, w, mm)
    centre: np.ndarray
    axes: np.ndarray  # rows: along the sacrum (downwards), posterior, lateral
    height_mm: float
    depth_mm: float
    half_width_mm: float
    canal_depth_mm: float

    def back(self) -> np.ndarray:
        """Its furthest-back bone in the mid-sagittal plane (S1's local frame): the median crest
        where a canal runs behind the body, else the body's back."""
        behind = self.depth_mm / 2 + (self.canal_depth_mm + CREST_BEHIND_CANAL_MM if self.canal_depth_mm > 0 else 0.0)
        return self.centre + self.axes[1] * behind


def sacral_segments(s1: Vertebra, sacrum_dir: np.ndarray, scale: float,
                    bend_noise_deg: Sequence[float] | None = None) -> list[SacralSegment]:
    """The segments below `s1` (which has a body), starting down `sacrum_dir` (LPS) from the
    middle of its inferior endplate; sizes times `scale`, each bend plus its noise."""
    assert s1.body is not None
    p = s1.body.points_vw_mm
    tangent = sacrum_dir @ s1.axes.T  # in S1's frame
    tangent = tangent / np.linalg.norm(tangent)
    bottom = np.array([0.0, float(np.mean(p[[1, 5], 0])), float(np.mean(p[[1, 5], 1]))])
    pos = bottom + tangent * REMNANT_DISC_MM
    noise = np.zeros(len(SEGMENTS_MM)) if bend_noise_deg is None else np.asarray(bend_noise_deg, float)
    out = []
    for (hgt, dep, half_w, c_dep, bend), extra in zip(SEGMENTS_MM, noise, strict=True):
        ang = np.radians(bend + extra)
        # turn the axis forwards (towards -v) about the left-right axis
        t_vw = np.array([[np.cos(ang), np.sin(ang)], [-np.sin(ang), np.cos(ang)]]) @ tangent[1:]
        tangent = np.array([0.0, t_vw[0], t_vw[1]]) / np.linalg.norm(t_vw)
        h = hgt * scale
        centre = pos + tangent * (h / 2)
        out.append(SacralSegment(pos.copy(), centre, basis(tangent, (0.0, 1.0, 0.0)), h, dep * scale, half_w * scale, c_dep * scale))
        pos = centre + tangent * (h / 2)  # fused: the next segment starts where this one ends
    return out


def crest_line_mm(s1: Vertebra, sacrum_dir: np.ndarray, scale: float) -> np.ndarray:
    """(n, 3) LPS mm: the furthest-back bone of each segment, top to bottom, without the bends'
    noise (a few mm from the drawn bone at the coccyx)."""
    return s1.to_world(np.stack([seg.back() for seg in sacral_segments(s1, sacrum_dir, scale)]))
