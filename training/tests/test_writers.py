"""The phantom writers, read back by the project's own TypeScript ingest (`spinelens inspect`)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from phantom.writers import write_dicom_series, write_nifti

REPO = Path(__file__).resolve().parents[2]

GEOMETRY = {
    "dimensions": [40, 30, 12],
    "spacingMm": [0.7421875, 0.7421875, 2.5],
    "originMm": [-14.84375, -120.123456, 310.25],
    # Inferior-first slices, as many scanners write them.
    "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, -1.0]},
}


def _volume() -> np.ndarray:
    rng = np.random.default_rng(0)
    hu = rng.integers(-1000, 1500, size=(12, 30, 40)).astype(np.int16)
    hu[0, 0, 0] = -1024
    hu[-1, -1, -1] = 3071
    return hu


def _inspect(path: Path) -> dict:
    out = subprocess.run(["node", str(REPO / "bin/spinelens.mjs"), "inspect", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_dicom_series_reads_back_with_the_same_geometry(tmp_path: Path) -> None:
    write_dicom_series(tmp_path / "dicom", _volume(), GEOMETRY, identity="writer-test")
    [series] = _inspect(tmp_path / "dicom")["series"]
    # Our ingest sorts slices along +normal (row × column = +z), so it starts from the last one written.
    assert series["dimensions"] == GEOMETRY["dimensions"]
    assert series["spacingMm"] == pytest.approx(GEOMETRY["spacingMm"], abs=0.01)
    last = np.asarray(GEOMETRY["originMm"]) + np.asarray(GEOMETRY["direction"]["slice"]) * GEOMETRY["spacingMm"][2] * 11
    assert series["originMm"] == pytest.approx(last.tolist(), abs=0.01)
    assert series["direction"]["slice"] == pytest.approx([0, 0, 1], abs=1e-9)
    assert series["huRange"] == [-1024, 3071]


def test_nifti_reads_back_with_the_same_geometry(tmp_path: Path) -> None:
    path = write_nifti(tmp_path / "ct.nii.gz", _volume(), GEOMETRY)
    [series] = _inspect(path)["series"]
    assert series["dimensions"] == GEOMETRY["dimensions"]
    assert series["spacingMm"] == pytest.approx(GEOMETRY["spacingMm"], abs=0.01)
    assert series["originMm"] == pytest.approx(GEOMETRY["originMm"], abs=0.01)
    assert series["direction"]["slice"] == pytest.approx([0, 0, -1], abs=1e-6)
    assert series["huRange"] == [-1024, 3071]
