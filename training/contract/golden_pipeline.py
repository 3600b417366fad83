"""Golden vectors of the pipeline's numbers: what training/models computes (preprocess,
postprocess, decode, levels along the spine, straightening) on fixed inputs, written to training/golden/pipeline.json
for src/core/pipeline/pipeline.golden.test.ts to match to 1e-4. Rebuild with
`/usr/bin/python3 training/contract/golden_pipeline.py` (part of `npm run golden`); the pytest
twin (training/tests/test_pipeline_golden.py) fails when the committed file no longer matches.

Every input is a formula or a seeded draw written into the file, so the TypeScript test
rebuilds volumes from the same formulas and reads the drawn arrays from the file.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contract.genant import genant  # noqa: E402
from models import conventions as C  # noqa: E402
from models.body_centre_line import body_centre, body_centre_line, centres_on_line, same_bodies, second_look_line  # noqa: E402
from models.decode import candidates, decode_detector  # noqa: E402
from models.inside_scan import detections_inside_scan  # noqa: E402
from models.one_column import one_column  # noqa: E402
from models.levels import LEVEL_PITCH_MM, LevelCandidate, assign_levels, detection_levels  # noqa: E402
from models.postprocess import spine_curve  # noqa: E402
from models.preprocess import LocalizerGrid, body_box, canonical_axes, crop_to_body, gaussian_kernel, pad_to_multiple, preprocess_detector, preprocess_localizer, resample_to_grid  # noqa: E402
from models.slabs import slab_of_slice, slab_starts  # noqa: E402
from models.straightening import pixels_to_points, straighten_study  # noqa: E402

GOLDEN_PATH = Path(__file__).resolve().parents[1] / "golden" / "pipeline.json"
DIGITS = 7  # rounding of every float in the file (far below the 1e-4 the test asks)


def formula_volume(dims: list[int], scale: float) -> np.ndarray:
    """int16 [slice][row][column]: a pattern with edges and values beyond the HU window."""
    nc, nr, ns = dims
    k, j, i = np.meshgrid(np.arange(ns), np.arange(nr), np.arange(nc), indexing="ij")
    return (((i * 37 + j * 11 + k * 5) % 200 - 100 + (i * j) % 13 * 10) * scale).astype(np.int16)


def _tilted(angle_deg: float) -> tuple[list[float], list[float], list[float]]:
    """A sagittal stack tilted about x: columns run posterior, rows inferior, slices left."""
    a = math.radians(angle_deg)
    column = [0.0, math.cos(a), math.sin(a)]
    row = [0.0, math.sin(a), -math.cos(a)]
    return column, row, [1.0, 0.0, 0.0]


VOLUMES = {
    # Axial, slices stored inferior → superior reversed (slice direction −z), thin in-plane
    # pixels (x, y shrink with anti-aliasing), thick slices (z grows: linear only).
    "axialFlipped": {"dims": [30, 26, 20], "scale": 12.0, "spacingMm": [0.8, 0.9, 5.0], "originMm": [-12.0, -11.0, 48.0],
                     "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, -1.0]}},
    # Sagittal and tilted 10° about x: every axis permuted, z flipped, direction not axis-aligned.
    "sagittalTilted": {"dims": [24, 40, 18], "scale": 15.0, "spacingMm": [1.0, 1.2, 3.0], "originMm": [-25.0, -12.0, 30.0],
                       "direction": dict(zip(("column", "row", "slice"), _tilted(10.0)))},
    # 1 mm axial slices shrunk 4× in z (the common case), 1.6 mm pixels.
    "axialThin": {"dims": [20, 18, 33], "scale": 20.0, "spacingMm": [1.6, 1.6, 1.0], "originMm": [-15.2, -13.6, -16.0],
                  "direction": {"column": [1.0, 0.0, 0.0], "row": [0.0, 1.0, 0.0], "slice": [0.0, 0.0, 1.0]}},
}


def geometry_of(spec: dict) -> dict:
    return {"dimensions": spec["dims"], "spacingMm": spec["spacingMm"], "originMm": spec["originMm"], "direction": spec["direction"]}


def _r(a) -> list | float:
    return np.round(np.asarray(a, dtype=np.float64), DIGITS).tolist()


def localizer_case(name: str, spec: dict) -> dict:
    hu = formula_volume(spec["dims"], spec["scale"])
    geometry = geometry_of(spec)
    x, grid = preprocess_localizer(hu, geometry, crop=False)  # steps 1-4; step 5: body_crop_cases
    z, y, xx = grid.shape_zyx
    voxel_for, signs = canonical_axes(geometry)
    return {
        "name": name, **spec,
        "voxelFor": voxel_for, "signs": signs,
        "gridOriginMm": _r(grid.origin_mm), "gridStepsMm": _r(grid.steps_mm), "shapeZYX": [z, y, xx],
        "paddedShapeZYX": list(x.shape),
        # The real (unpadded) part, flat in (z, y, x) order; the padding is checked to be 0.
        "input": _r(x[:z, :y, :xx].reshape(-1)),
    }


def body_crop_cases(rng: np.random.Generator) -> list[dict]:
    """Step 5 on small padded inputs: a body (an ellipse) off centre, a thin table below it,
    noise in the air with values near the body level, one input with no body at all, and a body
    in the grid's first corner whose box ends inside the last pad block (still cut: the rows and
    columns after it become padding)."""
    out = []
    for name, (z, y, x, body) in {"offCentre": (1, 64, 80, True), "table": (1, 60, 72, True), "air": (2, 20, 30, False),
                                  "corner": (1, 60, 72, True)}.items():
        yy, xx = np.meshgrid(np.arange(y), np.arange(x), indexing="ij")
        image = np.abs(rng.normal(0.0, 0.04, (z, y, x)))  # air: a few voxels pass the level
        if body and name != "corner":
            cy, cx = y * 0.7, x * 0.7
            image[:, ((yy - cy) / (y * 0.2)) ** 2 + ((xx - cx) / (x * 0.15)) ** 2 <= 1] += 0.3
        if name == "table":
            image[:, y - 8 : y - 6, 3 : x - 3] += 0.3
        if name == "corner":  # no ellipse: a block from the first row and column to row 49, column 60
            image = np.abs(rng.normal(0.0, 0.01, (z, y, x)))
            image[:, :50, :61] += 0.3
        image = np.asarray(_r(image), dtype=np.float32)
        padded = pad_to_multiple(image, C.LOCALIZER_PAD_MULTIPLE)
        grid = LocalizerGrid(np.array([-40.0, 12.5, 30.0]), np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, -4.0]]), (z, y, x))
        (y0, y1), (x0, x1) = body_box(padded, grid)
        cut, cut_grid = crop_to_body(padded, grid)
        out.append({"name": name, "shapeZYX": [z, y, x], "input": _r(image.reshape(-1)), "originMm": _r(grid.origin_mm), "stepsMm": _r(grid.steps_mm),
                    "box": {"y": [y0, y1], "x": [x0, x1]}, "croppedDims": [1, 1, *cut.shape], "croppedOriginMm": _r(cut_grid.origin_mm),
                    "croppedShapeZYX": list(cut_grid.shape_zyx)})
    return out


def canonical_cases() -> list[dict]:
    """Direction sets with ties and near-ties for the greedy axis choice."""
    s = math.sqrt(0.5)
    sets = [
        {"column": [s, s, 0.0], "row": [-s, s, 0.0], "slice": [0.0, 0.0, 1.0]},  # exact 45° ties
        {"column": [0.0, 0.0, -1.0], "row": [1.0, 0.0, 0.0], "slice": [0.0, -1.0, 0.0]},
        {"column": [-1.0, 0.0, 0.0], "row": [0.0, 0.0, 1.0], "slice": [0.0, 1.0, 0.0]},
        dict(zip(("column", "row", "slice"), _tilted(44.0))),
        dict(zip(("column", "row", "slice"), _tilted(46.0))),
    ]
    out = []
    for d in sets:
        voxel_for, signs = canonical_axes({"direction": d, "spacingMm": [1.0, 1.0, 1.0], "originMm": [0.0, 0.0, 0.0]})
        out.append({"direction": d, "voxelFor": voxel_for, "signs": signs})
    return out


def curve_cases(rng: np.random.Generator) -> list[dict]:
    """spine_curve on drawn centres/presence over the sagittalTilted grid (oblique steps)."""
    spec = VOLUMES["sagittalTilted"]
    _, grid = resample_to_grid(formula_volume(spec["dims"], spec["scale"]), geometry_of(spec))
    real = grid.shape_zyx[0]
    padded = real + 5
    cases = []
    for kind in ("gap", "paddedPositive", "none", "single", "detour"):
        center = rng.uniform(2, 12, (padded, 2))
        presence = rng.uniform(0, 0.45, padded)
        if kind == "gap":
            presence[3:real - 2] = rng.uniform(0.5, 1, real - 5)
            presence[6] = 0.2  # inside the hull: still spine
        elif kind == "paddedPositive":
            presence[2:5] = 0.9
            presence[real:] = 0.99  # padding is never spine
        elif kind == "single":
            presence[4] = 0.5  # exactly the threshold counts
        elif kind == "detour":  # sure slices at both ends, unsure ones between leave the spine
            presence[1:real - 1] = 0.97
            presence[4:7] = (0.6, 0.3, 0.97)  # slice 6 is an anchor again
            center[4:6] += 30.0
        curve = spine_curve(center, presence, grid)
        cases.append({
            "kind": kind, "center": _r(center.reshape(-1)), "presence": _r(presence),
            "gridOriginMm": _r(grid.origin_mm), "gridStepsMm": _r(grid.steps_mm), "shapeZYX": list(grid.shape_zyx),
            "curve": None if curve is None else {"centrelineMm": _r(curve.centreline_mm), "limitsMm": _r(curve.limits_mm), "slices": list(curve.slices)},
        })
    return cases


def detector_input_case() -> dict:
    rows, columns = 45, 37
    r, c = np.meshgrid(np.arange(rows), np.arange(columns), indexing="ij")
    image = 300 * np.sin(r * 0.3) * np.cos(c * 0.17) + 5 * r - 1024 * ((r + c) % 11 == 0)
    x = preprocess_detector(image)
    return {"rows": rows, "columns": columns, "formula": "300 sin(0.3 r) cos(0.17 c) + 5 r - 1024 [(r + c) mod 11 = 0]",
            "paddedShape": list(x.shape), "input": _r(x[:rows, :columns].reshape(-1))}


WEDGE = np.array([[-14, -9], [-14, 9], [0, -11], [0, 11], [14, -11], [14, 11]], dtype=float)


def detector_outputs(rng: np.random.Generator, h: int, w: int, levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drawn float32 outputs: many cells fire, each with a jittered wedge, so NMS has work."""
    objectness = rng.normal(0.5, 1.5, (1, h, w)).astype(np.float32)
    keypoints = (WEDGE.reshape(12, 1, 1) * rng.uniform(0.7, 1.3, (1, h, w)) + rng.normal(0, 1.5, (12, h, w))).astype(np.float32)
    level = rng.normal(0, 2, (levels, h, w)).astype(np.float32)
    return objectness, keypoints, level


