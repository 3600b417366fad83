"""The figure code of `npm run eval:models` (models/eval_models.py, real_ct.py, heldout_set.py,
pictures.py, card.with_metrics, onnx_engine.py) on small scenes built here, never on trained
models: perfect predictions give perfect figures, a known shift gives the known error, card
writing keeps the contract fields."""
from __future__ import annotations

import copy
import importlib.util
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from contract.genant import genant
from models import conventions as C
from models.card import localizer_card, with_metrics
from models.data import preset_for_seed
from models.evaluate import evaluate_detector_image, evaluate_localizer_input, summarise_detector, summarise_localizer
from models.eval_models import GOALS, figure_table, meets, split_real, REAL_DETECTOR, REAL_LOCALIZER
from models.heldout_set import FRACTURE_CELLS, coverage_phantom, missing_cells
from models.postprocess import spine_curve
from models.preprocess import LocalizerGrid
from models.real_ct import (LabelMap, PredictedVertebra, Prediction, centreline_in_mask, geometry_from_affine, intensity_to_hu, level_and_height_figures,
                            looks_8bit)
from models.straightening import map_points, pixels_to_points, straightening_for
from models.targets import VertebraInImage, detector_targets, level_index, localizer_targets

REPO = Path(__file__).resolve().parents[2]

# --- localizer figures ------------------------------------------------------------------------

GRID = LocalizerGrid(np.zeros(3), np.diag([2.0, 2.0, 4.0]), (20, 32, 32))
LOCALIZER_TRUTH = {"centrelineMm": [[30.0, 20.0, z] for z in np.arange(60.0, 7.0, -4.0)], "limitsMm": [60.0, 8.0]}
INPUT = np.zeros((32, 32, 32), np.float32)  # the grid padded to 16s


