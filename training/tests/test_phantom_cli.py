"""`npm run phantom` (phantom/cli.py): DICOM and NIfTI on disk, read back by the TypeScript ingest,
and a ground_truth.json that holds together under the contract's Genant rules.

Small volumes (a 150 mm field of view around the spine without surroundings), so the file runs in
a few seconds plus one `spinelens inspect` per format.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contract.genant import GRADE_LOSS_THRESHOLDS, genant
from phantom.cli import main, output_dir, parse_fracture

REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "training"
SMALL = ["--scan-levels", "T9:L1", "--spacing", "1", "--matrix", "150", "--slice-mm", "2",
         "--set", "fov_centre_xy_mm=[0, 45]", "--no-surroundings"]
FRACTURES = [("T10", 1, "biconcave"), ("T11", 2, "wedge"), ("T12", 3, "crush")]


def _cli(out: Path, *extra: str) -> subprocess.CompletedProcess:
    """The command as `npm run phantom` runs it: `python3 -m phantom.cli` from training/."""
    fx = [a for f in FRACTURES for a in ("--fracture", ":".join(map(str, f)))]
    cmd = [sys.executable, "-m", "phantom.cli", "--seed", "21", "--out", str(out), *SMALL, *fx, *extra]
    done = subprocess.run(cmd, cwd=TRAINING, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def _inspect(path: Path) -> dict:
    out = subprocess.run(["node", str(REPO / "bin/spinelens.mjs"), "inspect", str(path)], capture_output=True,
                         text=True, check=True)
    [series] = json.loads(out.stdout)["series"]
    return series


def _increasing_slices(g: dict) -> dict:
    """The same voxel grid described with slices along +z (how the ingest sorts DICOM slices)."""
    d = np.asarray(g["direction"]["slice"], float)
    if d[2] > 0:
        return g
    n = g["dimensions"][2]
    origin = np.asarray(g["originMm"], float) + d * g["spacingMm"][2] * (n - 1)
    return {**g, "originMm": origin.tolist(), "direction": {**g["direction"], "slice": (-d).tolist()}}


def _assert_same_geometry(read: dict, truth: dict) -> None:
    assert read["dimensions"] == truth["dimensions"]
    assert read["spacingMm"] == pytest.approx(truth["spacingMm"], abs=0.01)
    assert read["originMm"] == pytest.approx(truth["originMm"], abs=0.01)
    for axis in ("column", "row", "slice"):
        assert read["direction"][axis] == pytest.approx(truth["direction"][axis], abs=1e-6)


def _check_ground_truth(gt: dict) -> None:
    assert gt["vertebrae"], "no whole vertebra in the phantom"
    for v in gt["vertebrae"]:
        pts = np.asarray(v["pointsMm"], float)
        assert pts.shape == (6, 3), v["level"]
        assert np.allclose(v["centroidMm"], pts.mean(axis=0), atol=2e-3)
        q = genant(pts)
        for k in ("anterior", "middle", "posterior"):
            assert v["heightsMm"][k] == pytest.approx(q["heightsMm"][k], abs=5e-3), (v["level"], k)
        assert v["genantRatio"] == pytest.approx(q["genantRatio"], abs=1e-4)
        # points are rounded to 1 µm in the file: only a ratio right at a band edge could flip
        if min(abs((1 - q["genantRatio"]) - t) for t in GRADE_LOSS_THRESHOLDS) > 1e-4:
            assert v["grade"] == q["grade"], v["level"]
        h = sorted(q["heightsMm"].values())
        if h[1] - h[0] > 1e-2:
            assert v["type"] == q["type"], v["level"]
    asked = {lv: (grade, typ) for lv, grade, typ in FRACTURES}
    graded = {v["level"]: (v["grade"], v["type"]) for v in gt["vertebrae"] if v["grade"] > 0}
    assert graded == asked
    assert {(f["level"], f["grade"], f["type"]) for f in gt["patient"]["fractures"]} == set(FRACTURES)
    assert gt["patient"]["worstGrade"] == 3


def test_dicom_reads_back_through_the_typescript_ingest(tmp_path: Path) -> None:
    out = tmp_path / "dicom"
    done = _cli(out, "--slice-order", "superior_first")
    assert "DICOM slices" in done.stdout and "ground_truth.json" in done.stdout and "time:" in done.stdout
    gt = json.loads((out / "ground_truth.json").read_text())
    files = sorted(out.glob("IM*.dcm"))
    assert len(files) == gt["geometry"]["dimensions"][2]
    read = _inspect(out)
    assert read["seriesInstanceUID"] == gt["seriesInstanceUID"] != ""
    assert gt["studyInstanceUID"].startswith("2.25.")
    assert gt["geometry"]["direction"]["slice"] == [0.0, 0.0, -1.0]
    # the ingest sorts slices along +z: the same grid, described from its other end
    _assert_same_geometry(read, _increasing_slices(gt["geometry"]))
    _check_ground_truth(gt)


def test_dicom_inferior_first_geometry_is_identical(tmp_path: Path) -> None:
    out = tmp_path / "dicom"
    _cli(out, "--slice-order", "inferior_first")
    gt = json.loads((out / "ground_truth.json").read_text())
    _assert_same_geometry(_inspect(out), gt["geometry"])


def test_nifti_and_same_seed_same_ground_truth(tmp_path: Path) -> None:
    _cli(tmp_path / "a", "--format", "nifti", "--slice-order", "inferior_first")
    assert (tmp_path / "a" / "ct.nii.gz").stat().st_size > 10_000
    gt = json.loads((tmp_path / "a" / "ground_truth.json").read_text())
    assert gt["studyInstanceUID"] == "" and gt["format"] == "nifti"
    _check_ground_truth(gt)
    _assert_same_geometry(_inspect(tmp_path / "a" / "ct.nii.gz"), gt["geometry"])
    _cli(tmp_path / "b", "--format", "nifti", "--slice-order", "inferior_first")
    assert (tmp_path / "b" / "ground_truth.json").read_text() == (tmp_path / "a" / "ground_truth.json").read_text()


def test_refuses_to_overwrite_without_force_and_explains_bad_input(tmp_path: Path, capsys) -> None:
    (tmp_path / "IM00001.dcm").write_bytes(b"old")
    assert main(["--seed", "1", "--out", str(tmp_path), "--format", "nifti"]) == 2
    assert "--force" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--seed", "1", "--out", str(tmp_path), "--fracture", "T8:4:wedge"])
    assert "grade must be 1" in capsys.readouterr().err
    assert parse_fracture("t12:3:crush:plana") == ("T12", 3, "crush", True)
    assert main(["--seed", "1", "--out", str(tmp_path / "x"), "--preset", "cervical", "--fracture", "L4:2:wedge",
                 "--no-surroundings"]) == 2
    assert "outside this phantom's spine" in capsys.readouterr().err


def test_relative_out_is_taken_from_where_npm_ran() -> None:
    env = {"npm_lifecycle_event": "phantom", "INIT_CWD": "/home/user/work"}
    assert output_dir("ph7", env) == Path("/home/user/work/ph7")
    assert output_dir("/abs/ph7", env) == Path("/abs/ph7")
    assert output_dir("ph7", {"npm_lifecycle_event": "test:py", "INIT_CWD": "/elsewhere"}) == Path("ph7").resolve()
