"""The vertebral body as a solid whose mid-sagittal outline passes exactly through its six points.

Local frame of a vertebra: u -> patient left, v -> posterior, w -> superior (along the spine),
origin at the mean of the six points. In the mid-sagittal plane (u = 0):

* the anterior wall runs from AS to AI (slightly concave, a "waist"), the posterior wall from
  PS to PI;
* the superior endplate runs from AS through MS to PS: the straight rim line AS-PS minus a
  smooth central depression that is exactly MS's depth below the line (and zero slope at the
  corners, so heights measured 1 mm inside the walls equal the corner heights); likewise the
  inferior endplate through AI, MI, PI.

Away from the mid-plane the endplate depression fades towards the lateral rim and the axial
cross-section is bean-shaped (round front, flatter and slightly concave back). The six points
therefore lie exactly on the zero level of `signed_distance`, which is also the label mask and
the outer cortical surface that gets rendered, so ground-truth heights equal rendered heights.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grading import quantify


@dataclass(frozen=True)
class BodyShape:
    points_vw_mm: np.ndarray  # (6, 2): AS, AI, MS, MI, PS, PI as (v, w) mm
    half_width_mm: float  # largest lateral half-width
    waist_mm: float = 0.4  # anterior wall concavity at mid-height (kept small: see module doc)
    posterior_concavity_mm: float = 1.5  # the back wall's midline lies this much anterior of its corners
    endplate_power: float = 1.6  # >1: the central depression meets the rim with zero slope
    front_fraction: float = 0.5  # share of the depth taken by the round front in axial view

    @property
    def heights_mm(self) -> tuple[float, float, float]:
        return quantify(self.points_vw_mm).heights_mm

    def extent_vw(self) -> tuple[float, float, float, float]:
        """(v_min, v_max, w_min, w_max) that contain the solid."""
        p = self.points_vw_mm
        depth_w = abs(self._depths()[0]) + abs(self._depths()[1])
        return (float(p[:, 0].min() - self.waist_mm - 0.5), float(p[:, 0].max() + self.posterior_concavity_mm + 0.5),
                float(p[:, 1].min() - depth_w - 0.5), float(p[:, 1].max() + depth_w + 0.5))

    def _depths(self) -> tuple[float, float]:
        """Depression of MS below the AS-PS rim line and of MI above the AI-PI line (mm)."""
        AS, AI, MS, MI, PS, PI = self.points_vw_mm
        line_s = AS[1] + (MS[0] - AS[0]) / (PS[0] - AS[0]) * (PS[1] - AS[1])
        line_i = AI[1] + (MI[0] - AI[0]) / (PI[0] - AI[0]) * (PI[1] - AI[1])
        return float(line_s - MS[1]), float(MI[1] - line_i)

    def walls(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Signed distance to the side walls only (front, back, lateral bean), ignoring endplates."""
        AS, AI, MS, MI, PS, PI = (p.astype(np.float32) for p in self.points_vw_mm)
        f32 = np.float32

        def wall(top: np.ndarray, bottom: np.ndarray, bulge: float) -> np.ndarray:
            t = (w - bottom[1]) / f32(top[1] - bottom[1])
            line = bottom[0] + t * f32(top[0] - bottom[0])
            tt = np.clip(2 * t - 1, -1, 1)
            return line + f32(bulge) * (1 - tt * tt)

        v_ant = wall(AS, AI, self.waist_mm)  # the waist pushes the front wall posteriorly
        v_post_mid = wall(PS, PI, -0.3)
        half_w = f32(self.half_width_mm)
        lat = np.clip(1 - (u / half_w) ** 2, 0, 1)
        v_post = v_post_mid + f32(self.posterior_concavity_mm) * (1 - lat)
        # axial bean: s = 0 at the front wall, 1 at the back wall (mid-plane values)
        depth_v = np.maximum(v_post_mid - v_ant, f32(1.0))
        s = (v - v_ant) / depth_v
        s0 = f32(self.front_fraction)
        front = s < s0
        back_scale = f32(1.7) * (1 - s0)  # the back corners keep ~80 % of the width
        q = np.where(front, (s0 - s) / s0, (s - s0) / back_scale)
        f = np.sqrt(np.clip(1 - q * q, 0, 1))
        dfds = np.where(front, (s0 - s) / (s0 * s0), -(s - s0) / (back_scale * back_scale)) / np.maximum(f, f32(0.05))
        grad = np.sqrt(1 + np.minimum((half_w * dfds / depth_v) ** 2, f32(16.0)))
        d_lat = (np.abs(u) - half_w * f) / grad
        return np.maximum(np.maximum(v_ant - v, v - v_post), d_lat)

    def endplate_w(self, u: np.ndarray, v: np.ndarray, superior: bool) -> np.ndarray:
        """Height w of the superior (or inferior) endplate surface above (u, v)."""
        AS, AI, MS, MI, PS, PI = (p.astype(np.float32) for p in self.points_vw_mm)
        a, m, p, sign = (AS, MS, PS, 1.0) if superior else (AI, MI, PI, -1.0)
        f32 = np.float32
        slope = f32((p[1] - a[1]) / (p[0] - a[0]))
        rim = a[1] + (v - a[0]) * slope
        depth = f32(sign * (a[1] + (m[0] - a[0]) * slope - m[1]))
        t = np.where(v < m[0], (v - m[0]) / f32(m[0] - a[0]), (v - m[0]) / f32(p[0] - m[0]))
        bump = np.clip(1 - t * t, 0, 1) ** f32(self.endplate_power)
        lat = np.clip(1 - (u / f32(self.half_width_mm)) ** 2, 0, 1)
        return rim - f32(sign) * depth * bump * lat

    def signed_distance(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Approximate signed distance (mm, negative inside), exactly zero on the outline."""
        d = np.maximum(self.walls(u, v, w), w - self.endplate_w(u, v, True))
        return np.maximum(d, self.endplate_w(u, v, False) - w)