def perfect_localizer(shift_voxels: tuple[float, float] = (0.0, 0.0)):
    target = localizer_targets(GRID, np.asarray(LOCALIZER_TRUTH["centrelineMm"]), LOCALIZER_TRUTH["limitsMm"], INPUT.shape[0])

    def run(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert x.shape == INPUT.shape
        return target.centre + np.asarray(shift_voxels, np.float32), target.presence

    return run


def test_perfect_localizer_gives_perfect_figures():
    s = summarise_localizer([evaluate_localizer_input(perfect_localizer(), INPUT, GRID, LOCALIZER_TRUTH)])
    assert s["spineNotFound"] == 0
    assert s["centrelineMeanErrorMm"] == pytest.approx(0.0, abs=1e-9)
    assert s["limitsErrorMm"] == pytest.approx(0.0, abs=1e-9)
    assert s["presenceAccuracy"] == 1.0


def test_localizer_shift_gives_its_distance_in_mm():
    # 1.5 voxels in x (2 mm) and 2 in y (2 mm): (3, 4) mm in the plane, 5 mm on every slice.
    s = summarise_localizer([evaluate_localizer_input(perfect_localizer((1.5, 2.0)), INPUT, GRID, LOCALIZER_TRUTH)])
    assert s["centrelineMeanErrorMm"] == pytest.approx(5.0, abs=1e-6)
    assert s["limitsErrorMm"] == pytest.approx(0.0, abs=1e-9)


# --- detector figures -------------------------------------------------------------------------

CENTRELINE = np.array([[0.0, 0.0, z] for z in np.arange(200.0, -1.0, -10.0)])
STRAIGHT = straightening_for(CENTRELINE)
IMAGE = np.zeros((len(STRAIGHT.curve_mm), STRAIGHT.columns), np.float32)


def body_px(row: float, anterior_mm: float = 24.0, middle_mm: float = 24.0, column: float = 64.0) -> np.ndarray:
    """AS, AI, MS, MI, PS, PI of a 30 mm deep body centred at `row` (posterior height 24 mm)."""
    a, m, p = anterior_mm / 2, middle_mm / 2, 12.0
    return np.array([[column - 15, row - a], [column - 15, row + a], [column, row - m], [column, row + m], [column + 15, row - p], [column + 15, row + p]])


def scene(heights: list[tuple[float, float]]) -> dict:
    """Ground truth of bodies L1… down the straight image, points on its mid-sagittal plane."""
    vertebrae = []
    for k, (anterior, middle) in enumerate(heights):
        mm = pixels_to_points(STRAIGHT, body_px(30 + 35 * k, anterior, middle))
        q = genant(mm)
        vertebrae.append({"pointsMm": mm.tolist(), "genantRatio": q["genantRatio"], "grade": q["grade"], "level": f"L{k + 1}"})
    return {"vertebrae": vertebrae}


FRACTURED = scene([(24, 24), (16.5, 22), (24, 24), (12, 20), (24, 24)])  # grades 0, 2, 0, 3, 0
HEALTHY = scene([(24, 24), (23, 24), (24, 24), (24, 23), (24, 24)])


def perfect_detector(truth: dict, shift_rows: float = 0.0):
    """Detector maps that decode to the true points (+ a row shift): the training targets with
    confident logits."""
    inside = []
    for v in truth["vertebrae"]:
        px, valid = map_points(STRAIGHT, np.asarray(v["pointsMm"]))
        inside.append(VertebraInImage(px + np.array([0.0, shift_rows]), v["genantRatio"], level_index(v["level"]), bool(valid.all())))

    def run(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t = detector_targets(x.shape, inside)
        objectness = np.where(t.objectness > 0, 12.0, -12.0).astype(np.float32)
        level = np.full((len(C.LEVEL_NAMES),) + t.level.shape, -8.0, np.float32)
        i, j = np.nonzero(t.level >= 0)
        level[t.level[i, j], i, j] = 8.0
        return objectness, t.keypoints, level

    return run


def test_perfect_detector_gives_perfect_figures():
    cases = [evaluate_detector_image(perfect_detector(t), IMAGE, STRAIGHT, t) for t in (FRACTURED, HEALTHY)]
    s = summarise_detector(cases)
    assert s["vertebrae"] == 10
    assert s["precision"] == 1.0 and s["recall"] == 1.0
    assert s["keypointMeanErrorMm"] == pytest.approx(0.0, abs=1e-6)
    assert s["heightRatioMae"] == pytest.approx(0.0, abs=1e-6)
    assert s["gradeAccuracy"] == 1.0 and s["levelAccuracy"] == 1.0
    assert s["rocAucModerateVertebra"] == 1.0 and s["rocAucModeratePatient"] == 1.0


def test_detector_shift_gives_its_distance_in_mm():
    # 1 px = STRAIGHTEN_STEP_MM along a straight centreline: a 2-row shift is 2 mm for every point.
    s = summarise_detector([evaluate_detector_image(perfect_detector(FRACTURED, shift_rows=2.0), IMAGE, STRAIGHT, FRACTURED)])
    assert s["recall"] == 1.0
    assert s["keypointMeanErrorMm"] == pytest.approx(2.0 * C.STRAIGHTEN_STEP_MM, abs=1e-6)
    assert s["heightRatioMae"] == pytest.approx(0.0, abs=1e-6)


def test_a_missed_vertebra_costs_recall_not_precision():
    truth = copy.deepcopy(FRACTURED)
    seen = {"vertebrae": truth["vertebrae"][:4]}  # the detector never reports L5
    s = summarise_detector([evaluate_detector_image(perfect_detector(seen), IMAGE, STRAIGHT, truth)])
    assert s["recall"] == pytest.approx(4 / 5) and s["precision"] == 1.0


# --- goals and table --------------------------------------------------------------------------


def test_goals_compare_in_their_direction():
    assert meets(0.7, GOALS["keypointMeanErrorMm"]) and not meets(0.71, GOALS["keypointMeanErrorMm"])
    assert meets(0.99, GOALS["recall"]) and not meets(0.98, GOALS["recall"])
    assert meets(None, GOALS["recall"]) is None
    table = figure_table([("phantoms", "recall", 0.5), ("phantoms", "gradeAccuracy", 0.9)])
    assert "recall" in table.splitlines()[1] and table.splitlines()[1].rstrip().endswith("no")
    assert table.splitlines()[2].rstrip().endswith("0.9000")  # no goal: nothing judged


# --- real-CT figures --------------------------------------------------------------------------

# 40 × 40 × 30 voxels of 2 × 2 × 3 mm (RAS), a round column of body (label 1) with a disc (2)
# on slices 14-15, spanning slices 5…24.
AFFINE = np.array([[2.0, 0, 0, -40], [0, 2.0, 0, -40], [0, 0, 3.0, 0], [0, 0, 0, 1]])


def column_map() -> LabelMap:
    labels = np.zeros((40, 40, 30), np.int16)
    i, j = np.meshgrid(np.arange(40), np.arange(40), indexing="ij")
    disk = (i - 20) ** 2 + (j - 24) ** 2 <= 25
    for k in range(5, 25):
        labels[:, :, k][disk] = 2 if k in (14, 15) else 1
    return LabelMap(labels, AFFINE)


def column_centre_lps() -> np.ndarray:
    ras = AFFINE @ np.array([20, 24, 0, 1.0])
    return np.array([-ras[0], -ras[1]])


def test_geometry_from_affine_matches_label_lookup():
    g = geometry_from_affine(AFFINE, (40, 40, 30))
    d = g["direction"]
    voxel = np.array([7, 11, 3])
    lps = np.asarray(g["originMm"]) + voxel[0] * np.asarray(d["column"]) * g["spacingMm"][0] + voxel[1] * np.asarray(d["row"]) * g["spacingMm"][1] + voxel[2] * np.asarray(d["slice"]) * g["spacingMm"][2]
    mask = np.zeros((40, 40, 30), bool)
    mask[tuple(voxel)] = True
    assert np.allclose(LabelMap(mask.astype(np.int16), AFFINE).points_lps(mask)[0], lps)
    assert g["spacingMm"] == [2.0, 2.0, 3.0]


def test_centreline_in_mask_counts_slices_inside():
    m = column_map()
    cx, cy = column_centre_lps()
    span = (5 * 3.0, 24 * 3.0)
    line = np.array([[cx, cy, z] for z in np.arange(100.0, -1.0, -4.0)])
    inside = centreline_in_mask(line, m, (1, 2), span)
    assert inside["slices"] == 20 and inside["fraction"] == 1.0
    assert inside["meanDistanceToCentreMm"] == pytest.approx(0.0, abs=1e-9)
    bodies_only = centreline_in_mask(line, m, (1,), span, present_labels=(1,))
    assert bodies_only["slices"] == 18 and bodies_only["fraction"] == 1.0
    shifted = centreline_in_mask(line + np.array([30.0, 0, 0]), m, (1, 2), span)
    assert shifted["fraction"] == 0.0 and shifted["meanDistanceToCentreMm"] == pytest.approx(30.0, abs=1e-9)
    # A centreline reaching only slices 15…24 (z 45…72 mm): half the slices.
    half = centreline_in_mask(np.array([[cx, cy, 72.0], [cx, cy, 45.0]]), m, (1, 2), span)
    assert half["fraction"] == pytest.approx(10 / 20)
    assert centreline_in_mask(None, m, (1, 2), span)["fraction"] == 0.0


def lumbar_scene(levels: list[str | None], heights=(20.0, 22.0, 24.0)) -> tuple[list[PredictedVertebra], dict[str, np.ndarray]]:
    references, predicted = {}, []
    for k, level in enumerate(levels):
        centre = np.array([0.0, 10.0, 200.0 - 32 * k])
        references[f"L{k + 1}"] = centre + np.array([0.0, 0.0, 2.0])  # 2 mm from the detection
        a, m, p = (h / 2 for h in heights)
        pts = centre + np.array([[0, -15, a], [0, -15, -a], [0, 0, m], [0, 0, -m], [0, 15, p], [0, 15, -p]])
        if level != "missing":
            predicted.append(PredictedVertebra(level, pts, np.zeros((6, 2)), 0.9))
    return predicted, references


REPORT = {f"L{k}": {"anterior": 21.0, "middle": 22.0, "posterior": 27.0} for k in range(1, 6)}


def test_levels_and_heights_against_the_report():
    predicted, references = lumbar_scene(["L1", "L2", "L3", "L4", "L5"])
    f = level_and_height_figures(predicted, references, REPORT)
    assert f["allLevelsDetectedRight"] and f["levelsFound"] == 5 and f["levelsRight"] == 5
    assert f["heightMeanErrorMm"] == pytest.approx((1 + 0 + 3) / 3)
    assert f["heightMaxErrorMm"] == pytest.approx(3.0)
    assert f["heightsWithinToleranceFraction"] == 1.0
    assert f["perLevel"]["L2"]["distanceMm"] == pytest.approx(2.0)


def test_a_wrong_or_missing_level_fails_the_level_figure():
    predicted, references = lumbar_scene(["L1", "L2", "L4", "L4", "L5"])
    f = level_and_height_figures(predicted, references, REPORT)
    assert not f["allLevelsDetectedRight"] and f["levelsFound"] == 5 and f["levelsRight"] == 4
    predicted, references = lumbar_scene(["L1", "L2", "missing", "L4", "L5"])
    f = level_and_height_figures(predicted, references, REPORT)
    assert not f["allLevelsDetectedRight"] and f["levelsFound"] == 4
    assert f["heightsWithinToleranceFraction"] == pytest.approx(12 / 15)  # L3's three heights count as misses
    predicted, references = lumbar_scene(["L1", "L2", "L3", "L4", "L5"], heights=(20.0, 22.0, 30.5))
    assert level_and_height_figures(predicted, references, REPORT)["heightsWithinToleranceFraction"] == pytest.approx(10 / 15)


def test_8bit_data_is_recognised_and_mapped():
    stored = np.array([0, 1, 128, 255], np.uint8)
    assert looks_8bit(stored, stride=1) and not looks_8bit(np.array([-1000, 40, 700]), stride=1)
    hu = intensity_to_hu(stored, window_hu=(0.0, 510.0), below_hu=-1000.0)
    assert hu.tolist() == pytest.approx([-1000.0, 2.0, 256.0, 510.0])


def test_real_figures_split_by_model():
    figures = {"source": "s", "picture": "pictures/x.png", "centrelineInBodyFraction": 0.95, "detectedLevels": ["L1"], "allLevelsDetectedRight": False}
    assert split_real(figures, REAL_LOCALIZER) == {"source": "s", "picture": "pictures/x.png", "centrelineInBodyFraction": 0.95}
    assert split_real(figures, REAL_DETECTOR) == {"source": "s", "picture": "pictures/x.png", "detectedLevels": ["L1"], "allLevelsDetectedRight": False}


# --- held-out set -----------------------------------------------------------------------------


def test_missing_cells_and_their_coverage_phantoms():
    truths = [{"vertebrae": [{"grade": 0, "type": "wedge"}, {"grade": 2, "type": "wedge"}, {"grade": 3, "type": "crush"}]}]
    missing = missing_cells(truths)
    assert (2, "wedge") not in missing and (3, "crush") not in missing and len(missing) == len(FRACTURE_CELLS) - 2
    phantoms = [coverage_phantom(cell) for cell in FRACTURE_CELLS]
    assert len({p.seed for p in phantoms}) == len(FRACTURE_CELLS)
    for cell, p in zip(FRACTURE_CELLS, phantoms):
        assert (p.grade, p.type) == cell and preset_for_seed(p.seed) == p.preset
        assert C.HELDOUT_SEEDS[0] + 1000 <= p.seed < C.HELDOUT_SEEDS[1]  # held out, far from the first seeds a run takes
        assert p.overrides() == {"fractures": [(p.level, p.grade, p.type)]}
    assert coverage_phantom((2, "crush")) == phantoms[FRACTURE_CELLS.index((2, "crush"))]


# --- cards ------------------------------------------------------------------------------------


def test_writing_metrics_keeps_every_other_card_field():
    info = {"inputs": {"image": [1, 1, "Z", "Y", "X"]}, "outputs": {"center": [1, "Z", 2], "presence": [1, "Z"]}, "bytes": 123, "opset": 17, "ops": ["Conv"]}
    card = localizer_card("spine-localizer", "ab" * 32, info, 42, {"syntheticHeldout": {"cases": 2}}, {"command": "train"})
    before = copy.deepcopy(card)
    metrics = {"syntheticHeldout": {"centrelineMeanErrorMm": 0.8}, "real": {"abdomen": {"picture": "pictures/abdomen.png"}}, "evaluation": {"command": "eval", "date": "2026-01-01"}}
    out = with_metrics(card, metrics)
    assert card == before  # the input is left alone
    assert {k: v for k, v in out.items() if k != "metrics"} == {k: v for k, v in card.items() if k != "metrics"}
    assert out["metrics"] == metrics
    assert set(with_metrics(card, {})["metrics"]) == {"syntheticHeldout", "real"}
    json.dumps(out)


# --- pictures ---------------------------------------------------------------------------------


def test_picture_is_a_small_png(tmp_path):
    from PIL import Image

    from models.pictures import MAX_BYTES, render, save_small

    rng = np.random.default_rng(0)
    values = rng.normal(0, 300, (60, 80, 80)).astype(np.float32)  # noise: the hardest case to compress
    geometry = geometry_from_affine(np.diag([2.0, 2.0, 3.0, 1.0]), (80, 80, 60))  # LPS x, y from -158 to 0
    grid = LocalizerGrid(np.array([-80.0, -80.0, 0.0]), np.diag([2.0, 2.0, 4.0]), (40, 40, 40))
    presence = np.zeros(40, np.float32)
    presence[5:30] = 1
    curve = spine_curve(np.zeros((40, 2)), presence, grid)
    vertebra = PredictedVertebra("L1", np.tile([[-80.0, -80.0, 90.0]], (6, 1)), body_px(30, column=40), 0.9)
    prediction = Prediction(grid, presence, curve, image=values[:, 40, :], vertebrae=[vertebra])
    picture = render("test", values, geometry, prediction, {"L1": np.array([-80.0, -80.0, 88.0])}, ["a note → HU"])
    assert picture.height > values.shape[0] * 3  # 1 mm per pixel along z, plus the title
    size = save_small(picture, tmp_path / "p.png", max_bytes=20_000)
    assert size == (tmp_path / "p.png").stat().st_size <= 20_000 <= MAX_BYTES
    assert Image.open(io.BytesIO((tmp_path / "p.png").read_bytes())).format == "PNG"


# --- engines ----------------------------------------------------------------------------------

HAS_ORT_NODE = shutil.which("node") is not None and (REPO / "node_modules" / "onnxruntime-node").is_dir()


@pytest.mark.skipif(importlib.util.find_spec("onnx") is None or not HAS_ORT_NODE, reason="needs onnx and node with onnxruntime-node")
def test_both_engines_run_the_same_file(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from models.onnx_engine import OrtBridge, graph_runner, max_difference

    scale = numpy_helper.from_array(np.array([[[[2.0]]]], np.float32), "scale")
    graph = helper.make_graph(
        [helper.make_node("Mul", ["image", "scale"], ["y"]), helper.make_node("Relu", ["y"], ["out"])], "g",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, "H", "W"])], [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 1, "H", "W"])], [scale])
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    x = np.arange(-6, 6, dtype=np.float32).reshape(1, 1, 3, 4)
    bridge = OrtBridge(threads=1)
    try:
        a = graph_runner("onnxruntime", path, bridge)(x)
        a2 = graph_runner("onnxruntime", path, bridge)(x[:, :, :2])  # a second run, another size, same process
    finally:
        bridge.close()
    b = graph_runner("interpreter", path)(x)
    assert np.array_equal(a[0], np.maximum(2 * x, 0)) and max_difference(a, b) == 0.0
    assert a2[0].shape == (1, 1, 2, 4)