def detection_json(d) -> dict:
    return {"pointsPx": _r(d.points_px), "score": _r(d.score), "levelIndex": d.level_index, "cell": list(d.cell)}


def decode_cases(rng: np.random.Generator) -> list[dict]:
    """Drawn outputs on a grid larger than the image (the input was padded to the multiple):
    cells whose centre lies in the padding below or right of the image are dropped."""
    out = []
    for h, w, with_level, (rows, columns) in ((14, 10, True, (50, 37)), (9, 7, False, (33, 25))):
        obj, kp, lvl = detector_outputs(rng, h, w, len(C.LEVEL_NAMES))
        level = lvl if with_level else None
        kept = decode_detector(obj, kp, level, image_shape=(rows, columns))
        out.append({
            "h": h, "w": w, "levels": len(C.LEVEL_NAMES) if with_level else 0, "imageRows": rows, "imageColumns": columns,
            "objectness": _r(obj.reshape(-1)), "keypoints": _r(kp.reshape(-1)), "level": _r(lvl.reshape(-1)) if with_level else None,
            "candidateCount": len(candidates(obj, kp, level, image_shape=(rows, columns))),
            "candidateCountWithPadding": len(candidates(obj, kp, level)),
            "kept": [detection_json(d) for d in kept],
        })
    return out


