"""Ground truth in the shape of DESIGN.md's result document (without the model fields).

Vertebrae are listed top -> bottom. Only vertebrae whose six points all lie inside the imaged
volume (between the first and last slice centres and inside the reconstruction circle) are in
`vertebrae`; the ones the scan cuts or misses are in `partialVertebrae` with the reason.
The centreline is the vertebral-body centroids (mean of each body's six points) interpolated
linearly in z, one point per slice between the limits, in slice-index order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import labels
from .grading import GRADE_NAMES, quantify
from .spine import SpineModel


@dataclass(frozen=True)
class Geometry:
    """Where the voxels are, with the TypeScript Volume's conventions."""

    dimensions: tuple[int, int, int]  # (columns, rows, slices)
    origin_mm: tuple[float, float, float]  # LPS position of the centre of voxel [0][0][0]
    spacing_mm: tuple[float, float, float]  # along (column, row, slice)
    direction: tuple[tuple[float, float, float], ...]  # unit LPS directions of column, row, slice

    def voxel_to_mm(self, column: float, row: float, slice_: float) -> np.ndarray:
        d = np.asarray(self.direction, float)
        s = np.asarray(self.spacing_mm, float)
        return np.asarray(self.origin_mm, float) + (np.array([column, row, slice_]) * s) @ d

    def mm_to_voxel(self, point_mm: np.ndarray) -> np.ndarray:
        """(column, row, slice) fractional indices of LPS points (..., 3)."""
        d = np.asarray(self.direction, float)
        return ((np.asarray(point_mm, float) - np.asarray(self.origin_mm, float)) @ d.T) / np.asarray(self.spacing_mm, float)

    def slice_z_mm(self) -> np.ndarray:
        return self.origin_mm[2] + np.arange(self.dimensions[2]) * self.spacing_mm[2] * self.direction[2][2]

    def to_json(self) -> dict:
        return {
            "dimensions": list(self.dimensions),
            "spacingMm": [round(float(x), 6) for x in self.spacing_mm],
            "originMm": [round(float(x), 4) for x in self.origin_mm],
            "direction": {"column": list(self.direction[0]), "row": list(self.direction[1]), "slice": list(self.direction[2])},
        }


def _r(a: np.ndarray, nd: int = 3) -> list:
    return np.round(np.asarray(a, float), nd).tolist()


def build_ground_truth(spine: SpineModel, geom: Geometry, seed: int, preset: str, extra: dict) -> dict:
    z_slices = geom.slice_z_mm()
    z_lo, z_hi = float(z_slices.min()), float(z_slices.max())
    n_col, n_row = geom.dimensions[0], geom.dimensions[1]
    fov_r = min(n_col, n_row) / 2
    verts, partial, centroids = [], [], []
    for v in spine.vertebrae:
        if v.body is None:
            partial.append({"level": v.level, "reason": "no vertebral body (atlas)"})
            continue
        pts = v.points_mm()
        centroid = pts.mean(axis=0)
        centroids.append(centroid)
        vox = geom.mm_to_voxel(pts)
        in_z = np.all((pts[:, 2] >= z_lo) & (pts[:, 2] <= z_hi))
        in_fov = np.all(((vox[:, 0] - (n_col - 1) / 2) ** 2 + (vox[:, 1] - (n_row - 1) / 2) ** 2) <= (fov_r - 1) ** 2)
        if not (in_z and in_fov):
            partial.append({"level": v.level, "label": labels.body(v.index),
                            "reason": "cut by the scan range" if not in_z else "outside the field of view",
                            "centroidMm": _r(centroid)})
            continue
        g = quantify(pts)
        verts.append({
            "id": f"v{len(verts) + 1}",
            "level": v.level,
            "pointsMm": _r(pts),
            "centroidMm": _r(centroid),
            "heightsMm": {"anterior": round(g.heights_mm[0], 3), "middle": round(g.heights_mm[1], 3),
                          "posterior": round(g.heights_mm[2], 3)},
            "genantRatio": round(g.ratio, 5),
            "grade": g.grade,
            "type": g.type,
            "fracture": None if v.fracture is None else {"grade": v.fracture.grade, "type": v.fracture.type,
                                                         "plana": v.fracture.plana},
            "label": labels.body(v.index),
            "axesLps": {"left": _r(v.axes[0], 5), "posterior": _r(v.axes[1], 5), "superior": _r(v.axes[2], 5)},
            "pathology": {k: val for k, val in (("cement", v.cement), ("screws", v.screws),
                                                ("osteophytesMm", round(v.osteophyte_mm, 1)),
                                                ("trabecularHu", round(v.trabecular_hu, 1))) if val},
        })
    # centreline: centroids sorted by z, interpolated per slice between the limits
    centreline, limits, slices = [], None, []
    if len(centroids) >= 2:
        c = np.array(sorted(centroids, key=lambda p: p[2]))
        z_sup = min(z_hi, float(c[-1, 2]))
        z_inf = max(z_lo, float(c[0, 2]))
        if z_sup >= z_inf:
            limits = [round(z_sup, 3), round(z_inf, 3)]
            for k, z in enumerate(z_slices):
                if z_inf - 1e-6 <= z <= z_sup + 1e-6:
                    centreline.append([round(float(np.interp(z, c[:, 2], c[:, 0])), 3),
                                       round(float(np.interp(z, c[:, 2], c[:, 1])), 3), round(float(z), 3)])
                    slices.append(k)
    fractures = [{"level": v["level"], "grade": v["grade"], "type": v["type"]} for v in verts if v["grade"] > 0]
    return {
        "seed": seed,
        "preset": preset,
        "units": "HU",
        "volume_voxel_order": "[slice][row][column]",
        "geometry": geom.to_json(),
        "centrelineMm": centreline,
        "centrelineSliceIndices": slices,
        "limitsMm": limits,
        "vertebrae": verts,
        "partialVertebrae": partial,
        "patient": {"worstGrade": max([v["grade"] for v in verts], default=0),
                    "worstGradeName": GRADE_NAMES[max([v["grade"] for v in verts], default=0)],
                    "fractures": fractures},
        **extra,
    }
