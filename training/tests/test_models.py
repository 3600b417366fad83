"""The training package training/models: nets, in-graph heads, ONNX export, targets, decoding,
metrics, data and one short training run of each net, all on a tiny stand-in phantom built
here (a few bright boxes with made-up ground truth of the generator's shape), not on the real
generator. Torch/onnx tests skip where Debian's python3-torch / python3-onnx are missing."""
from __future__ import annotations

import importlib.util
import json
from types import SimpleNamespace

import numpy as np
import pytest

from contract.genant import genant
from contract.golden import golden_centreline
from contract.straighten import build_straightening, pixel_to_patient_mm
from models import conventions as C
from models.cache import SampleStore
from models.data import PhantomSource, cached_detector_sample, cached_localizer_sample, crop_with_padding, detector_sample, heldout_seeds, localizer_sample, train_seeds
from models.decode import Detection, butterfly_nms, decode_detector
from models.levels import LevelCandidate, assign_levels, detection_levels
from models.evaluate import evaluate_detector_case, evaluate_localizer_case, summarise_detector, summarise_localizer
from models.metrics import match_by_butterfly, roc_auc
from models.postprocess import anchored_centres, positive_range, spine_curve
from models.preprocess import LocalizerGrid, gaussian_kernel, preprocess_localizer, resample_to_grid
from models.straightening import map_points, patient_to_pixel, straighten_study
from models.targets import VertebraInImage, detector_targets, genant_weight, level_index, limit_slices, localizer_targets

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_ONNX = importlib.util.find_spec("onnx") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="python3-torch is not installed")
needs_onnx = pytest.mark.skipif(not (HAS_TORCH and HAS_ONNX), reason="python3-torch / python3-onnx are not installed")

LEVELS = ["T9", "T10", "T11", "T12", "L1"]