def lumbar_pitch_case(rng: np.random.Generator, names: list[str]) -> dict:
    levels = [f"T{i}" for i in range(1, 13)] + ["L1", "L2", "L3", "L4"]
    positions = np.concatenate([[0.0], np.cumsum([LEVEL_PITCH_MM[n] for n in levels[:-1]])]) + rng.normal(0, 0.5, len(levels))
    logits = rng.normal(0, 0.5, (len(levels), len(names)))
    for k, name in enumerate(levels):
        logits[k, names.index(name)] += 2.0
    logits[-1, names.index("L4")] -= 1.0
    logits[-1, names.index("L5")] += 0.6
    return {"positionsMm": positions.tolist(), "logits": logits}


def level_cases() -> list[dict]:
    """assign_levels (levels.py, twin of levels.ts) on drawn logits and positions. The inputs
    are rounded as written before the levels are computed, so both languages see the same
    numbers; no case relies on exact ties."""
    rng = np.random.default_rng(20261206)
    names = list(C.LEVEL_NAMES)
    L = len(names)

    def guided(true_levels: list[str], positions: list[float], strength: float, noise: float) -> dict:
        logits = rng.normal(0, noise, (len(true_levels), L))
        for k, name in enumerate(true_levels):
            logits[k, names.index(name)] += strength
        return {"positionsMm": positions, "logits": logits}

    pitch = 26.0
    jitter = lambda n: (np.arange(n) * pitch + rng.normal(0, 1.5, n)).tolist()  # noqa: E731
    raw = {
        # Confident and consistent, T13 present (a transitional spine).
        "consistent": guided(["T10", "T11", "T12", "T13", "L1", "L2"], jitter(6), 5.0, 0.5),
        # Two detections guess T8; the neighbours say which is which.
        "duplicate": guided(["T6", "T7", "T8", "T8", "T10", "T11"], jitter(6), 2.5, 0.8),
        # T11 missing: a double gap in position, and the guesses blur around it.
        "gap": guided(["T9", "T10", "T12", "L1", "L2"], [0.0, 26.0, 78.5, 104.0, 131.0], 2.0, 1.0),
        # A guess running backwards.
        "backwards": guided(["L1", "T11", "L2", "L3", "L4"], jitter(5), 2.0, 1.0),
        # An untrained head: noise only.
        "noise": {"positionsMm": jitter(9), "logits": rng.normal(0, 2.0, (9, L))},
        # More detections than levels: some must stay unlabelled.
        "tooMany": {"positionsMm": jitter(L + 3), "logits": rng.normal(0, 1.0, (L + 3, L))},
        # Two side by side (a gap of 0 says nothing about the pitch).
        "sideBySide": guided(["C3", "C4", "C4", "C5"], [0.0, 18.0, 18.0, 36.0], 3.0, 0.7),
        "single": guided(["S1"], [12.0], 1.0, 1.0),
        # T1-L4 at the real pitches (levels.LEVEL_PITCH_MM, 20 mm at T1 to 36 mm at L3), the last
        # body's guess blurred towards L5: L3 to L4 is 1.5 scan-wide median pitches, one lumbar one.
        "lumbarPitch": lumbar_pitch_case(rng, names),
    }
    out = []
    for name, case in raw.items():
        positions = [float(x) for x in _r(case["positionsMm"])]
        logits = _r(case["logits"])
        levels = assign_levels([LevelCandidate(l, p) for l, p in zip(logits, positions)], names)
        out.append({"name": name, "positionsMm": positions, "logits": logits, "levels": levels})
    out.append({"name": "noHead", "positionsMm": [0.0, 25.0], "logits": [[], []],
                "levels": assign_levels([LevelCandidate([], 0.0), LevelCandidate([], 25.0)], names)})
    return out


