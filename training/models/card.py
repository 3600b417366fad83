"""Model cards: the runtime's only source for how to run a model (../shared/DESIGN.md). Every
number comes from conventions.py, the checked ONNX file and the training run."""
from __future__ import annotations

import copy
from typing import Any, Mapping

from . import conventions as C

PRIORS = [
    {
        "name": "anchor-free-genant-keypoints",
        "credit": "Zakharov A., Pisov M. et al. (2023) Interpretable vertebral fracture quantification via anchor-free landmarks localization, Medical Image Analysis 83; annotation of MosMedData CTLungCa-500 (github.com/neuro-ml/anchor-free-genant)",
        "licence": "CC BY-NC 4.0",
        "use": "real six-point body shapes behind the phantoms' vertebrae",
        "note": "Non-commercial licence: weights trained on phantoms shaped by these annotations are to be treated as non-commercial.",
    },
    {
        "name": "vid-vertebra-keypoints",
        "credit": "ImFusion VID validation set: vertebral body centres and pedicles with levels, 169 CTs",
        "licence": "CC BY-SA 4.0",
        "use": "real spine curves and level spacing behind the phantoms",
    },
]

CELL_CONVENTION = (
    "Pixel (voxel) centres are at integer coordinates. Output cell (i, j) of stride r covers input rows i·r … i·r+r-1 "
    "and columns j·r … j·r+r-1; its centre is (x, y) = (j·r + (r-1)/2, i·r + (r-1)/2)."
)


def reproduce_text(training: Mapping[str, Any], default: str) -> str:
    """The command that made the weights; for a run from --init, every sitting in order, each
    with the phantom generator it trained on (an older generator is a git checkout away)."""
    steps = list(training.get("sittings", [])) + [training]
    if len(steps) == 1:
        return str(training.get("command", default))
    return "; then ".join(f"{s.get('command', '?')} [{s.get('generatorVersion', 'generator?')}, {s.get('iterations', '?')} iterations]" for s in steps)


