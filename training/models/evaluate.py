"""Held-out metrics of issue 4 on phantoms (or any study with a ground_truth.json of the same
shape). The networks come in as plain functions on numpy arrays, so the same code can score the
torch models during training and, later, the shipped ONNX files (`npm run eval:models`).

Figure names are the keys of `metrics.syntheticHeldout` in the model cards.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from contract.genant import genant, grade_from_ratio
from contract.straighten import Straightening

from . import conventions as C
from .decode import decode_detector
from .inside_scan import detections_inside_scan
from .levels import detection_levels
from .metrics import match_by_butterfly, mean_or_none, roc_auc
from .one_column import one_column
from .postprocess import smooth_along_z, spine_curve
from .preprocess import LocalizerGrid, preprocess_detector, preprocess_localizer
from .straightening import map_points, pixels_to_points, straighten_study
from .targets import localizer_targets

# (Zp, Yp, Xp) input → (center (Z, 2) grid voxels, presence (Z,))
LocalizerFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
# (Hp, Wp) input → (objectness (1, h, w), keypoints (12, h, w), level (L, h, w))
DetectorFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass
class LocalizerCase:
    centre_errors_mm: list[float]
    limit_errors_mm: list[float]  # superior, inferior; empty when no spine was found
    presence_correct: int
    presence_total: int


def evaluate_localizer_case(run: LocalizerFn, hu: np.ndarray, truth: Mapping[str, Any]) -> LocalizerCase:
    """Centre error: in-plane distance (mm) between the predicted (smoothed) and true centre on
    every slice that has both. Limits error: |z| difference of each predicted limit (mm)."""
    x, grid = preprocess_localizer(hu, truth["geometry"])
    return evaluate_localizer_input(run, x, grid, truth)


def evaluate_localizer_input(run: LocalizerFn, x: np.ndarray, grid: LocalizerGrid, truth: Mapping[str, Any]) -> LocalizerCase:
    """evaluate_localizer_case on an input already preprocessed (e.g. data.localizer_input of
    a cached phantom)."""
    center, presence = run(x)
    center = np.asarray(center).reshape(-1, 2)
    presence = np.asarray(presence).reshape(-1)
    slices = grid.shape_zyx[0]
    target = localizer_targets(grid, np.asarray(truth["centrelineMm"]), truth["limitsMm"], slices)
    correct = int(((presence[:slices] >= C.PRESENCE_THRESHOLD) == (target.presence > 0)).sum())
    curve = spine_curve(center, presence, grid)
    if curve is None:
        return LocalizerCase([], [], correct, slices)
    first, last = curve.slices
    smoothed = smooth_along_z(center[first : last + 1])
    errors = []
    for k in range(first, last + 1):
        if target.centre_mask[k] > 0:
            p = grid.index_to_patient(np.array([*smoothed[k - first], k]))
            t = grid.index_to_patient(np.array([*target.centre[k], k]))
            errors.append(float(np.linalg.norm(p - t)))
    true_limits = (max(truth["limitsMm"]), min(truth["limitsMm"]))
    limit_errors = [abs(curve.limits_mm[0] - true_limits[0]), abs(curve.limits_mm[1] - true_limits[1])]
    return LocalizerCase(errors, limit_errors, correct, slices)


def summarise_localizer(cases: Iterable[LocalizerCase]) -> dict[str, Any]:
    cases = list(cases)
    return {
        "cases": len(cases),
        "spineNotFound": sum(1 for c in cases if not c.limit_errors_mm),
        "centrelineMeanErrorMm": mean_or_none([e for c in cases for e in c.centre_errors_mm]),
        "limitsErrorMm": mean_or_none([e for c in cases for e in c.limit_errors_mm]),
        "presenceAccuracy": (sum(c.presence_correct for c in cases) / max(sum(c.presence_total for c in cases), 1)) if cases else None,
    }


@dataclass
class VertebraResult:
    true_ratio: float
    true_grade: int
    true_level: str
    matched: bool
    predicted_ratio: float | None = None
    predicted_grade: int | None = None
    predicted_level: str | None = None
    keypoint_error_mm: float | None = None


@dataclass
class DetectorCase:
    vertebrae: list[VertebraResult] = field(default_factory=list)
    false_positives: int = 0
    true_worst_grade: int = 0
    predicted_worst_loss: float = 0.0  # max (1 - G) over the predictions, 0 without any


def _inside(pixels: np.ndarray, rows: int, columns: int) -> bool:
    return bool(np.all((pixels[:, 0] >= 0) & (pixels[:, 0] <= columns - 1) & (pixels[:, 1] >= 0) & (pixels[:, 1] <= rows - 1)))


def evaluate_detector_case(run: DetectorFn, hu: np.ndarray, truth: Mapping[str, Any], centreline_mm: np.ndarray | None = None) -> DetectorCase:
    """Straighten along the true centreline (or a given one, for the whole pipeline), detect,
    match by Butterfly-IoU ≥ MATCH_BUTTERFLY_IOU. Vertebrae cut by the image edge are not
    counted, and predictions on them are not false positives. Keypoint error: mean distance (mm)
    of the six predicted points to the true ones projected onto the mid-sagittal surface (the
    detector cannot see off it)."""
    image, s = straighten_study(hu, truth["geometry"], np.asarray(centreline_mm if centreline_mm is not None else truth["centrelineMm"]))
    return evaluate_detector_image(run, image, s, truth)


def evaluate_detector_image(run: DetectorFn, image: np.ndarray, s: Straightening, truth: Mapping[str, Any], threshold: float = C.OBJECTNESS_THRESHOLD) -> DetectorCase:
    """evaluate_detector_case on an image already straightened (HU) with its straightening
    (e.g. the cached view along the true centreline). `threshold`: the objectness threshold
    (the card's; models/calibrate_objectness.py sweeps it)."""
    obj, kp, lvl = run(preprocess_detector(image))
    # As the runtime: no detections in the padding, none cut by the scan's edge, levels made
    # consistent along the spine.
    detections = decode_detector(obj, kp, lvl, threshold=threshold, image_shape=image.shape)
    if "geometry" in truth:  # a hand-made truth without a volume has no scan edge to cut by
        detections = detections_inside_scan(detections, s, truth["geometry"])
    detections = one_column(detections)
    levels = detection_levels(detections, s.step_mm)
    rows, columns = image.shape
    mapped = [map_points(s, np.asarray(v["pointsMm"])) for v in truth["vertebrae"]]
    truth_px = [m[0] for m in mapped]
    complete = [bool(valid.all()) and _inside(p, rows, columns) for p, valid in mapped]
    pred_px = [d.points_px for d in detections]
    pred_mm = [pixels_to_points(s, p) for p in pred_px]
    pred_q = [genant(p) for p in pred_mm]
    case = DetectorCase()
    matches = {j: i for i, j, _ in match_by_butterfly(pred_px, truth_px, C.MATCH_BUTTERFLY_IOU)}
    used = set(matches.values())
    for j, v in enumerate(truth["vertebrae"]):
        if not complete[j]:
            continue
        result = VertebraResult(float(v["genantRatio"]), int(v["grade"]), str(v["level"]), j in matches)
        if j in matches:
            i = matches[j]
            projected = pixels_to_points(s, truth_px[j])
            result.predicted_ratio = float(pred_q[i]["genantRatio"])
            result.predicted_grade = grade_from_ratio(result.predicted_ratio)
            result.predicted_level = C.LEVEL_NAMES[levels[i]] if levels[i] is not None else None
            result.keypoint_error_mm = float(np.linalg.norm(pred_mm[i] - projected, axis=1).mean())
        case.vertebrae.append(result)
    case.false_positives = sum(1 for i in range(len(detections)) if i not in used)
    case.true_worst_grade = max([int(v["grade"]) for v in truth["vertebrae"]] or [0])
    case.predicted_worst_loss = max([1.0 - q["genantRatio"] for q in pred_q] or [0.0])
    return case


def summarise_detector(cases: Iterable[DetectorCase]) -> dict[str, Any]:
    cases = list(cases)
    vs = [v for c in cases for v in c.vertebrae]
    matched = [v for v in vs if v.matched]
    tp, fp = len(matched), sum(c.false_positives for c in cases)
    return {
        "cases": len(cases),
        "vertebrae": len(vs),
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / len(vs) if vs else None,
        "keypointMeanErrorMm": mean_or_none([v.keypoint_error_mm for v in matched]),
        "heightRatioMae": mean_or_none([abs(v.predicted_ratio - v.true_ratio) for v in matched]),
        "gradeAccuracy": mean_or_none([float(v.predicted_grade == v.true_grade) for v in matched]),
        # Moderate or worse (grade ≥ 2) against the rest; score 1 - G. Vertebra level: matched only.
        "rocAucModerateVertebra": roc_auc([1 - v.predicted_ratio for v in matched], [v.true_grade >= 2 for v in matched]),
        "rocAucModeratePatient": roc_auc([c.predicted_worst_loss for c in cases], [c.true_worst_grade >= 2 for c in cases]),
        "levelAccuracy": mean_or_none([float(v.predicted_level == v.true_level) for v in matched]),
    }


def format_table(title: str, summary: Mapping[str, Any]) -> str:
    """A two-column text table for the training log."""
    lines = [title]
    for key, value in summary.items():
        text = "n/a" if value is None else (f"{value:.4f}" if isinstance(value, float) else str(value))
        lines.append(f"  {key:<26} {text}")
    return "\n".join(lines)