def test_fracture_grading_sets_each_true_fracture_beside_what_was_read():
    from models.fracture_grading import compare

    def vertebra(level, z, ratio, grade, kind="wedge"):
        points = [[0.0, y, z + dz] for y in (0.0, 15.0, 30.0) for dz in (10.0, -10.0)]
        return {"level": level, "pointsMm": points, "genantRatio": ratio, "grade": grade, "type": kind}

    truth = {"vertebrae": [vertebra("T10", 0.0, 0.9, 0), vertebra("T11", -30.0, 0.4, 3, "crush"), vertebra("T12", -60.0, 0.7, 2), vertebra("L1", -90.0, 0.95, 0)]}
    def read(level, z, ratio, grade):  # a result document's vertebra (DESIGN.md) carries pixels and objectness too
        return {**vertebra(level, z, ratio, grade), "pointsPx": [[0.0, 0.0]] * 6, "objectness": 0.9}

    result = {"vertebrae": [read("T10", 1.0, 0.7, 2), read("T11", -31.0, 0.8, 0), read("L1", -120.0, 0.9, 0)]}
    got = compare(truth, result)
    assert [(f["level"], f["trueGrade"], f["grade"], f["ratio"]) for f in got["fractures"]] == [("T11", 3, 0, 0.8), ("T12", 2, None, None)]
    # T10 is found and read moderate; L1's nearest result lies 30 mm away, so it was not found
    assert got["normalsFound"] == 1 and got["normalsReadModerateOrWorse"] == ["T10"]


