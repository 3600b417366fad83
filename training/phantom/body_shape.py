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
cross-section is bean-shaped (round front, flatter and slightly concave back); the side walls
are waisted (narrower at mid-height than at the endplates, as real bodies are).

The rim where an endplate meets the walls is rounded with `corner_radius_mm`, as real bodies'
corners are: near the rim both surfaces are first pushed out by e = r (1 - 1/sqrt 2) and then
joined by a round intersection of radius r, whose arc passes exactly through the old sharp
corner. So AS, AI, PS and PI stay on the surface (signed distance 0) on a rim rounded with
radius r; beside the rim the walls and endplates swell by at most e (a slight lip, as the ring
apophysis has), and nothing farther than r from the rim changes.

The six points therefore lie exactly on the zero level of `signed_distance`, which is also the
label mask and the outer cortical surface that gets rendered, so ground-truth heights equal
rendered heights.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grading import quantify


@dataclass(frozen=True)
class BodyShape:
    points_vw_mm: np.ndarray  # (6, 2): AS, AI, MS, MI, PS, PI as (v, w) mm
    half_width_mm: float  # largest lateral half-width
    waist_mm: float = 0.4  # anterior wall concavity at mid-height in the mid-plane (2.8x at the sides);
    # kept <= 1 mm there so that heights measured 2 mm inside the corners stay inside the body
    posterior_concavity_mm: float = 1.5  # the back wall's midline lies this much anterior of its corners
    endplate_power: float = 1.6  # >1: the central depression meets the rim with zero slope
    front_fraction: float = 0.5  # share of the depth taken by the round front in axial view
    corner_radius_mm: float = 0.0  # rounding of the rim where endplates meet the walls
    lateral_waist: float = 0.0  # side walls this fraction narrower at mid-height than at the endplates

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

        half_w = f32(self.half_width_mm)
        # the waist pushes the front wall posteriorly, most at the anterolateral corners
        v_ant = wall(AS, AI, 0.0) + f32(self.waist_mm) * (1 + f32(1.8) * np.minimum((u / half_w) ** 2, 1)) * (
            1 - np.clip(2 * (w - AI[1]) / f32(AS[1] - AI[1]) - 1, -1, 1) ** 2)
        v_post_mid = wall(PS, PI, -0.3)
        lat = np.clip(1 - (u / half_w) ** 2, 0, 1)
        if self.lateral_waist > 0:  # narrower at mid-height (tt = 0) than at the endplates
            mid_t = (w - f32(0.5 * (AI[1] + PI[1]))) / f32(max(0.5 * (AS[1] + PS[1] - AI[1] - PI[1]), 1.0))
            half_w = half_w * (1 - f32(self.lateral_waist) * np.clip(1 - mid_t * mid_t, 0, 1))
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

    def endplates(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Signed distance (along w) to the two endplates only, ignoring the walls."""
        return np.maximum(w - self.endplate_w(u, v, True), self.endplate_w(u, v, False) - w)

    def signed_distance(self, u: np.ndarray, v: np.ndarray, w: np.ndarray, inset_wall_mm: float = 0.0,
                        inset_endplate_mm: float = 0.0, extra_round_mm: float = 0.0) -> np.ndarray:
        """Approximate signed distance (mm, negative inside), exactly zero on the outline.

        With insets: the solid shrunk by inset_wall_mm at the walls and inset_endplate_mm at the
        endplates, its rim rounded extra_round_mm more (the cortex's inner surface: thicker
        at the rim, like the ring apophysis)."""
        return round_rim(self.walls(u, v, w) + np.float32(inset_wall_mm),
                         self.endplates(u, v, w) + np.float32(inset_endplate_mm),
                         self.corner_radius_mm + extra_round_mm if self.corner_radius_mm > 0 else 0.0)


def round_rim(a: np.ndarray, b: np.ndarray, r: float) -> np.ndarray:
    """Intersection of two solids (signed distances a, b) with the edge rounded by r such that
    points on the sharp edge (a = b = 0) stay on the surface: see the module doc."""
    if r <= 0:
        return np.maximum(a, b)
    f32 = np.float32
    r32 = f32(r)
    e = f32(r * (1.0 - 1.0 / np.sqrt(2.0)))
    a2 = a - e * np.clip(1 + b / r32, 0, 1)
    b2 = b - e * np.clip(1 + a / r32, 0, 1)
    qa, qb = np.maximum(a2 + r32, 0), np.maximum(b2 + r32, 0)
    return np.minimum(np.maximum(a2, b2), -r32) + np.sqrt(qa * qa + qb * qb)