def chain_case(rng: np.random.Generator) -> dict:
    """The numbers between the networks, end to end: localizer outputs (drawn) → curve →
    straightened image → detector input → detector outputs (drawn) → decode → the second look
    (the same outputs on the image along the bodies' line) → patient mm → Genant. The TypeScript test feeds the same outputs through analyze() with a
    stub runner."""
    # Large enough in-plane (128 × 115 mm) that most drawn detections lie inside the scan (insideScan),
    # and tall enough (100 mm) for a column of several vertebrae.
    spec = VOLUMES["axialThin"] | {"dims": [80, 72, 100], "spacingMm": [1.6, 1.6, 1.0], "originMm": [-64.0, -57.6, -50.0]}
    hu = formula_volume(spec["dims"], spec["scale"])
    geometry = geometry_of(spec)
    x, grid = preprocess_localizer(hu, geometry)
    zp = x.shape[0]
    real = grid.shape_zyx[0]
    zs = np.arange(zp)
    center = np.stack([32 + 3 * np.sin(zs * 0.4) + rng.normal(0, 0.3, zp), 28 + 0.2 * zs + rng.normal(0, 0.3, zp)], axis=1).astype(np.float32)
    presence = np.where((zs >= 1) & (zs <= real - 2), 0.9, 0.1).astype(np.float32)
    curve = spine_curve(center, presence, grid)
    first_image, _ = straighten_study(hu, geometry, curve.centreline_mm)
    det_in = preprocess_detector(first_image)
    hp, wp = det_in.shape
    # With a level head: levels are chosen along the spine (levels.py), not per cell by argmax.
    # The drawn float32 outputs are rounded as written, so both languages decode the same numbers.
    obj, kp, lvl = detector_outputs(rng, hp // C.DETECTOR_STRIDE, wp // C.DETECTOR_STRIDE, len(C.LEVEL_NAMES))
    # Bodies stack in one column (one_column.py): the cells of the image's middle column are the
    # surest, so a column of vertebrae survives and the side detections beside them go.
    obj[:, :, obj.shape[2] // 2] += 3.0
    obj, kp, lvl = (np.asarray(_r(a), dtype=np.float32) for a in (obj, kp, lvl))
    def look(line: np.ndarray):
        img, st = straighten_study(hu, geometry, line)
        found = one_column(detections_inside_scan(decode_detector(obj, kp, lvl, image_shape=img.shape), st, geometry))
        return img, st, found

    image, s, kept = look(curve.centreline_mm)
    # The second look (body_centre_line.py): the stub detector gives the same outputs again, on an
    # image straightened along the line through the bodies it found.
    first_mm = [pixels_to_points(s, d.points_px) for d in kept]
    second_line = second_look_line(curve.centreline_mm, s, [d.points_px for d in kept], first_mm)
    line = curve.centreline_mm
    if second_line is not None:
        second = look(second_line)
        if same_bodies(first_mm, [pixels_to_points(second[1], d.points_px) for d in second[2]]):
            line = second_line
            image, s, kept = second
    levels = detection_levels(kept, s.step_mm)
    vertebrae = []
    for d, level in zip(kept, levels):
        points_mm = pixels_to_points(s, d.points_px)
        q = genant(points_mm)
        vertebrae.append({**detection_json(d), "pointsMm": _r(points_mm), "heightsMm": {k: _r(v) for k, v in q["heightsMm"].items()},
                          "genantRatio": _r(q["genantRatio"]), "grade": q["grade"], "type": q["type"],
                          "level": None if level is None else C.LEVEL_NAMES[level]})
    sample_rows = list(range(0, first_image.shape[0], 7))  # of the first look's image, the one whose detector input is sampled
    return {
        **spec,
        "localizerInputDims": [1, 1, *x.shape],
        "center": _r(center.reshape(-1)), "presence": _r(presence),
        "centrelineMm": _r(line), "limitsMm": _r(curve.limits_mm), "secondLook": second_line is not None, "secondLookStands": line is second_line,
        "imageRows": int(image.shape[0]), "imageColumns": int(image.shape[1]),
        "sampleRows": sample_rows, "image": _r(first_image[sample_rows]),
        "detectorInputDims": [1, 1, hp, wp], "detectorInputSample": _r(det_in[sample_rows]),
        "objectness": _r(obj.reshape(-1)), "keypoints": _r(kp.reshape(-1)), "level": _r(lvl.reshape(-1)),
        "outputDims": [hp // C.DETECTOR_STRIDE, wp // C.DETECTOR_STRIDE],
        "vertebrae": vertebrae,
    }


def second_look_cases(rng: np.random.Generator) -> list[dict]:
    """Body centres, the centres that steer the line, and the line: bodies stacked along a bent
    spine with drawn six points (a wedge, a biconcave body, one far off the line), the first line
    a smooth curve near them."""
    cases = []
    for name, settings in (("inner, blended", {}), ("all bodies, no blend", {"inner_only": False, "blend_mm": 0.0}), ("too few bodies", {})):
        count = 2 if name == "too few bodies" else 6
        z = 120.0 - 28.0 * np.arange(count)
        first_line = np.stack([4 * np.sin(np.linspace(60, -200, 60) / 70), 30 + 0.0004 * np.linspace(60, -200, 60) ** 2, np.linspace(60, -200, 60)], axis=1)
        first_line[:, 2] += 40.0
        bodies_px, bodies_mm = [], []
        for k, zk in enumerate(z):
            ha, hm, hp = 22.0 - (6.0 if k == 2 else 0.0), 22.0 - (7.0 if k == 3 else 0.0), 24.0
            offset = 18.0 if k == 4 else rng.normal(0, 1.5)  # body 4: a detection off the line
            row = 200.0 - zk
            px = np.array([[44 + offset, row - ha / 2], [44 + offset, row + ha / 2], [61 + offset, row - hm / 2], [61 + offset, row + hm / 2],
                           [78 + offset, row - hp / 2], [78 + offset, row + hp / 2]]) + rng.normal(0, 0.4, (6, 2))
            mm = np.stack([rng.normal(0, 0.5, 6), 30 + (px[:, 0] - 64), 200.0 - px[:, 1]], axis=1)
            bodies_px.append(px)
            bodies_mm.append(mm)
        kwargs = {"max_offset_mm": C.SECOND_LOOK_MAX_OFFSET_MM, "inner_only": settings.get("inner_only", C.SECOND_LOOK_INNER_ONLY)}
        centres = centres_on_line(bodies_px, bodies_mm, 64, 1.0, **kwargs)
        blend = settings.get("blend_mm", C.SECOND_LOOK_BLEND_MM)
        cases.append({"name": name, "centreColumn": 64, "stepMm": 1.0, "maxOffsetMm": kwargs["max_offset_mm"], "innerOnly": kwargs["inner_only"], "blendMm": blend,
                      "firstLineMm": _r(first_line), "pointsPx": [_r(p) for p in bodies_px], "pointsMm": [_r(m) for m in bodies_mm],
                      "bodyCentres": [_r(body_centre(np.asarray(_r(m)))) for m in bodies_mm],
                      "centres": _r(centres), "lineMm": _r(body_centre_line(first_line, centres, blend)) if len(centres) >= 2 else None})
    return cases


def build() -> dict:
    rng = np.random.default_rng(20261205)
    return {
        "conventions": {"spacingMm": list(C.LOCALIZER_SPACING_MM), "windowHu": list(C.LOCALIZER_WINDOW_HU), "padMultiple": C.LOCALIZER_PAD_MULTIPLE,
                        "detectorPadMultiple": C.DETECTOR_PAD_MULTIPLE, "stride": C.DETECTOR_STRIDE, "objectness": C.OBJECTNESS_THRESHOLD,
                        "nms": C.NMS_BUTTERFLY_IOU_THRESHOLD, "presence": C.PRESENCE_THRESHOLD, "smoothingSigma": C.CENTRELINE_SMOOTHING_SIGMA_SLICES, "straighteningSmoothingSigmaMm": C.STRAIGHTEN_SMOOTHING_SIGMA_MM, "anchorPresence": C.CENTRELINE_ANCHOR_PRESENCE,
                        "slabSlices": C.LOCALIZER_SLAB_SLICES, "slabStepSlices": C.LOCALIZER_SLAB_STEP_SLICES,
                        "bodyCrop": {"level": C.LOCALIZER_BODY_LEVEL, "share": C.LOCALIZER_BODY_SHARE, "marginVoxels": C.LOCALIZER_BODY_MARGIN_VOXELS},
                        "levelNames": list(C.LEVEL_NAMES)},
        "gaussianKernels": [{"sigma": s, "kernel": _r(gaussian_kernel(s))} for s in (0.125, 0.75, 1.0, 1.5, 2.3)],
        "canonicalAxes": canonical_cases(),
        "localizerInputs": [localizer_case(name, spec) for name, spec in VOLUMES.items()],
        "bodyCrops": body_crop_cases(np.random.default_rng(20261127)),
        "localizerSlabs": [{"slices": n, "starts": slab_starts(n), "pick": slab_of_slice(n, slab_starts(n)).tolist()} for n in (16, 48, 64, 80, 96, 176, 256)],
        "spineCurves": curve_cases(rng),
        "detectorInput": detector_input_case(),
        "decode": decode_cases(rng),
        "chain": chain_case(rng),
        "levels": level_cases(),
        "secondLook": second_look_cases(np.random.default_rng(20261128)),
    }


if __name__ == "__main__":
    GOLDEN_PATH.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN_PATH.write_text(json.dumps(build(), separators=(",", ":")) + "\n")
    print(f"wrote {GOLDEN_PATH} ({GOLDEN_PATH.stat().st_size} bytes)")