def test_reference_heights_reads_a_wedged_mask_at_its_walls():
    """models.reference_heights: a body mask 8 voxels (24 mm) tall at the back and 6 (18 mm) at the
    front, a partial-volume rim one voxel tall at each wall, reads 24 / 21 / 18 mm posterior /
    middle / anterior, the rims left out."""
    from models.reference_heights import heights_from_profile, mask_profile_mm

    mask = np.zeros((5, 12, 12), bool)  # RAS (x, y, z); y grows anteriorly
    tall = {1: 1, 2: 8, 3: 8, 4: 8, 5: 7, 6: 7, 7: 7, 8: 6, 9: 6, 10: 6, 11: 1}
    for y, n in tall.items():
        mask[1:4, y, 2:2 + n] = True
    profile = mask_profile_mm(mask, 3.0)
    assert profile.tolist() == [3 * tall[y] for y in range(1, 12)]
    assert heights_from_profile(profile) == {"anterior": 18.0, "middle": 21.0, "posterior": 24.0}


def test_one_slice_of_spine_is_no_spine_as_in_the_app() -> None:
    """real_ct.spine_found: the card's spineFound says what the app says (analyze.ts needs a
    centreline of two points or more; one slice of spine is "no spine found")."""
    from models.real_ct import spine_found

    presence = np.zeros(20, np.float32)
    assert not spine_found(spine_curve(np.zeros((20, 2)), presence, GRID))
    presence[7] = 1
    one = spine_curve(np.zeros((20, 2)), presence, GRID)
    assert one is not None and len(one.centreline_mm) == 1 and not spine_found(one)
    presence[7:12] = 1
    assert spine_found(spine_curve(np.zeros((20, 2)), presence, GRID))


