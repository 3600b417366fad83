"""Golden vectors: what the Python contract code computes on fixed inputs, written to
training/golden/contract.json for the TypeScript tests (src/core/contract.golden.test.ts) to
match to 1e-4. Rebuild with `/usr/bin/python3 training/contract/golden.py`; the pytest
twin fails when the committed file no longer matches this code."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contract.butterfly import butterfly_iou  # noqa: E402
from contract.genant import genant  # noqa: E402
from contract.straighten import build_straightening, mid_sagittal_image, pixel_to_patient_mm, smooth_centreline  # noqa: E402

GOLDEN_PATH = Path(__file__).resolve().parents[1] / "golden" / "contract.json"


def golden_centreline() -> np.ndarray:
    """An S-shaped spine, superior → inferior, patient mm (the TS test builds the same)."""
    z = np.arange(60.0, -61.0, -3.0)
    t = (60.0 - z) / 120.0
    return np.stack([12 * np.sin(2 * np.pi * t), -8 * np.cos(np.pi * t) + 10 * t * t, z], axis=1)


def golden_volume() -> tuple[np.ndarray, dict]:
    """A 48×40×44 int16 volume given by a formula, so both languages rebuild it exactly."""
    nc, nr, ns = 48, 40, 44
    k, j, i = np.meshgrid(np.arange(ns), np.arange(nr), np.arange(nc), indexing="ij")
    hu = ((i * 37 + j * 11 + k * 5) % 200 - 100 + (i * j) % 13 * 10).astype(np.int16)
    geometry = {
        "dimensions": [nc, nr, ns],
        "spacingMm": [2.0, 2.5, 3.0],
        "originMm": [-47.0, -50.0, -64.5],
        "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, 1.0]},
    }
    return hu, geometry


def build() -> dict:
    rng = np.random.default_rng(20261126)
    s = build_straightening(golden_centreline(), step_mm=1.0, half_width_mm=20.0)
    hu, geometry = golden_volume()
    image = mid_sagittal_image(hu, geometry, s)
    pixels = [(float(c), float(r)) for c, r in rng.uniform([0, 0], [s.columns - 1, len(s.curve_mm) - 1], size=(20, 2))]
    # Beyond both ends (keypoints of the end vertebrae fall there): straight along the end tangent.
    last = len(s.curve_mm) - 1
    pixels_beyond = [(3.5, -6.25), (20.0, -0.5), (31.25, last + 0.75), (10.0, last + 9.5)]
    sample_rows = list(range(0, len(s.curve_mm), 9))

    def six_points() -> list[list[float]]:
        x0, y0 = rng.uniform(0, 20, 2)
        w, h = rng.uniform(25, 40), rng.uniform(15, 30)
        jitter = rng.normal(0, 2.5, (6, 2))
        base = [(x0, y0), (x0, y0 + h), (x0 + w / 2, y0), (x0 + w / 2, y0 + h), (x0 + w, y0), (x0 + w, y0 + h)]
        return [[float(bx + dx), float(by + dy)] for (bx, by), (dx, dy) in zip(base, jitter)]

    pairs = [(six_points(), six_points()) for _ in range(40)]
    def body() -> list[list[float]]:
        # Heights near the grade boundaries, in a randomly rotated sagittal plane, plus jitter.
        heights = rng.uniform(14, 26, 3)
        local = np.array([[0, 0, 0], [0, 0, -heights[0]], [0, 15, 0], [0, 15, -heights[1]], [0, 30, 0], [0, 30, -heights[2]]], dtype=float)
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        return (local @ q.T + rng.normal(0, 0.3, (6, 3)) + rng.uniform(-200, 200, 3)).tolist()

    bodies = [body() for _ in range(40)]
    return {
        "straighten": {
            "stepMm": 1.0,
            "halfWidthMm": 20.0,
            "rows": len(s.curve_mm),
            "columns": s.columns,
            "sampleRows": sample_rows,
            "curveMm": s.curve_mm[sample_rows].tolist(),
            "t": s.t[sample_rows].tolist(),
            "u": s.u[sample_rows].tolist(),
            "v": s.v[sample_rows].tolist(),
            "pixels": [list(p) for p in pixels],
            "pixelToPatientMm": [pixel_to_patient_mm(s, c, r).tolist() for c, r in pixels],
            "pixelsBeyondEnds": [list(p) for p in pixels_beyond],
            "pixelBeyondEndsToPatientMm": [pixel_to_patient_mm(s, c, r).tolist() for c, r in pixels_beyond],
            "imageSampleRows": sample_rows,
            "image": image[sample_rows].tolist(),
        },
        "smoothCentreline": [
            {"pointsMm": line, "sigmaMm": sigma, "stepMm": step, "curveMm": smooth_centreline(np.asarray(line), sigma, step).tolist()}
            for line, sigma, step in (
                # body centres with a kink at a crushed body, and a tilt at the lower end
                ([[4.0, -3.0, 90.0], [5.0, 0.0, 60.0], [3.0, 9.0, 31.0], [6.0, 2.0, 2.0], [10.0, -1.0, -25.0]], 12.0, 1.0),
                ([[0.0, 0.0, 9.0], [1.0, 2.0, 0.0]], 12.0, 1.0),  # shorter than the kernel's radius
                ([[0.0, 0.0, 30.0], [0.0, 4.0, 0.0], [0.0, 0.0, -30.0]], 6.0, 0.5),
                ([[0.0, 0.0, 30.0], [0.0, 4.0, 0.0]], 0.0, 1.0),  # no smoothing: resampled only
            )
        ],
        "butterflyIoU": [{"a": a, "b": b, "iou": butterfly_iou(a, b)} for a, b in pairs],
        "genant": [{"pointsMm": p, **genant(p)} for p in bodies],
    }


if __name__ == "__main__":
    GOLDEN_PATH.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN_PATH.write_text(json.dumps(build(), indent=1) + "\n")
    print(f"wrote {GOLDEN_PATH}")
