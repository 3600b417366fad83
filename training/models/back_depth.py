"""How deep the back is: skin behind the vertebral bodies, phantoms beside the real abdomen.

    cd training && /usr/bin/python3 -m models.back_depth [--seeds 2 3 5 7 11] [--shared ../../shared]

Per level T12-S1: the distance in mm from the body's centroid straight back (+y, posterior) to
the skin, in the axial slice through the centroid; and 30 and 50 mm below S1's centroid, from
the sacrum's furthest-back bone (> 200 HU) on that line to the skin; behind L3 and S1, from the
skin on to the table. The skin is where three voxels in a row fall under -500 HU (air, or the
table's foam pad). Real: the TotalSegmentator
abdomen, its centroids from the body mask and the vertebra labels. Phantoms: abdomen preset,
their ground-truth centroids.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .inside_scan import patient_mm_to_voxel

LEVELS = ("T12", "L1", "L2", "L3", "L4", "L5", "S1")
BELOW_S1_MM = (30.0, 50.0)
TABLE_LEVELS = ("L3", "S1")
BONE_HU = 200.0
AIR_HU = -500.0
TABLE_HU = -300.0  # the table's carbon shell (its foam pad is lighter than this)
DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared"


def walk_back(values: np.ndarray, geometry: Mapping[str, Any], point_mm: np.ndarray) -> tuple[float, float | None, float | None] | None:
    """From a point straight back to the skin: (mm to the skin, mm from the last bone voxel on
    the way to the skin or None, mm from the skin on to the next thing denser than fat, the
    table, or None when nothing is there); None when the point's slice is outside the volume."""
    i, j, k = (int(round(t)) for t in patient_mm_to_voxel(geometry, point_mm)[0])
    if not (0 <= k < values.shape[0] and 0 <= i < values.shape[2]):
        return None
    column = values[k, :, i].astype(float)
    step = 1 if geometry["direction"]["row"][1] > 0 else -1  # towards the patient's back
    inside = lambda t: 0 <= t < len(column)  # noqa: E731
    jj, bone = j, None
    while inside(jj + step) and not all(inside(jj + step * t) and column[jj + step * t] < AIR_HU for t in (1, 2, 3)):
        jj += step
        if column[jj] > BONE_HU:
            bone = jj
    table = jj + step
    while inside(table) and column[table] < TABLE_HU:
        table += step
    spacing = float(geometry["spacingMm"][1])
    return (abs(jj - j) * spacing, abs(jj - bone) * spacing if bone is not None else None,
            abs(table - jj) * spacing if inside(table) else None)


def depth_row(values: np.ndarray, geometry: Mapping[str, Any], centroids_mm: Mapping[str, np.ndarray]) -> dict[str, float | None]:
    """{level: centroid → skin mm} and {'S1-30': bone → skin mm, …} for the levels present."""
    row: dict[str, float | None] = {}
    for level in LEVELS:
        if level in centroids_mm:
            found = walk_back(values, geometry, centroids_mm[level])
            row[level] = found[0] if found else None
    for level in TABLE_LEVELS:
        found = walk_back(values, geometry, centroids_mm[level]) if level in centroids_mm else None
        row[f"{level} table"] = found[2] if found else None
    if "S1" in centroids_mm:
        for below in BELOW_S1_MM:
            found = walk_back(values, geometry, np.asarray(centroids_mm["S1"], float) - [0.0, 0.0, below])
            row[f"S1-{below:.0f}"] = found[1] if found else None
    return row


def real_abdomen(shared: Path) -> tuple[np.ndarray, dict[str, Any], dict[str, np.ndarray]]:
    from .real_ct import load_abdomen, reference_body_centroids

    study = load_abdomen(shared / "data" / "real")
    return study.values, study.geometry, reference_body_centroids(study.levels, study.body, LEVELS)


def phantom_abdomen(seed: int, **overrides) -> tuple[np.ndarray, dict[str, Any], dict[str, np.ndarray]]:
    from phantom.generator import generate

    ph = generate(seed, "abdomen", **overrides)
    g = ph.geometry
    geometry = {"direction": {"column": g.direction[0], "row": g.direction[1], "slice": g.direction[2]},
                "originMm": g.origin_mm, "spacingMm": g.spacing_mm}
    return ph.hu, geometry, {v["level"]: np.asarray(v["centroidMm"], float) for v in ph.ground_truth["vertebrae"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3, 5, 7, 11])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    columns = [*LEVELS, *(f"S1-{b:.0f}" for b in BELOW_S1_MM), *(f"{lv} table" for lv in TABLE_LEVELS)]
    print("mm from the body centroid to the skin behind it (S1-30, S1-50: from the sacrum's back;"
          " L3 table, S1 table: from the skin on to the table, '-' where the scan holds none)")
    print(f"{'':16s}" + "".join(f"{c:>10s}" for c in columns))
    studies = [("real abdomen", lambda: real_abdomen(args.shared))] + [(f"phantom {s}", lambda s=s: phantom_abdomen(s)) for s in args.seeds]
    for name, load in studies:
        row = depth_row(*load())
        print(f"{name:16s}" + "".join(f"{row[c]:10.0f}" if row.get(c) is not None else f"{'-':>10s}" for c in columns), flush=True)


if __name__ == "__main__":
    main()