def test_back_depth_walks_from_a_body_through_bone_to_the_skin_and_the_table():
    """models.back_depth.walk_back on one hand-made column (1 mm rows, y growing posteriorly):
    a body centre at row 10, bone to row 40, soft tissue to row 60, 5 mm of air, then the table
    shell. Skin 50 mm behind the centre, 20 mm behind the last bone, the table 6 mm on."""
    from models.back_depth import walk_back

    column = np.full(100, -1000.0)
    column[0:61] = 40.0
    column[30:41] = 400.0
    column[66:70] = 200.0
    values = np.tile(column[None, :, None], (3, 1, 3))  # [slice][row][column]
    geometry = {"direction": {"column": [1, 0, 0], "row": [0, 1, 0], "slice": [0, 0, 1]},
                "originMm": [0.0, 0.0, 0.0], "spacingMm": [1.0, 1.0, 1.0]}
    skin, bone, table = walk_back(values, geometry, np.array([1.0, 10.0, 1.0]))
    assert (skin, bone, table) == (50.0, 20.0, 6.0)
    assert walk_back(values, geometry, np.array([1.0, 10.0, 9.0])) is None  # beyond the slices


def test_real_height_spread_shifts_the_whole_line_by_each_step():
    from models.real_height_spread import shifted_lines

    line = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 10.0]])
    lines = shifted_lines(line, 1.5)
    assert sorted((dx, dy) for dx, dy, _ in lines) == sorted((dx, dy) for dx in (-1.5, 0.0, 1.5) for dy in (-1.5, 0.0, 1.5))
    for dx, dy, moved in lines:
        np.testing.assert_allclose(moved - line, np.tile([dx, dy, 0.0], (2, 1)))