def _io(info: dict[str, Any], names: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def entry(name: str, shape: list[Any]) -> dict[str, Any]:
        return {"name": name, "dtype": "float32", "shape": shape, "dynamicAxes": {str(i): d for i, d in enumerate(shape) if isinstance(d, str)}, "meaning": names.get(name, "")}

    return [entry(k, v) for k, v in info["inputs"].items()], [entry(k, v) for k, v in info["outputs"].items()]


def _common(name: str, sha256: str, info: dict[str, Any], parameters: int, metrics: dict[str, Any], training: dict[str, Any], io_meaning: dict[str, str]) -> dict[str, Any]:
    inputs, outputs = _io(info, io_meaning)
    return {
        "name": name,
        "file": f"{name}.onnx",
        "sha256": sha256,
        "bytes": info["bytes"],
        "parameters": parameters,
        "format": {"onnx": True, "opset": info["opset"], "batch": 1, "ops": info["ops"]},
        "inputs": inputs,
        "outputs": outputs,
        "training": {
            "data": "synthetic spine CT phantoms (training/phantom)",
            "phantomGenerator": training.get("generatorVersion", "unknown"),
            "trainSeeds": list(C.TRAIN_SEEDS),
            "heldoutSeeds": list(C.HELDOUT_SEEDS),
            "seedRanges": "half-open [start, stop); the preset is PRESETS[seed % 5]; the ranges never overlap",
            "presets": list(C.PRESETS),
            "priors": PRIORS,
            **{k: v for k, v in training.items() if k != "generatorVersion"},
        },
        "licence": "Weights: non-commercial use (the phantoms' shapes derive from CC BY-NC 4.0 annotations); credit as in training.priors.",
        "metrics": {"syntheticHeldout": metrics.get("syntheticHeldout", {}), "real": metrics.get("real", {})},
    }


def localizer_card(name: str, sha256: str, info: dict[str, Any], parameters: int, metrics: dict[str, Any], training: dict[str, Any]) -> dict[str, Any]:
    card = _common(name, sha256, info, parameters, metrics, training, {
        "image": "preprocessed CT grid (Z, Y, X) = (superior, posterior, left) axes, values in [0, 1]",
        "center": "per grid slice z: (x, y) of the spine by soft-argmax, in grid-voxel units of the input (voxel centres at integers; x = column index, y = row index)",
        "presence": "per grid slice z: max over the slice of the voxel probabilities",
    })
    card["preprocessing"] = {
        "steps": [
            "1. Reorient without interpolation: permute/flip voxel axes so grid x, y, z follow patient +x (Left), +y (Posterior), +z (Superior) as closely as the direction cosines allow (greedy on the largest |cosine|).",
            "2. Per axis in the order z, y, x with f = targetSpacing / sourceSpacing: if f > 1 blur that axis with a normalised Gaussian, sigma = antiAliasing.sigmaPerShrink · (f - 1) source voxels, radius ceil(antiAliasing.truncateSigmas · sigma) (at least 1), edge voxels repeated; then sample linearly at source positions k·f for k = 0 … floor((n - 1)/f).",
            "3. Clip HU to [window.lowHu, window.highHu] and scale: (hu - lowHu) / (highHu - lowHu).",
            "4. Pad each axis at its end with padValue to a multiple of padMultiple.",
            "5. Crop in-plane to the body (bodyCrop): over the real grid, count per row y and per column x the voxels whose scaled value exceeds bodyCrop.level; keep the rows (columns) from the first to the last whose count is at least bodyCrop.share times the largest count, widened by bodyCrop.marginVoxels each side within the grid, the start moved down to a multiple of padMultiple (all of them when no voxel exceeds the level); cut them out, pad at the end to padMultiple again, and move the grid origin to the first kept voxel.",
        ],
        "bodyCrop": {"level": C.LOCALIZER_BODY_LEVEL, "share": C.LOCALIZER_BODY_SHARE, "marginVoxels": C.LOCALIZER_BODY_MARGIN_VOXELS},
        "spacingMm": list(C.LOCALIZER_SPACING_MM),
        "spacingAxes": "x, y, z (patient Left, Posterior, Superior after reorientation)",
        "antiAliasing": {"sigmaPerShrink": C.ANTIALIAS_SIGMA_PER_SHRINK, "truncateSigmas": C.ANTIALIAS_TRUNCATE_SIGMAS, "edges": "repeat"},
        "interpolation": "linear per axis (= trilinear)",
        "window": {"lowHu": C.LOCALIZER_WINDOW_HU[0], "highHu": C.LOCALIZER_WINDOW_HU[1]},
        "normalisation": "clip to window, then scale to [0, 1]",
        "padMultiple": C.LOCALIZER_PAD_MULTIPLE,
        "padValue": 0.0,
        "padSide": "end",
        "grid": "grid voxel (x, y, z) lies at origin + x·X + y·Y + z·Z patient mm, X, Y, Z = reoriented unit directions × spacingMm; origin = patient position of the reoriented voxel (0, 0, 0)",
        "inputUnits": "Hounsfield units; a series that is not in HU (e.g. raw stored values without rescale) must be converted first or is out of scope",
    }
    card["inference"] = {
        "slabSlices": C.LOCALIZER_SLAB_SLICES, "slabStepSlices": C.LOCALIZER_SLAB_STEP_SLICES,
        "rule": "run the padded input in slabs of slabSlices slices along z starting at 0, slabStepSlices, 2·slabStepSlices, … while a slab ends before the last slice, then one slab ending at the last slice (one run when slabSlices covers the input); each slice takes center and presence from the slab whose middle (start + slabSlices / 2) is nearest the slice's middle (z + 0.5), the earlier slab on a tie",
    }
    card["mapStrideXY"] = C.LOCALIZER_MAP_STRIDE_XY
    card["cellConvention"] = CELL_CONVENTION + " The voxel map has stride 2 in x and y and 1 in z; soft-argmax weights each map cell at its centre 2j + 0.5."
    card["postprocessing"] = {
        "presenceThreshold": C.PRESENCE_THRESHOLD,
        "limits": "first and last real (unpadded) slice with presence ≥ presenceThreshold; every slice between counts (convex hull)",
        "centreline": "center of the slices between the limits; between the first and last slice with presence ≥ anchorPresence, the centres of slices below it replaced by linear interpolation between the nearest such slices; then smoothed along z by a Gaussian (sigma in slices, radius ceil(3 sigma), ends repeated), mapped through the grid to patient mm, ordered superior → inferior",
        "anchorPresence": C.CENTRELINE_ANCHOR_PRESENCE,
        "smoothingSigmaSlices": C.CENTRELINE_SMOOTHING_SIGMA_SLICES,
    }
    card["reproduce"] = reproduce_text(training, "cd training && /usr/bin/python3 -m models.train_localizer")
    return card


# How the runtime turns the detector's outputs into vertebrae (decode.ts, detect.ts and their twins).
DETECTOR_DECODING = (
    "cells with sigmoid(objectness) ≥ thresholds.objectness; points = cell centre + keypoints; greedy by score, drop a candidate whose Butterfly-IoU with a kept one exceeds thresholds.nmsButterflyIoU; cells whose centre lies in the padding are dropped; so are detections with a point beyond the straightened image's first or last row (a body the image cuts at the localizer's limits) or outside the scanned volume or within 1 mm of its first or last slice (cut by it or by its field of view: insideScan.ts / models/inside_scan.py), and each detection whose row extent overlaps a surer one's by half the shorter (side by side: bodies stack in one column; oneColumn.ts / models/one_column.py), before levels are assigned; levels: the detections' level logits made consistent along the spine (strictly increasing superior → inferior, gaps only where a vertebra is missing; levels.ts / models/levels.py)"
)


def second_look_card() -> dict[str, Any]:
    """The card's `straightening.secondLook` (conventions.SECOND_LOOK_*; body_centre_line.py,
    bodyCentreLine.ts). Absent: the first look stands."""
    return {"maxOffsetMm": C.SECOND_LOOK_MAX_OFFSET_MM, "innerOnly": C.SECOND_LOOK_INNER_ONLY, "blendMm": C.SECOND_LOOK_BLEND_MM, "sameBodyMm": C.SECOND_LOOK_SAME_BODY_MM,
            "rule": "after the first detection, straighten again along a line through the detected bodies' centres (the area centroid of each six-point outline) and detect again; "
                    "only bodies whose points' mean column lies within maxOffsetMm of the first line steer it, without the top and bottom ones when innerOnly; "
                    "straight from centre to centre, and beyond the end centres the first line moved by where it missed that centre, the move fading linearly to nothing over blendMm along z; "
                    "the second look stands only when it finds the same bodies as the first (as many, each of the first's six-point means within sameBodyMm of one of the second's); otherwise, or with fewer than two steering bodies, the first look stands. The result keeps the second line as its centreline (an addition to step 2 of DESIGN.md; training/README.md, Conventions)"}


def detector_card(name: str, sha256: str, info: dict[str, Any], parameters: int, metrics: dict[str, Any], training: dict[str, Any]) -> dict[str, Any]:
    card = _common(name, sha256, info, parameters, metrics, training, {
        "image": "normalised straightened mid-sagittal image (rows superior → inferior, columns anterior → posterior, 1 mm)",
        "objectness": "logit per cell: a vertebra's centroid is near the cell centre",
        "keypoints": "per cell: x0, y0, …, x5, y5 of AS, AI, MS, MI, PS, PI in input pixels relative to the cell centre",
        "level": "logits per cell over levelNames",
    })
    card["straightening"] = {"stepMm": C.STRAIGHTEN_STEP_MM, "halfWidthMm": C.STRAIGHTEN_HALF_WIDTH_MM, "outsideHu": C.STRAIGHTEN_OUTSIDE_HU,
                            "centrelineSmoothingSigmaMm": C.STRAIGHTEN_SMOOTHING_SIGMA_MM,
                            "centrelineSmoothing": "before straightening, the centreline is resampled at stepMm and smoothed along its arc by a Gaussian of centrelineSmoothingSigmaMm (radius ceil(3 sigma) samples, ends odd-reflected); 0 or absent: no smoothing"}
    if C.SECOND_LOOK:
        card["straightening"]["secondLook"] = second_look_card()
    card["preprocessing"] = {
        "steps": [
            "1. Subtract the mean and divide by the population standard deviation (ddof 0, at least minStd) of all pixels of the mid-sagittal image.",
            "2. Pad rows and columns at their end with padValue to a multiple of padMultiple.",
        ],
        "normalisation": "zero mean, unit variance per image",
        "minStd": C.DETECTOR_MIN_STD,
        "padMultiple": C.DETECTOR_PAD_MULTIPLE,
        "padValue": 0.0,
        "padSide": "end",
    }
    card["stride"] = C.DETECTOR_STRIDE
    card["cellConvention"] = CELL_CONVENTION
    card["positiveRadiusMm"] = C.POSITIVE_RADIUS_MM
    card["thresholds"] = {"objectness": C.OBJECTNESS_THRESHOLD, "nmsButterflyIoU": C.NMS_BUTTERFLY_IOU_THRESHOLD, "evaluationMatchButterflyIoU": C.MATCH_BUTTERFLY_IOU}
    card["decoding"] = DETECTOR_DECODING
    card["levelNames"] = list(C.LEVEL_NAMES)
    card["pointOrder"] = list(C.POINT_NAMES)
    card["lossWeighting"] = ("regression MAE of each vertebra weighted by 1 / max(G, 0.3) (rarer fractured bodies count more), as the paper reweights by the Genant score; "
                             "the same weights apply to two added terms, the MAE of the three heights in pixels and the MAE of G (training.lossWeights gives their factors)")
    card["reproduce"] = reproduce_text(training, "cd training && /usr/bin/python3 -m models.train_detector")
    return card


METRIC_BLOCKS = ("syntheticHeldout", "real")


def with_metrics(card: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """A copy of a card whose `metrics` are replaced by `metrics` (syntheticHeldout and real
    always present, further blocks such as the evaluation's provenance kept); every other
    field, the file's hash and the tensor shapes the runtime checks above all, as it was."""
    out = copy.deepcopy(card)
    out["metrics"] = {**{k: copy.deepcopy(metrics.get(k, {})) for k in METRIC_BLOCKS}, **{k: copy.deepcopy(v) for k, v in metrics.items() if k not in METRIC_BLOCKS}}
    return out