def standin_phantom(seed: int = 0, preset: str = "thoracolumbar", **_: object) -> SimpleNamespace:
    """64 × 64 × 60 voxels (2 × 2 × 2.5 mm): a soft-tissue cylinder and five 30 × 25 × 18 mm
    bone boxes along a gently bent line; the middle one is a wedge (anterior height 11 mm).
    Ground truth in the generator's shape; the centreline has one point per axial slice."""
    rng = np.random.default_rng(seed)
    nc, nr, ns = 64, 64, 60
    sp, origin = [2.0, 2.0, 2.5], [-63.0, -63.0, -74.0]
    geometry = {"dimensions": [nc, nr, ns], "spacingMm": sp, "originMm": origin,
                "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, 1.0]}}
    k, j, i = np.meshgrid(np.arange(ns), np.arange(nr), np.arange(nc), indexing="ij")
    x, y, z = origin[0] + i * sp[0], origin[1] + j * sp[1], origin[2] + k * sp[2]
    hu = np.where(x**2 + y**2 < 58**2, 20.0, -1000.0)

    def spine_x(zz: float) -> float:
        return 4.0 * np.sin(zz / 40.0)

    vertebrae = []
    for n, zc in enumerate([50.0, 25.0, 0.0, -25.0, -50.0]):
        cx, cy = spine_x(zc), 8.0
        ha = 11.0 if n == 2 else 18.0
        hu[(np.abs(x - cx) < 15) & (np.abs(y - cy) < 12.5) & (np.abs(z - zc) < 9)] = 450.0
        pts = [[cx, cy - 12.5, zc + ha / 2], [cx, cy - 12.5, zc - ha / 2], [cx, cy, zc + 9], [cx, cy, zc - 9], [cx, cy + 12.5, zc + 9], [cx, cy + 12.5, zc - 9]]
        q = genant(pts)
        vertebrae.append({"id": f"v{n}", "level": LEVELS[n], "pointsMm": pts, "centroidMm": [cx, cy, zc], "heightsMm": q["heightsMm"],
                          "genantRatio": q["genantRatio"], "grade": q["grade"], "type": q["type"]})
    limits = [59.0, -59.0]
    zs = [zz for zz in (origin[2] + np.arange(ns) * sp[2])[::-1] if limits[1] <= zz <= limits[0]]
    truth = {"geometry": geometry, "vertebrae": vertebrae, "centrelineMm": [[float(spine_x(zz)), 8.0, float(zz)] for zz in zs], "limitsMm": limits}
    return SimpleNamespace(hu=(hu + rng.normal(0, 5, hu.shape)).astype(np.int16), ground_truth=truth)


@pytest.fixture(scope="module")
def source() -> PhantomSource:
    return PhantomSource(None, generate=standin_phantom, version="standin")


@pytest.fixture(scope="module")
def store() -> SampleStore:
    """The cached products of the stand-in phantoms, kept in memory."""
    return SampleStore(None, standin_phantom, "standin")


# --- nets and their in-graph heads --------------------------------------------------------------


@needs_torch
def test_localizer_shapes_and_size() -> None:
    import torch

    from models.localizer import LocalizerForExport, LocalizerNet

    net = LocalizerNet().eval()
    assert 0.8e6 < sum(p.numel() for p in net.parameters()) < 1.3e6
    with torch.no_grad():
        assert net(torch.zeros(1, 1, 16, 32, 48)).shape == (1, 1, 16, 16, 24)
        centre, presence = LocalizerForExport(net)(torch.zeros(1, 1, 16, 32, 48))
    assert centre.shape == (1, 16, 2) and presence.shape == (1, 16)


@needs_torch
def test_detector_shapes_and_size() -> None:
    import torch

    from models.detector import DetectorNet

    net = DetectorNet().eval()
    assert 1.2e6 < sum(p.numel() for p in net.parameters()) < 1.8e6
    with torch.no_grad():
        obj, kp, lvl = net(torch.zeros(1, 1, 64, 96))
    assert obj.shape == (1, 1, 16, 24) and kp.shape == (1, 12, 16, 24) and lvl.shape == (1, len(C.LEVEL_NAMES), 16, 24)


@needs_torch
def test_soft_argmax_and_presence_find_a_single_hot_voxel() -> None:
    import torch
    from torch import nn

    from models.localizer import LocalizerForExport

    logits = torch.full((1, 1, 5, 8, 9), -30.0)
    logits[0, 0, 3, 5, 7] = 30.0  # slice 3, map row 5, map column 7

    class Fixed(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return logits

    centre, presence = LocalizerForExport(Fixed())(torch.zeros(1, 1, 5, 16, 18))  # type: ignore[arg-type]
    # Map cell j of stride 2 sits at input voxel 2j + 0.5.
    assert centre[0, 3].tolist() == pytest.approx([2 * 7 + 0.5, 2 * 5 + 0.5], abs=1e-4)
    assert presence[0].tolist() == pytest.approx([0, 0, 0, 1, 0], abs=1e-6)
    # A slice with no hot voxel: the soft-argmax is the mean of the cell centres.
    assert centre[0, 0].tolist() == pytest.approx([np.mean(2 * np.arange(9) + 0.5), np.mean(2 * np.arange(8) + 0.5)], abs=1e-4)


# --- ONNX export ----------------------------------------------------------------------------------


@needs_onnx
@pytest.mark.parametrize("kind", ["localizer", "detector"])
def test_onnx_export_round_trip(kind: str, tmp_path) -> None:
    """Checker, no ConvTranspose/BatchNormalization, ≤ 8 MB, dynamic axes, a complete card; and
    the file, run by the small reference evaluator at a size other than the export example,
    gives torch's outputs to 1e-4 (onnxruntime itself is not installed here)."""
    import onnx
    import torch

    from models.detector import DetectorNet
    from models.export import check_onnx, export_with_card
    from models.localizer import LocalizerForExport, LocalizerNet
    from models.onnx_interpreter import run

    torch.manual_seed(0)
    net = LocalizerNet() if kind == "localizer" else DetectorNet()
    shape = (1, 1, 16, 48, 80) if kind == "localizer" else (1, 1, 96, 160)
    graph = LocalizerForExport(net) if kind == "localizer" else net
    with torch.no_grad():  # give BatchNorm statistics that are not the identity
        net.train()
        graph(torch.randn(2, *shape[1:]) * 2 + 0.5)
    net.eval()
    onnx_path, card_path = export_with_card(kind, net, tmp_path, metrics={"syntheticHeldout": {"cases": 0}}, training={"generatorVersion": "standin"})
    info = check_onnx(onnx_path)
    ops = {n.op_type for n in onnx.load(str(onnx_path)).graph.node}
    assert "ConvTranspose" not in ops and "BatchNormalization" not in ops and "Resize" in ops
    assert info["opset"] == 17 and info["bytes"] <= 8 * 1024 * 1024
    card = json.loads(card_path.read_text())
    assert card["sha256"] and len(card["sha256"]) == 64
    assert card["metrics"] == {"syntheticHeldout": {"cases": 0}, "real": {}}
    assert "CC BY-NC 4.0" in json.dumps(card["training"]["priors"]) and "CC BY-SA 4.0" in json.dumps(card["training"]["priors"])
    if kind == "localizer":
        assert info["inputs"] == {"image": [1, 1, "Z", "Y", "X"]}
        assert info["outputs"] == {"center": [1, "Z", 2], "presence": [1, "Z"]}
        assert card["preprocessing"]["spacingMm"] == [2.0, 2.0, 4.0] and card["preprocessing"]["padMultiple"] == 16
    else:
        assert info["inputs"] == {"image": [1, 1, "H", "W"]}
        assert info["outputs"]["keypoints"] == [1, 12, "h", "w"]
        assert card["stride"] == 4 and card["levelNames"] == list(C.LEVEL_NAMES)
        assert card["thresholds"]["objectness"] == C.OBJECTNESS_THRESHOLD and card["thresholds"]["nmsButterflyIoU"] == 0.1
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    got = run(str(onnx_path), {"image": x})
    with torch.no_grad():
        want = graph(torch.from_numpy(x))
    for (name, value), ref in zip(got.items(), want):
        assert value.shape == tuple(ref.shape), name
        assert np.abs(value - ref.numpy()).max() <= 1e-4 * max(1.0, float(np.abs(ref.numpy()).max())), name


# --- preprocessing and straightening ----------------------------------------------------------------


def test_anti_alias_kernel_and_grid_size() -> None:
    k = gaussian_kernel(0.75)
    assert k.sum() == pytest.approx(1.0) and len(k) == 2 * 3 + 1 and k[3] == k.max()
    hu = np.zeros((60, 64, 64), np.int16)
    geometry = standin_phantom().ground_truth["geometry"]
    grid_hu, grid = resample_to_grid(hu, geometry)
    assert grid_hu.shape == (int((60 - 1) * 2.5 / 4) + 1, 64, 64)  # z: k·1.6 ≤ 59
    assert grid.index_to_patient(np.array([1.0, 2.0, 3.0])) == pytest.approx([-63 + 2, -63 + 4, -74 + 12])


def test_reoriented_storage_gives_the_same_grid() -> None:
    """The same phantom stored slice-flipped and with rows and columns swapped preprocesses to
    the same array, and grid indices map to the same patient points."""
    p = standin_phantom()
    hu, g = p.hu, p.ground_truth["geometry"]
    ref, ref_grid = preprocess_localizer(hu, g)
    nc, nr, ns = g["dimensions"]
    other = np.ascontiguousarray(hu[::-1].transpose(0, 2, 1))  # [slice reversed][column][row]
    g2 = {"dimensions": [nr, nc, ns], "spacingMm": [g["spacingMm"][1], g["spacingMm"][0], g["spacingMm"][2]],
          "originMm": [g["originMm"][0], g["originMm"][1], g["originMm"][2] + (ns - 1) * g["spacingMm"][2]],
          "direction": {"column": [0.0, 1.0, 0.0], "row": [1.0, 0.0, 0.0], "slice": [0.0, 0.0, -1.0]}}
    got, grid = preprocess_localizer(other, g2)
    assert np.array_equal(got, ref)
    assert grid.index_to_patient(np.array([3.0, 4.0, 5.0])) == pytest.approx(ref_grid.index_to_patient(np.array([3.0, 4.0, 5.0])))


def test_patient_to_pixel_inverts_pixel_to_patient() -> None:
    s = build_straightening(golden_centreline(), step_mm=1.0, half_width_mm=20.0)
    for column, row in [(3.0, 5.0), (20.0, 40.5), (37.2, 110.25), (11.0, len(s.curve_mm) - 2.5)]:
        c, r, lateral = patient_to_pixel(s, pixel_to_patient_mm(s, column, row))
        assert (c, r) == pytest.approx((column, row), abs=0.02) and abs(lateral) < 0.05


def test_patient_to_pixel_inverts_the_straight_continuation_beyond_both_ends() -> None:
    s = build_straightening(golden_centreline(), step_mm=1.0, half_width_mm=20.0)
    last = len(s.curve_mm) - 1
    for column, row in [(3.0, -7.5), (20.0, -0.25), (33.0, last + 0.4), (9.5, last + 11.0)]:
        p = pixel_to_patient_mm(s, column, row)
        c, r, lateral = patient_to_pixel(s, p)
        assert (c, r) == pytest.approx((column, row), abs=1e-6) and abs(lateral) < 1e-6
        assert np.linalg.norm(pixel_to_patient_mm(s, c, r) - p) < 0.1


def test_points_beyond_the_curve_are_flagged() -> None:
    s = build_straightening(np.array([[0, 0, 50.0], [0, 0, -50.0]]), half_width_mm=10)
    _, valid = map_points(s, np.array([[0, 3, 10.0], [0, 3, 60.0], [5, -2, -49.0]]))
    assert valid.tolist() == [True, False, True]


# --- targets ---------------------------------------------------------------------------------------------


def test_localizer_targets_follow_the_centreline_between_the_limits() -> None:
    grid = LocalizerGrid(np.array([-10.0, -10.0, 0.0]), np.diag([2.0, 2.0, 4.0]), (12, 16, 16))
    centreline = np.array([[0.0, 2.0, 38.0], [4.0, 2.0, 10.0]])  # superior → inferior
    t = localizer_targets(grid, centreline, [38.0, 10.0], 12)
    assert t.presence.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0]  # z = 12 … 36 mm
    assert t.centre_mask.tolist() == t.presence.tolist()
    # slice 5 is z = 20 mm: x = 4 - 4·(20-10)/28 mm → grid (x + 10) / 2
    assert t.centre[5].tolist() == pytest.approx([(4 - 40 / 28 + 10) / 2, 6.0])


def test_detector_targets_put_positives_at_the_centroid_cell() -> None:
    points = np.array([[40, 20], [40, 40], [52, 21], [52, 39], [64, 20], [64, 40]], dtype=float)  # centroid (52, 30)
    broken = points + np.array([0.0, 60.0])
    t = detector_targets((128, 96), [VertebraInImage(points, 1.0, level_index("T7"), True), VertebraInImage(broken, 0.5, level_index("T8"), True)])
    r = C.DETECTOR_STRIDE
    i, j = 30 // r, 52 // r  # the cell holding the centroid
    assert t.objectness[0, i, j] == 1 and t.level[i, j] == C.LEVEL_NAMES.index("T7")
    centre = np.array([j * r + (r - 1) / 2, i * r + (r - 1) / 2])
    assert t.keypoints[:, i, j].reshape(6, 2) == pytest.approx(points - centre)
    positives = np.argwhere(t.objectness[0] > 0)
    assert all(np.hypot(*(np.array([jj * r + 1.5, ii * r + 1.5]) - [52, 30])) < C.POSITIVE_RADIUS_MM for ii, jj in positives if ii < 15)
    # Genant weighting: the fractured (G = 0.5) body weighs 1 / G = 2, the normal one 1.
    assert t.regression_weight[0, i, j] == 1.0 and t.regression_weight[0, 90 // r, 52 // r] == pytest.approx(2.0)
    assert genant_weight(0.1) == pytest.approx(1 / C.MIN_GENANT_FOR_WEIGHT)
    assert t.objectness[0, 0, 0] == 0 and t.level[0, 0] == -100
    # Objectness weighs every cell alike, unless asked to weigh positives as their regression.
    assert t.objectness_weight[0, 90 // r, 52 // r] == 1.0 and t.objectness_weight[0, 0, 0] == 1.0
    w = detector_targets((128, 96), [VertebraInImage(points, 1.0, level_index("T7"), True), VertebraInImage(broken, 0.5, level_index("T8"), True)], genant_weighted_objectness=True)
    assert w.objectness_weight[0, 90 // r, 52 // r] == pytest.approx(2.0) and w.objectness_weight[0, i, j] == 1.0 and w.objectness_weight[0, 0, 0] == 1.0


def test_detector_loss_sees_heights_and_genant_ratio() -> None:
    """Two predictions with the same point MAE: the one that shortens the posterior height
    (a crush read as normal, or the reverse) costs more through the height and ratio terms."""
    import torch

    from models.detector import detector_loss, genant_ratio, heights_px

    points = np.array([[40, 20], [40, 40], [52, 21], [52, 39], [64, 30], [64, 40]], dtype=float)  # h_p = 10 of 20
    t = detector_targets((64, 96), [VertebraInImage(points, 0.5, level_index("T7"), True)])
    target = torch.from_numpy(t.keypoints[None])
    h = heights_px(target)[0, :, 30 // 4, 52 // 4]
    assert h.tolist() == pytest.approx([20.0, 18.0, 10.0], abs=1e-3)
    assert float(genant_ratio(heights_px(target))[0, 0, 30 // 4, 52 // 4]) == pytest.approx(0.5, abs=1e-4)

    def loss(shift: np.ndarray) -> dict[str, float]:
        pred = target.clone()
        pred[0] += torch.from_numpy(np.broadcast_to(shift.reshape(12, 1, 1), (12, 16, 24)).astype(np.float32)) * (torch.from_numpy(t.regression_weight) > 0)
        outputs = (torch.zeros_like(torch.from_numpy(t.objectness))[None], pred, torch.zeros((1, len(C.LEVEL_NAMES), 16, 24)))
        total, parts = detector_loss(outputs, torch.from_numpy(t.objectness[None]), torch.from_numpy(t.objectness_weight[None]), target,
                                     torch.from_numpy(t.regression_weight[None]), torch.from_numpy(t.level[None]).long())
        return {**parts, "total": float(total)}

    whole = np.full(12, 10.0 / 12)  # every point moved alike: heights and G unchanged
    ps_up = np.zeros(12)
    ps_up[9] = -10.0  # PS 10 px up: the same mean |offset| over the 12 channels, but G 0.5 → 0.9
    same, taller = loss(whole), loss(ps_up)
    assert same["keypoint_mae_px"] == pytest.approx(taller["keypoint_mae_px"], rel=1e-4)
    assert same["height_mae_px"] == pytest.approx(0.0, abs=1e-3) and same["ratio_mae"] == pytest.approx(0.0, abs=1e-4)
    assert taller["ratio_mae"] == pytest.approx(2 * 0.4, abs=1e-3)  # Genant weight 1 / G = 2
    assert taller["height_mae_px"] == pytest.approx(2 * 10 / 3, abs=1e-3)
    assert taller["total"] > same["total"] + C.RATIO_LOSS_WEIGHT * 0.8


def test_partly_visible_vertebra_is_ignored_not_negative() -> None:
    points = np.array([[40, -6], [40, 14], [52, -5], [52, 13], [64, -6], [64, 14]], dtype=float)
    t = detector_targets((64, 96), [VertebraInImage(points, 1.0, 0, False)])
    assert t.objectness.sum() == 0 and t.objectness_weight[0, 4 // 4, 52 // 4] == 0 and t.objectness_weight[0, 10, 10] == 1


# --- decoding, NMS, post-processing ---------------------------------------------------------------------


def _outputs_with(cells: dict[tuple[int, int], np.ndarray], h: int = 16, w: int = 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    obj = np.full((1, h, w), -10.0)
    kp = np.zeros((12, h, w))
    lvl = np.zeros((len(C.LEVEL_NAMES), h, w))
    for (i, j), points in cells.items():
        obj[0, i, j] = 3.0 + 0.1 * j
        centre = np.array([j * 4 + 1.5, i * 4 + 1.5])
        kp[:, i, j] = (points - centre).reshape(-1)
        lvl[7, i, j] = 1.0
    return obj, kp, lvl


def _body(x0: float, y0: float) -> np.ndarray:
    return np.array([[x0, y0], [x0, y0 + 20], [x0 + 12, y0], [x0 + 12, y0 + 20], [x0 + 24, y0], [x0 + 24, y0 + 20]], dtype=float)


def test_nms_keeps_one_of_two_overlapping_candidates() -> None:
    obj, kp, lvl = _outputs_with({(5, 5): _body(10, 12), (5, 6): _body(11, 13)})
    kept = decode_detector(obj, kp, lvl)
    assert len(kept) == 1 and kept[0].cell == (5, 6)  # the higher score
    assert kept[0].points_px == pytest.approx(_body(11, 13)) and C.LEVEL_NAMES[kept[0].level_index] == "T1"


def test_nms_keeps_two_distant_candidates_and_drops_weak_cells() -> None:
    obj, kp, lvl = _outputs_with({(2, 5): _body(10, 0), (12, 5): _body(10, 40)})
    obj[0, 8, 8] = -1.0  # sigmoid 0.27 < the threshold (0.35)
    kept = decode_detector(obj, kp, lvl)
    assert [d.cell for d in kept] == [(2, 5), (12, 5)]  # superior first


def test_cells_in_the_padding_are_dropped() -> None:
    obj, kp, lvl = _outputs_with({(2, 5): _body(10, 0), (12, 5): _body(10, 40), (3, 9): _body(60, 0)})
    # Centres (column, row): (21.5, 9.5), (21.5, 49.5), (37.5, 13.5); the image is 48 × 36.
    assert sorted(d.cell for d in decode_detector(obj, kp, lvl)) == [(2, 5), (3, 9), (12, 5)]
    kept = decode_detector(obj, kp, lvl, image_shape=(48, 36))
    assert [d.cell for d in kept] == [(2, 5)]
    assert kept[0].level_logits.shape == (len(C.LEVEL_NAMES),)


def test_levels_along_the_spine_resolve_duplicates_and_gaps() -> None:
    names = list(C.LEVEL_NAMES)

    def guess(name: str, margin: float = 4.0, second: str | None = None) -> np.ndarray:
        logits = np.zeros(len(names))
        logits[names.index(name)] = margin
        if second:
            logits[names.index(second)] = margin - 0.5
        return logits

    def named(cands: list[LevelCandidate]) -> list[str | None]:
        return [None if l is None else names[l] for l in assign_levels(cands, names)]

    duplicate = [LevelCandidate(guess("T7"), 0), LevelCandidate(guess("T8"), 25), LevelCandidate(guess("T8", 2, "T9"), 50), LevelCandidate(guess("T10"), 75)]
    assert named(duplicate) == ["T7", "T8", "T9", "T10"]
    gap = [LevelCandidate(guess("T10", 3), 0), LevelCandidate(guess("T11", 1, "T12"), 50), LevelCandidate(guess("L1", 3), 75), LevelCandidate(guess("L2", 3), 100)]
    assert named(gap) == ["T10", "T12", "L1", "L2"]
    assert named([LevelCandidate(guess("T12"), 0), LevelCandidate(guess("L1"), 25)]) == ["T12", "L1"]  # T13 skipped: no gap
    assert assign_levels([LevelCandidate([], 0.0)], names) == [None] and assign_levels([], names) == []
    # From decoded detections: the position is the centroid row × step.
    obj, kp, lvl = _outputs_with({(2, 5): _body(10, 0), (12, 5): _body(10, 40)})
    lvl[:, 2, 5] = lvl[:, 12, 5] = guess("T1", 3, "T2")  # T1 twice by argmax
    kept = decode_detector(obj, kp, lvl)
    assert [d.level_index for d in kept] == [names.index("T1")] * 2
    assert detection_levels(kept, 1.0) == [names.index("T1"), names.index("T2")]


def test_butterfly_nms_threshold_is_strict_overlap() -> None:
    a = Detection(_body(0, 0), 0.9, 0, (0, 0))
    b = Detection(_body(0, 18), 0.8, 0, (0, 1))  # overlaps by 2 of 20 rows: IoU 2/38 < 0.1
    assert len(butterfly_nms([a, b])) == 2


def test_postprocess_takes_the_convex_hull_and_orders_superior_first() -> None:
    presence = np.array([0.1, 0.6, 0.2, 0.9, 0.7, 0.3, 0.0, 0.8])
    assert positive_range(presence) == (1, 7) and positive_range(presence, real_slices=6) == (1, 4)
    grid = LocalizerGrid(np.zeros(3), np.diag([2.0, 2.0, 4.0]), (6, 8, 8))
    center = np.tile([[3.0, 4.0]], (8, 1))
    curve = spine_curve(center, presence, grid)
    assert curve is not None and curve.slices == (1, 4) and curve.limits_mm == (16.0, 4.0)
    assert curve.centreline_mm[:, 2].tolist() == [16.0, 12.0, 8.0, 4.0] and curve.centreline_mm[0, :2] == pytest.approx([6.0, 8.0])
    assert spine_curve(center, np.zeros(8), grid) is None


def test_unsure_slices_between_sure_ones_cannot_drag_the_centreline_off_the_spine() -> None:
    """Where the spine's signal fades the soft-argmax centre can jump to a bright neighbour
    (seen on the 8-bit LIDC chest: 50 mm forwards for 7 slices); between two slices of presence
    ≥ CENTRELINE_ANCHOR_PRESENCE the less sure ones are interpolated."""
    presence = np.array([0.6, 0.95, 0.97, 0.7, 0.3, 0.6, 0.99, 0.95, 0.8])
    center = np.tile([[10.0, 20.0]], (9, 1))
    center[3:6] = [[10.0, 45.0], [12.0, 50.0], [10.0, 44.0]]  # the detour
    center[6] = [10.0, 23.0]
    center[0] = [10.0, 30.0]  # before the first anchor: its own centre stays
    anchored = anchored_centres(center, presence)
    assert anchored[3:6, 1].tolist() == pytest.approx([20.75, 21.5, 22.25]) and anchored[3:6, 0].tolist() == pytest.approx([10.0] * 3)
    assert anchored[0].tolist() == [10.0, 30.0] and anchored[8].tolist() == [10.0, 20.0] and anchored[6].tolist() == [10.0, 23.0]
    assert anchored_centres(center, np.full(9, 0.5)).tolist() == center.tolist()  # fewer than two anchors
    grid = LocalizerGrid(np.zeros(3), np.diag([2.0, 2.0, 4.0]), (9, 64, 64))
    curve = spine_curve(center, presence, grid)
    assert curve is not None and np.abs(curve.centreline_mm[1:-1, 1] - 2 * 21.5).max() < 12.0  # was up to 100 mm


# --- metrics -------------------------------------------------------------------------------------------------


def test_roc_auc_matches_hand_computed_values() -> None:
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    # Ties count one half: pairs (0.5,0.5)=½, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1 → 3.5 / 4.
    assert roc_auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]) == pytest.approx(0.875)
    assert roc_auc([0.3, 0.2, 0.1], [1, 1, 0]) == 1.0 and roc_auc([0.3, 0.2], [0, 1]) == 0.0
    assert roc_auc([0.1, 0.2], [1, 1]) is None


def test_matching_is_one_to_one_and_thresholded() -> None:
    truth = [_body(0, 0), _body(0, 30)]
    predicted = [_body(1, 1), _body(0, 2), _body(0, 31), _body(0, 90)]
    pairs = match_by_butterfly(predicted, truth, 0.3)
    assert sorted((i, j) for i, j, _ in pairs) == [(0, 0), (2, 1)]  # (1, 0) also overlaps but truth 0 is taken


def test_evaluation_of_perfect_outputs_is_perfect(source: PhantomSource) -> None:
    """Outputs made from the targets themselves score perfectly: the evaluation's geometry
    (grid, straightening, matching, mm conversion) agrees with the target building."""
    case = source.case(2)
    truth = case.truth

    def localizer(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = localizer_sample(case, np.random.default_rng(0), None, None)
        return s.targets.centre, s.targets.presence

    def detector(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        image, s = straighten_study(case.hu, truth["geometry"], np.asarray(truth["centrelineMm"]))
        vs = [VertebraInImage(map_points(s, np.asarray(v["pointsMm"]))[0], v["genantRatio"], level_index(v["level"]), bool(map_points(s, np.asarray(v["pointsMm"]))[1].all())) for v in truth["vertebrae"]]
        t = detector_targets(x.shape, vs)
        lvl = np.zeros((len(C.LEVEL_NAMES), *t.level.shape))
        for (i, j), level in np.ndenumerate(t.level):
            if level >= 0:
                lvl[level, i, j] = 1.0
        return np.where(t.objectness > 0, 8.0, -8.0), t.keypoints, lvl

    loc = summarise_localizer([evaluate_localizer_case(localizer, case.hu, truth)])
    assert loc["presenceAccuracy"] == 1.0 and loc["centrelineMeanErrorMm"] < 0.1 and loc["limitsErrorMm"] <= 2.0
    det = summarise_detector([evaluate_detector_case(detector, case.hu, truth)])
    assert det["vertebrae"] == 4  # the top box reaches past the centreline's first slice
    assert det["precision"] == 1.0 and det["recall"] == 1.0 and det["keypointMeanErrorMm"] < 1e-6
    assert det["heightRatioMae"] < 1e-3 and det["gradeAccuracy"] == 1.0 and det["levelAccuracy"] == 1.0 and det["rocAucModerateVertebra"] == 1.0


# --- data ---------------------------------------------------------------------------------------------------


def test_seed_ranges_never_overlap_and_cover_every_preset() -> None:
    train, held = train_seeds(1000), heldout_seeds(60)
    assert not set(train) & set(held) and C.TRAIN_SEEDS[1] <= C.HELDOUT_SEEDS[0]
    from models.data import preset_for_seed

    assert {preset_for_seed(s) for s in held} == set(C.PRESETS)


def test_phantoms_are_generated_once_then_read_from_the_cache(tmp_path) -> None:
    calls = []

    def counting(seed: int, preset: str) -> SimpleNamespace:
        calls.append(seed)
        return standin_phantom(seed, preset)

    first = PhantomSource(tmp_path, generate=counting, version="v1").case(7)
    second = PhantomSource(tmp_path, generate=counting, version="v1").case(7)
    assert calls == [7] and np.array_equal(first.hu, second.hu) and first.truth == second.truth
    assert (tmp_path / "v1" / "thoracolumbar-7.npz").exists()  # preset = PRESETS[7 % 5]


def test_crop_with_padding() -> None:
    a = np.arange(12).reshape(3, 4)
    assert crop_with_padding(a, (-1, 2), (3, 3), -1).tolist() == [[-1, -1, -1], [2, 3, -1], [6, 7, -1]]


def test_augmented_samples_keep_their_targets_consistent(source: PhantomSource) -> None:
    from models.augment import AugmentRanges

    rng = np.random.default_rng(3)
    for _ in range(3):
        s = localizer_sample(source.case(1), rng, (16, 48, 48), AugmentRanges())
        assert s.image.shape == (16, 48, 48) and s.image.dtype == np.float32 and 0 <= s.image.min() and s.image.max() <= 1
        assert np.all(s.targets.centre_mask <= s.targets.presence)
        d = detector_sample(source.case(1), rng, 64, AugmentRanges())
        assert d.image.shape == (64, 128) and d.targets.keypoints.shape == (12, 16, 32)
        positive = d.targets.objectness[0] > 0
        assert np.all(d.targets.regression_weight[0][positive] >= 1.0) and np.all(d.targets.level[positive] >= 0)


# --- the sample cache: cached samples are the full-resolution ones ---------------------------------------

# int16 rounding of the cached HU (≤ 0.5 HU) after the localizer window of 3000 HU
GRID_QUANTUM = 0.5 / (C.LOCALIZER_WINDOW_HU[1] - C.LOCALIZER_WINDOW_HU[0]) + 1e-6


def test_cached_localizer_sample_equals_the_full_resolution_one(source: PhantomSource, store: SampleStore) -> None:
    """Without augmentation, and with every augmentation but the spacing (gain/offset, a field
    of view that always cuts): the same image up to the cache's rounding, the same targets."""
    from models.augment import AugmentRanges

    case, entry = source.case(2), store.entry(2)
    fixed = AugmentRanges(spacing_scale=(1.0, 1.0), noise_hu=(0.0, 0.0), blur_vox=(0.0, 0.0), fov_probability=1.0)
    for patch, ranges in [(None, None), ((16, 48, 48), None), ((16, 32, 48), fixed), (None, fixed)]:
        for k in range(3):
            a = localizer_sample(case, np.random.default_rng(k), patch, ranges)
            b = cached_localizer_sample(entry, np.random.default_rng(k), patch, ranges)
            assert a.image.shape == b.image.shape and np.abs(a.image - b.image).max() <= GRID_QUANTUM * fixed.gain[1]  # the gain scales the rounding
            assert a.grid.shape_zyx == b.grid.shape_zyx and np.allclose(a.grid.origin_mm, b.grid.origin_mm)
            for name in ("centre", "centre_mask", "presence"):
                assert np.array_equal(getattr(a.targets, name), getattr(b.targets, name)), name
    full = cached_localizer_sample(entry, np.random.default_rng(0), None, None)
    assert np.array_equal(full.targets.presence[: entry.grid.shape_zyx[0]], entry.targets.presence)


def test_cached_spacing_jitter_resamples_the_small_grid_closely(source: PhantomSource, store: SampleStore) -> None:
    """The spacing jitter resamples the cached 2 × 2 × 4 mm grid instead of the volume: the
    same grid and targets, an image within a few HU on average (second interpolation)."""
    from models.augment import AugmentRanges

    case, entry = source.case(1), store.entry(1)
    ranges = AugmentRanges(noise_hu=(0.0, 0.0), blur_vox=(0.0, 0.0), fov_probability=0.0)
    for k in range(4):
        a = localizer_sample(case, np.random.default_rng(k), (16, 48, 48), ranges)
        b = cached_localizer_sample(entry, np.random.default_rng(k), (16, 48, 48), ranges)
        assert not np.allclose(a.grid.steps_mm, np.diag([2.0, 2.0, 4.0]))
        assert np.allclose(a.grid.steps_mm, b.grid.steps_mm) and np.allclose(a.grid.origin_mm, b.grid.origin_mm)
        assert np.allclose(a.targets.centre, b.targets.centre) and np.array_equal(a.targets.presence, b.targets.presence)
        assert np.abs(a.image - b.image).mean() < 0.01  # 30 HU; the stand-in's edges are sharp boxes


def test_cached_detector_sample_equals_the_full_resolution_one(source: PhantomSource, store: SampleStore) -> None:
    """The view along the (smoothed) true centreline is the reference image (int16 rounding) with
    the same targets; every jittered view is the straightening along its own centreline."""
    from models.cache import DETECTOR_JITTER_VARIANTS
    from models.straightening import straighten_study, training_view_line

    case, entry = source.case(3), store.entry(3)
    for rows in (None, 64):
        a = detector_sample(case, np.random.default_rng(0), rows, None)
        b = cached_detector_sample(entry, np.random.default_rng(0), rows, None)
        assert np.abs(a.image - b.image).max() <= 0.51 / np.std(entry.views[0].image_hu) + 1e-5
        for name in ("objectness", "objectness_weight", "keypoints", "regression_weight", "level"):
            assert np.allclose(getattr(a.targets, name), getattr(b.targets, name), atol=1e-5), name
    assert len(entry.views) == 1 + DETECTOR_JITTER_VARIANTS
    truth = training_view_line(np.asarray(case.truth["centrelineMm"]))
    assert np.array_equal(entry.views[0].centreline_mm, truth)
    for view in entry.views[1:3]:
        # the jitter moves the line sideways by up to 3 mm (then smoothed and resampled along it)
        n = min(len(view.centreline_mm), len(truth))
        assert np.abs(view.centreline_mm[:n, :2] - truth[:n, :2]).max() > 0.05
        assert all(np.min(np.linalg.norm(truth - p, axis=1)) <= 3.0 for p in view.centreline_mm[::10])
        image, s = straighten_study(case.hu, case.truth["geometry"], view.centreline_mm)
        assert view.image_hu.shape == image.shape and np.abs(view.image_hu - image).max() <= 0.5 + 1e-6
        assert np.allclose(view.points_px[0], map_points(s, np.asarray(case.truth["vertebrae"][0]["pointsMm"]))[0])


def test_the_cache_is_written_once_keyed_and_resumable(tmp_path) -> None:
    """Entries land in <root>/<generator version>/<PREP_VERSION>/, are made once, read back
    equal, and a second build finds everything present."""
    from models.cache import PREP_VERSION, ensure_entries, load_entry

    calls = []

    def counting(seed: int, preset: str) -> SimpleNamespace:
        calls.append(seed)
        return standin_phantom(seed, preset)

    made = SampleStore(tmp_path, counting, "v1").entry(7)
    read = SampleStore(tmp_path, counting, "v1").entry(7)
    path = tmp_path / "v1" / PREP_VERSION / "thoracolumbar-7.npz"  # preset = PRESETS[7 % 5]
    assert calls == [7] and path.exists()
    assert np.array_equal(made.grid_hu, read.grid_hu) and made.truth == read.truth and len(made.views) == len(read.views)
    assert np.array_equal(made.views[4].image_hu, read.views[4].image_hu) and np.array_equal(made.views[4].points_px, read.views[4].points_px)
    only_detector = load_entry(path, parts=("detector",))
    assert only_detector.grid_hu.size == 0 and len(only_detector.views) == len(made.views)
    summary = ensure_entries(tmp_path, "test_models:standin_phantom", [0, 7], workers=1)
    assert summary["built"] == 2 and summary["present"] == 0  # another generator: another folder
    assert ensure_entries(tmp_path, "test_models:standin_phantom", [0, 7], workers=1)["built"] == 0


def test_cached_localizer_targets_follow_the_spine_in_augmented_patches(store: SampleStore) -> None:
    """Whatever the spacing, patch place and intensity change, the target centre of a slice
    through a bone box is the centre of that slice's bright voxels: on average to a small
    fraction of a voxel (patches move by up to 12 voxels, a spacing error would scale the
    position by up to 15 %); slice by slice within the stand-in's own offset (a box is centred
    on the curve at its middle, the centreline bends through it)."""
    from models.augment import AugmentRanges

    ranges = AugmentRanges(noise_hu=(0.0, 0.0), blur_vox=(0.0, 0.0), fov_probability=0.0)
    rng = np.random.default_rng(11)
    residuals = []
    for _ in range(6):
        s = cached_localizer_sample(store.entry(4), rng, (16, 48, 48), ranges)
        bone = s.image > (200.0 - C.LOCALIZER_WINDOW_HU[0]) / (C.LOCALIZER_WINDOW_HU[1] - C.LOCALIZER_WINDOW_HU[0])  # > 200 HU: bone only
        for k in np.flatnonzero(s.targets.centre_mask):
            ys, xs = np.nonzero(bone[k])
            if len(xs) > 80:  # a slice well inside a box (not its blurred top or bottom)
                residuals.append((xs.mean() - s.targets.centre[k, 0], ys.mean() - s.targets.centre[k, 1]))
    residuals = np.asarray(residuals)
    assert len(residuals) > 20
    assert np.all(np.abs(residuals.mean(axis=0)) < 0.25) and np.abs(residuals).max() < 1.5


def test_rotation_and_scale_move_the_points_with_the_image() -> None:
    from models.augment import AugmentRanges, rotate_scale

    image = np.zeros((80, 64), np.float32)
    image[19:22, 44:47] = 1.0  # a blob at (column 45, row 20)
    ranges = AugmentRanges(rotation_deg=20.0, scale=(0.8, 1.2))
    for k in range(4):
        out, (moved,) = rotate_scale(image, [np.array([[45.0, 20.0]])], np.random.default_rng(k), ranges, fill=0.0)
        rows, cols = np.nonzero(out > 0.05)
        w = out[rows, cols]
        assert abs((cols * w).sum() / w.sum() - moved[0, 0]) < 0.3 and abs((rows * w).sum() / w.sum() - moved[0, 1]) < 0.3


def test_cached_detector_targets_sit_on_the_vertebrae_of_augmented_images(store: SampleStore) -> None:
    """Jittered view, rotation/scale, intensity and a random crop: every positive cell points at
    a centroid that lies in bone (the stand-in's boxes are the only bright structures)."""
    from models.augment import AugmentRanges

    ranges = AugmentRanges(noise_hu=(0.0, 0.0), blur_vox=(0.0, 0.0))
    rng = np.random.default_rng(5)
    positives = 0
    for _ in range(6):
        d = cached_detector_sample(store.entry(6), rng, 96, ranges)
        threshold = np.percentile(d.image, 60)  # bone fills ~20 % of the 128-column image
        cols, rows = __import__("models.targets", fromlist=["cell_centres"]).cell_centres(*d.targets.level.shape)
        for i, j in np.argwhere(d.targets.objectness[0] > 0):
            points = d.targets.keypoints[:, i, j].reshape(6, 2) + [cols[i, j], rows[i, j]]
            cx, cy = points.mean(axis=0)
            assert d.image[int(round(cy)), int(round(cx))] > threshold
            assert np.all((points[:, 1] >= 0) & (points[:, 1] < 96))
            positives += 1
    assert positives > 10


# --- training --------------------------------------------------------------------------------------------


@needs_torch
def test_localizer_training_reduces_the_loss_on_a_fixed_batch(store: SampleStore) -> None:
    import torch

    from models.localizer import LocalizerNet
    from models.train_localizer import localizer_batch, localizer_step

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    batch = localizer_batch([cached_localizer_sample(store.entry(s), rng, (16, 48, 48), None) for s in (0, 1)], torch.device("cpu"))
    net = LocalizerNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    losses = [localizer_step(net, optimizer, batch)[0] for _ in range(10)]
    assert np.isfinite(losses).all() and min(losses[-3:]) < losses[0]


@needs_torch
def test_detector_training_reduces_the_loss_on_a_fixed_batch(store: SampleStore) -> None:
    import torch

    from models.detector import DetectorNet
    from models.train_detector import detector_batch, detector_step

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    batch = detector_batch([cached_detector_sample(store.entry(s), rng, 64, None) for s in (0, 1)], torch.device("cpu"))
    assert float(batch["objectness"].sum()) > 0
    net = DetectorNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    losses = [detector_step(net, optimizer, batch)[0] for _ in range(10)]
    assert np.isfinite(losses).all() and min(losses[-3:]) < 0.8 * losses[0]


@needs_onnx
@pytest.mark.parametrize("kind", ["localizer", "detector"])
def test_training_command_from_an_empty_cache(kind: str, tmp_path, monkeypatch, capsys) -> None:
    """The command builds the cache it needs, trains, prints the loss curve with the data time,
    the held-out table and the time of each phase, and writes the run."""
    import importlib
    import sys

    module = importlib.import_module(f"models.train_{kind}")
    size = ["--patch", "16", "32", "32"] if kind == "localizer" else ["--rows", "64"]
    monkeypatch.setattr(sys, "argv", [f"train_{kind}", "--iterations", "2", "--batch", "1", "--heldout", "1", "--train-phantoms", "2", "--workers", "1", "--log-every", "1",
                                      "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "run"), "--generator", "test_models:standin_phantom", *size])
    module.main()
    out = capsys.readouterr().out
    assert "building 3 with 1 worker" in out and "data_s" in out and "held-out phantoms" in out and "time: cache" in out
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert len(metrics["lossCurve"]) == 2 and metrics["training"]["dataSecondsPerIteration"] >= 0 and metrics["metrics"]["syntheticHeldout"]["cases"] == 1


def test_localizer_patches_often_hold_an_end_of_the_spine(store: SampleStore) -> None:
    """Half the patches are placed over a spine end inside the scan (data.SPINE_END_PATCH_PROBABILITY):
    with the stand-in's ends at grid slices ≈ 4 and ≈ 33 of 37, a uniform 16-slice patch holds
    one 62 % of the time, the end-biased draw ≈ 81 %."""
    from models.data import _patch_starts

    entry = store.entry(4)
    low, high = limit_slices(entry.grid, np.asarray(entry.truth["centrelineMm"]), entry.truth["limitsMm"])
    rng = np.random.default_rng(5)
    draws = [_patch_starts(rng, entry.grid, entry.truth, (16, 48, 48))[0] for _ in range(400)]
    holds = [any(z0 <= end < z0 + 16 for end in (low, high)) for z0 in draws]
    assert np.mean(holds) > 0.74


def test_real_bone_augmentation_dims_bone_blurs_along_the_spine_and_keeps_soft_tissue() -> None:
    from models.augment import BONE_PIVOT_HU, AugmentRanges, real_bone

    image = np.full((60, 20), 40.0, dtype=np.float32)  # soft tissue
    image[30, :] = 1000.0  # an endplate: one bright row across the spine
    always = AugmentRanges(bone_probability=1.0, bone_contrast=(0.5, 0.5), slice_blur_px=(1.5, 1.5))
    out = real_bone(image, np.random.default_rng(0), always)
    assert np.allclose(out[:20], 40.0) and np.allclose(out[45:], 40.0)  # soft tissue kept
    assert np.allclose(out[:, 0], out[:, 10])  # no blur across the columns
    column = out[:, 5]
    assert column.max() < BONE_PIVOT_HU + 0.5 * (1000.0 - BONE_PIVOT_HU) and column[29] > 40.5  # dimmer, spread over rows
    assert np.isclose(column.sum() - 40.0 * 60, 0.5 * (1000.0 - BONE_PIVOT_HU) + (BONE_PIVOT_HU - 40.0), rtol=1e-3)  # blur keeps the mass
    never = AugmentRanges(bone_probability=0.0)
    assert np.array_equal(real_bone(image, np.random.default_rng(0), never), image)


@needs_torch
def test_a_run_from_init_records_the_sittings_before_it(tmp_path) -> None:
    import torch

    from models.trainer import start_from

    net = torch.nn.Linear(2, 1)
    first = {"command": "train --iterations 10", "generatorVersion": "phantom-a", "iterations": 10, "learningRate": 1e-3, "seconds": 5.0, "batch": 2}
    torch.save({"model": net.state_dict(), "training": first}, tmp_path / "one.pt")
    second = {**first, "command": "train --init one.pt", "iterations": 20, "initialisedFrom": "one.pt", "sittings": start_from(net, tmp_path / "one.pt", torch.device("cpu"))}
    torch.save({"model": net.state_dict(), "training": second}, tmp_path / "two.pt")
    chain = start_from(net, tmp_path / "two.pt", torch.device("cpu"))
    assert [s["command"] for s in chain] == ["train --iterations 10", "train --init one.pt"]
    assert "batch" not in chain[0] and chain[1]["initialisedFrom"] == "one.pt"
    assert start_from(net, None, torch.device("cpu")) == []


def test_inside_scan_leaves_out_a_vertebra_cut_by_the_last_slice() -> None:
    """Twin of src/core/pipeline/insideScan.test.ts (same tilted geometry)."""
    from models.inside_scan import SLICE_EDGE_MARGIN_MM, inside_scan, patient_mm_to_voxel

    t = np.deg2rad(15.0)
    geometry = {"dimensions": [100, 80, 40], "spacingMm": [0.8, 0.8, 2.5], "originMm": [-40.0, -30.0, 100.0],
                "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, float(np.sin(t)), float(-np.cos(t))]}}
    axes = np.stack([np.asarray(geometry["direction"][k]) * s for k, s in zip(("column", "row", "slice"), geometry["spacingMm"])], axis=1)

    def to_mm(index: np.ndarray) -> np.ndarray:
        return np.asarray(geometry["originMm"]) + index @ axes.T

    assert np.allclose(patient_mm_to_voxel(geometry, to_mm(np.array([[12.5, 70.25, 33.75]]))), [[12.5, 70.25, 33.75]])

    def at(slice_index: float) -> np.ndarray:
        return to_mm(np.array([[40.0 + k, 40.0, slice_index + (k % 2) * 8] for k in range(6)]))

    margin = SLICE_EDGE_MARGIN_MM / 2.5  # slices: a body cut by the first or last slice ends at it
    assert inside_scan(geometry, at(10)) and inside_scan(geometry, at(31 - margin - 0.01)) and inside_scan(geometry, at(margin + 0.01))
    assert not inside_scan(geometry, at(31.2)) and not inside_scan(geometry, at(-0.1))
    assert not inside_scan(geometry, at(31)) and not inside_scan(geometry, at(31 - margin + 0.05)) and not inside_scan(geometry, at(margin - 0.05))
    assert not inside_scan(geometry, to_mm(np.array([[95.0 + k, 40.0, 20.0] for k in range(6)])))



def test_inside_image_leaves_out_a_body_running_off_the_straightened_image() -> None:
    """Twin of insideScan.test.ts's insideImage cases (same bodies, same rows)."""
    from models.inside_scan import inside_image

    def body(top: float) -> np.ndarray:
        return np.array([[40, top], [40, top + 18], [55, top + 1], [55, top + 17], [70, top - 2], [70, top + 20]], dtype=float)

    assert inside_image(234, body(100)) and inside_image(234, body(213.5)) and inside_image(234, body(1.5))
    assert not inside_image(234, body(215.3)) and not inside_image(234, body(1.4))

@needs_torch
def test_fracture_share_draws_fractured_phantoms_that_often() -> None:
    from models.train_detector import draw_seed

    rng = np.random.default_rng(3)
    seeds, fractured = list(range(100)), [7, 42]
    draws = [draw_seed(rng, seeds, fractured, 0.5) for _ in range(2000)]
    share = np.mean([d in fractured for d in draws])
    assert 0.45 < share < 0.56  # 0.5 + 0.5 × 2 %
    assert all(draw_seed(rng, seeds, [], 0.9) in seeds for _ in range(20))  # none fractured: uniform


def test_crop_to_body_keeps_the_patient_and_the_patient_mm_of_every_voxel() -> None:
    """Step 5 cuts the air (and the thin table) around the body out of the localizer's input;
    what is kept lies at the same patient mm as before, and the box starts at a multiple of 16."""
    from models.preprocess import body_box, crop_to_body
    z, y, x = 8, 100, 120
    image = np.zeros((z, y + 12, x + 8), dtype=np.float32)  # padded like step 4
    image[:, 30:70, 40:90] = 0.3  # the body
    image[:, 85:88, 2:118] = 0.35  # the table: thin, so few body voxels per column
    image[2, 5, 5] = 0.9  # one noisy voxel in the air
    grid = LocalizerGrid(np.array([-100.0, -50.0, 10.0]), np.diag([2.0, 2.0, 4.0]), (z, y, x))
    (y0, y1), (x0, x1) = body_box(image, grid)
    assert (y0, x0) == (16, 32) and y0 % 16 == 0 and x0 % 16 == 0  # 30 - 8 → 16, 40 - 8 → 32
    assert y1 == 88 + 8 and x1 == 90 + 8  # rows: the table's rows are full ones, so they stay
    cut, cut_grid = crop_to_body(image, grid)
    assert cut.shape == (16, 80, 80) and cut_grid.shape_zyx == (z, 80, 66)  # padded again to 16
    assert cut[3, 30 - y0, 40 - x0] == np.float32(0.3) and np.all(cut[:, :, 66:] == 0)
    assert cut_grid.index_to_patient(np.array([4.0, 5.0, 6.0])) == pytest.approx(grid.index_to_patient(np.array([4.0 + x0, 5.0 + y0, 6.0])))
    empty = np.zeros_like(image)  # nothing above the level: all of it is kept
    assert body_box(empty, grid) == ((0, y), (0, x))


def test_localizer_runs_in_slabs_each_slice_from_the_slab_it_sits_deepest_in() -> None:
    """Slabs of 48 slices 32 apart (the conventions), the last ending at the last slice; each
    slice's outputs come from the slab where it is at least 8 slices from a cut, or at the
    volume's own end. Other sizes follow the same rule: 40 slices 24 apart, three slabs for 80."""
    from models.slabs import in_slabs, slab_starts
    assert slab_starts(80, 40, 24) == [0, 24, 40] and slab_starts(40, 40, 24) == [0]
    assert slab_starts(48) == [0] and slab_starts(32) == [0]
    assert slab_starts(80) == [0, 32] and slab_starts(96) == [0, 32, 48] and slab_starts(112) == [0, 32, 64]
    calls = []

    def fake(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outputs that say where they came from: centre = (slab start, index in the slab)."""
        start = int(image[0, 0, 0])
        calls.append((start, image.shape[0]))
        z = np.arange(image.shape[0])
        return np.stack([np.full(len(z), start), z], axis=1).astype(np.float32), (image[:, 0, 0] + 1000).astype(np.float32)

    for slices in (48, 80, 96, 112, 160):
        calls.clear()
        image = np.zeros((slices, 2, 2), dtype=np.float32)
        image[:, 0, 0] = np.arange(slices)  # so each slab's first value is its start
        centre, presence = in_slabs(fake, 48, 32)(image)
        assert [c[0] for c in calls] == slab_starts(slices, 48, 32) and all(n == min(48, slices) for _, n in calls)
        for z in range(slices):
            start, index = int(centre[z, 0]), int(centre[z, 1])
            assert start + index == z and presence[z] == image[z, 0, 0] + 1000
            if slices > 48:  # away from a cut, unless the cut is the volume's own end
                assert index >= 8 or start == 0
                assert 48 - 1 - index >= 8 or start + 48 == slices


def test_straightening_bias_is_zero_along_a_straight_spine_and_reads_a_study() -> None:
    """On a straight centreline pixels are mm: a crushed body (G 0.5) reads G 0.5 in the image,
    whatever the smoothing, and the line passes through its centroid."""
    from models.straightening_bias import phantom_figures, study_table

    points = [[0.0, y, z] for y, h in ((-15.0, 20.0), (0.0, 18.0), (15.0, 10.0)) for z in (h / 2, -h / 2)]
    body = {"level": "T11", "pointsMm": points, "centroidMm": list(np.mean(points, axis=0)), "genantRatio": 0.5, "grade": 3}
    truth = {"centrelineMm": [[0.0, 0.0, 60.0], [0.0, 0.0, -60.0]], "vertebrae": [body]}
    for sigma in (0.0, 12.0):
        figures = phantom_figures([truth], sigma)
        assert figures["grade 2-3 bodies"] == 1
        assert figures["grade 2-3: mean G(px) - G(mm)"] == pytest.approx(0.0, abs=1e-9)
        assert figures["line to centroid, max mm"] == pytest.approx(abs(body["centroidMm"][1]), abs=1e-6)
    rows = study_table(truth, {"centrelineMm": truth["centrelineMm"]}, 0.0)
    assert rows[1].split()[:4] == ["T11", "0.50", "0.50", "0.50"]


def test_straightening_bias_runtime_mode_compares_the_runtime_image_with_a_training_view() -> None:
    """A result whose line runs 10 mm anterior of the true straight one draws the same body; a
    result whose line bends at the body's centre unbends it (reads milder) where the training
    view does not."""
    from models.straightening_bias import runtime_figures

    points = [[0.0, y, z] for y, h in ((-15.0, 20.0), (0.0, 18.0), (15.0, 10.0)) for z in (h / 2, -h / 2)]
    body = {"level": "T11", "pointsMm": points, "genantRatio": 0.5, "grade": 3}
    truth = {"centrelineMm": [[0.0, 0.0, 60.0], [0.0, 0.0, -60.0]], "vertebrae": [body]}
    shifted = {"centrelineMm": [[0.0, -10.0, 60.0], [0.0, -10.0, -60.0]]}
    figures = runtime_figures([(truth, shifted)], 0.0)
    assert figures["grade 2-3 bodies"] == 1
    assert figures["grade 2-3: mean |G(px runtime) - G(px training)|"] == pytest.approx(0.0, abs=1e-9)
    bent = {"centrelineMm": [[0.0, 0.0, 60.0], [0.0, 0.0, 0.0], [0.0, 30.0, -60.0]]}  # the column below turns back
    figures = runtime_figures([(truth, bent)], 0.0)
    assert figures["grade 2-3: mean G(px runtime) - G(mm)"] > 0.05
    assert figures["grade 2-3: mean G(px training) - G(mm)"] == pytest.approx(0.0, abs=1e-9)


def test_one_column_drops_a_detection_beside_a_surer_body() -> None:
    """Twin of src/core/pipeline/oneColumn.test.ts."""
    from models.decode import Detection
    from models.one_column import SIDE_BY_SIDE_OVERLAP, one_column, row_overlap

    def box(c0: float, c1: float, r0: float, r1: float, score: float) -> Detection:
        m = (c0 + c1) / 2
        return Detection(np.array([[c0, r0], [c0, r1], [m, r0], [m, r1], [c1, r0], [c1, r1]], float), score, 0, (0, 0))

    column = [box(40, 75, 10, 30, 0.99), box(40, 75, 36, 56, 0.98), box(40, 76, 62, 82, 0.97)]
    assert one_column(column) == column
    touching = [box(40, 75, 10, 30, 0.9), box(40, 75, 29, 49, 0.9)]
    assert row_overlap(*touching) < SIDE_BY_SIDE_OVERLAP and len(one_column(touching)) == 2
    assert one_column([*column, box(90, 120, 38, 55, 0.6)]) == column
    surer = box(90, 120, 38, 55, 0.995)
    assert one_column([column[0], column[1], surer, column[2]]) == [column[0], surer, column[2]]
    assert row_overlap(box(0, 1, 0, 20, 1), box(5, 6, 15, 20, 1)) == 1.0
    assert row_overlap(box(0, 1, 0, 20, 1), box(5, 6, 10, 40, 1)) == 0.5


def test_false_detections_measures_the_margin_to_the_first_and_last_slice() -> None:
    from models.false_detections import slice_margin_mm

    geometry = {"dimensions": [10, 10, 21], "spacingMm": [1.0, 1.0, 2.5], "originMm": [0.0, 0.0, 100.0],
                "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, 1.0]}}
    points = np.array([[5.0, 5.0, 102.5], [5.0, 5.0, 140.0]])  # slices 1 and 16 of 0..20
    assert slice_margin_mm(geometry, points) == 2.5
    assert abs(slice_margin_mm(geometry, np.array([[5.0, 5.0, 151.0]])) + 1.0) < 1e-9  # 1 mm past the last slice


@needs_onnx
@pytest.mark.parametrize("kind", ["localizer", "detector"])
def test_init_from_a_shipped_onnx_gives_the_same_network(kind: str, tmp_path) -> None:
    """--init NAME.onnx (trainer.load_folded_onnx): weights read back from an exported file, with
    its folded batch norms as frozen identities plus bias, export again to a file that gives the
    first one's outputs to 1e-4, and train_mode keeps those batch norms in eval mode. A file
    from another network is refused."""
    import torch

    from models.detector import DetectorNet
    from models.export import export_with_card
    from models.localizer import LocalizerForExport, LocalizerNet
    from models.onnx_interpreter import run
    from models.trainer import load_folded_onnx, train_mode

    torch.manual_seed(0)
    make = LocalizerNet if kind == "localizer" else DetectorNet
    net = make()
    shape = (1, 1, 16, 32, 48) if kind == "localizer" else (1, 1, 64, 96)
    with torch.no_grad():  # BatchNorm statistics that are not the identity
        net.train()
        (LocalizerForExport(net) if kind == "localizer" else net)(torch.randn(2, *shape[1:]) * 2 + 0.5)
    net.eval()
    first, _ = export_with_card(kind, net, tmp_path / "a")
    again = make()
    load_folded_onnx(again, first)
    train_mode(again)
    assert all(not m.training for m in again.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm))
    assert again.training
    second, _ = export_with_card(kind, again.eval(), tmp_path / "b")
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    a, b = run(str(first), {"image": x}), run(str(second), {"image": x})
    for name in a:
        assert np.abs(a[name] - b[name]).max() < 1e-4, name
    with pytest.raises(SystemExit, match="not exported from this network"):
        load_folded_onnx(DetectorNet() if kind == "localizer" else LocalizerNet(), first)
