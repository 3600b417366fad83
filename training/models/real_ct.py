"""The real CTs of ../shared/data/real, their references, and the figures of issue 4 on them.

Studies (each read into the runtime's volume shape: [slice][row][column] values + DESIGN.md
geometry in LPS patient mm, NIfTI affines converted as src/core/ingest/nifti/readNifti.ts does):

- `abdomen`: TotalSegmentator's example_ct.nii.gz (3 mm, HU). References: the vertebral-body
  mask spine_report/totalseg_vertebrae_body.nii.gz (1 body, 2 intervertebral disc), the level of
  every vertebra from example_seg_fast_force_split.nii.gz (TotalSegmentator v2 labels) and the
  heights of L1-L5 in spine_report/spine_report.json. All three are TotalSegmentator's
  predictions, not manual annotations.
- `abdomen-dicom`: its 20-slice JPEG 2000 DICOM series (T11-T12, 0.98 × 0.98 × 2 mm, HU), with
  the whole-vertebra labels of example_seg_dicom.nii.gz (no body mask, no heights).
- `lidc-chest`: LIDC2_uint8.nii.gz, stored already windowed to 0..255: not HU (see
  `intensity_to_hu`). No reference at all: only the picture and what was found.

Figures (the keys of a card's `metrics.real.<study>`), on the runtime's pipeline: localizer on
the whole volume → centreline → straightened mid-sagittal image → detector → six points in mm.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from contract.genant import genant

from . import conventions as C
from .body_centre_line import same_bodies, second_look_line
from .decode import decode_detector
from .evaluate import DetectorFn, LocalizerFn
from .inside_scan import detections_inside_scan
from .levels import detection_levels
from .one_column import one_column
from .postprocess import SpineCurve, spine_curve
from .preprocess import LocalizerGrid, preprocess_detector, preprocess_localizer
from .straightening import Straightening, pixels_to_points, straighten_study_fast

# TotalSegmentator v2 "total" labels of the vertebrae (class_map_total_v2_excerpt.txt).
TOTALSEG_VERTEBRA_LABELS = {26: "S1", 27: "L5", 28: "L4", 29: "L3", 30: "L2", 31: "L1"} | {32 + i: f"T{12 - i}" for i in range(12)} | {44 + i: f"C{7 - i}" for i in range(7)}
BODY_LABEL, DISC_LABEL = 1, 2  # totalseg_vertebrae_body.nii.gz
LUMBAR = ("L1", "L2", "L3", "L4", "L5")
HEIGHT_TOLERANCE_MM = 3.0
# A detection names a reference vertebra when its centroid (mean of the six points) lies within
# this distance of the reference body's centroid: half a lumbar body's height, so a detection
# can never sit nearer to the neighbour's centre than to its own.
LEVEL_MATCH_MM = 12.0

# 8-bit windowed data: its window is not stored. For LIDC2_uint8 it was read off the image:
# muscle (~50 HU) ≈ 15, vertebral trabecular bone (~175 HU) ≈ 70, the contrast blood pool ≈ 125
# and fat, lung and air all 0, i.e. about 2.3 HU per grey value from 16 HU. Voxels at 0 lie
# below the window, where air, lung and fat cannot be told apart; they become air.
UINT8_WINDOW_HU = (16.0, 600.0)
UINT8_BELOW_WINDOW_HU = -1000.0


def looks_8bit(values: np.ndarray, stride: int = 31) -> bool:
    """The runtime's rule (src/core/ingest/huCheck.ts): every sampled value within 0..255 means
    an 8-bit windowed image, not Hounsfield units (air would be about −1000)."""
    sample = np.asarray(values).reshape(-1)[::stride]
    return bool(sample.min() >= 0 and sample.max() <= 255)


def intensity_to_hu(values: np.ndarray, window_hu: tuple[float, float] = UINT8_WINDOW_HU, below_hu: float = UINT8_BELOW_WINDOW_HU) -> np.ndarray:
    """8-bit windowed values → approximate HU: 1..255 linearly onto the window, 0 (below it) to
    `below_hu`."""
    v = np.asarray(values, dtype=np.float32)
    low, high = window_hu
    return np.where(v <= 0, np.float32(below_hu), low + v / 255.0 * (high - low)).astype(np.float32)


def geometry_from_affine(affine: np.ndarray, shape_ijk: Sequence[int]) -> dict[str, Any]:
    """NIfTI voxel→RAS affine → DESIGN.md geometry (LPS), as readNifti.ts: negate the x and y
    rows; spacing = column norms; directions = unit columns; origin = translation."""
    lps = np.asarray(affine, dtype=float)[:3].copy()
    lps[:2] *= -1
    spacing = np.linalg.norm(lps[:, :3], axis=0)
    spacing[spacing == 0] = 1.0
    unit = lps[:, :3] / spacing
    return {
        "dimensions": [int(n) for n in shape_ijk[:3]],
        "spacingMm": spacing.tolist(),
        "originMm": lps[:, 3].tolist(),
        "direction": {"column": unit[:, 0].tolist(), "row": unit[:, 1].tolist(), "slice": unit[:, 2].tolist()},
    }


@dataclass
class LabelMap:
    """A label volume (NIfTI array order i, j, k) and its affine; looked up at patient points."""

    labels: np.ndarray  # (I, J, K) integers
    affine: np.ndarray  # 4 × 4 voxel → RAS

    def at(self, points_lps: np.ndarray) -> np.ndarray:
        """Label of the nearest voxel at each (N, 3) LPS point; 0 outside the volume."""
        p = np.atleast_2d(np.asarray(points_lps, dtype=float)) * np.array([-1.0, -1.0, 1.0])
        ijk = np.rint((np.c_[p, np.ones(len(p))] @ np.linalg.inv(self.affine).T)[:, :3]).astype(int)
        inside = np.all((ijk >= 0) & (ijk < np.array(self.labels.shape)), axis=1)
        out = np.zeros(len(p), dtype=self.labels.dtype)
        out[inside] = self.labels[tuple(ijk[inside].T)]
        return out

    def points_lps(self, mask: np.ndarray) -> np.ndarray:
        """(N, 3) LPS positions of the voxels of a boolean mask of this map's shape."""
        ijk = np.argwhere(mask).astype(float)
        ras = np.c_[ijk, np.ones(len(ijk))] @ self.affine.T
        return ras[:, :3] * np.array([-1.0, -1.0, 1.0])

    def slice_z_mm(self) -> np.ndarray:
        """Patient z of each k slice (the map must be axial: k along ±z)."""
        if abs(self.affine[2, 2]) < 0.99 * np.linalg.norm(self.affine[:3, 2]):
            raise ValueError("reference map is not an axial stack")
        return self.affine[2, 2] * np.arange(self.labels.shape[2]) + self.affine[2, 3]


@dataclass
class RealStudy:
    name: str  # key under metrics.real
    title: str
    source: str  # path under data/real
    values: np.ndarray  # [slice][row][column] HU (after intensity_to_hu when not HU)
    geometry: dict[str, Any]
    intensity: dict[str, Any]  # how the stored values became HU
    body: LabelMap | None = None  # 1 body, 2 disc
    levels: LabelMap | None = None  # TotalSegmentator vertebra labels
    report_heights_mm: dict[str, dict[str, float]] = field(default_factory=dict)  # level → anterior/middle/posterior
    reference: str = ""


def _nifti(path: Path) -> tuple[np.ndarray, np.ndarray]:
    import nibabel as nib

    image = nib.load(str(path))
    return np.asarray(image.dataobj), np.asarray(image.affine, dtype=float)


def _volume(data_ijk: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(data_ijk, (2, 1, 0)))


def read_report_heights(path: Path) -> dict[str, dict[str, float]]:
    """spine_report.json → {level: {anterior, middle, posterior}} (mm)."""
    results = json.loads(path.read_text())["results"]
    out: dict[str, dict[str, float]] = {}
    for key, value in results.items():
        parts = key.split("_")  # vertebrae_L1_height_anterior_mm
        if len(parts) == 5 and parts[0] == "vertebrae" and parts[2] == "height" and parts[4] == "mm":
            out.setdefault(parts[1], {})[parts[3]] = float(value)
    return out


def load_abdomen(root: Path) -> RealStudy:
    ts = root / "totalsegmentator-abdomen"
    data, affine = _nifti(ts / "example_ct.nii.gz")
    body, body_affine = _nifti(ts / "spine_report" / "totalseg_vertebrae_body.nii.gz")
    seg, seg_affine = _nifti(ts / "example_seg_fast_force_split.nii.gz")
    return RealStudy(
        "abdomen", "TotalSegmentator abdomen, 3 mm, HU", "totalsegmentator-abdomen/example_ct.nii.gz",
        _volume(data).astype(np.float32), geometry_from_affine(affine, data.shape), {"units": "HU"},
        body=LabelMap(body.astype(np.int16), body_affine), levels=LabelMap(seg.astype(np.int16), seg_affine),
        report_heights_mm=read_report_heights(ts / "spine_report" / "spine_report.json"),
        reference="TotalSegmentator predictions: vertebral bodies and discs (totalseg_vertebrae_body), levels (example_seg_fast_force_split), heights (spine_report.json)",
    )


def dicom_geometry(datasets: Sequence[Any]) -> dict[str, Any]:
    """A single-frame axial stack sorted along its normal → DESIGN.md geometry."""
    row_dir = np.asarray(datasets[0].ImageOrientationPatient[:3], dtype=float)  # along a row: column index grows
    col_dir = np.asarray(datasets[0].ImageOrientationPatient[3:], dtype=float)  # down a column: row index grows
    normal = np.cross(row_dir, col_dir)
    positions = np.asarray([[float(v) for v in d.ImagePositionPatient] for d in datasets])
    along = positions @ normal
    step = float(np.median(np.diff(along))) if len(datasets) > 1 else float(getattr(datasets[0], "SliceThickness", 1.0))
    spacing = [float(datasets[0].PixelSpacing[1]), float(datasets[0].PixelSpacing[0]), abs(step)]
    return {
        "dimensions": [int(datasets[0].Columns), int(datasets[0].Rows), len(datasets)],
        "spacingMm": spacing,
        "originMm": positions[0].tolist(),
        "direction": {"column": row_dir.tolist(), "row": col_dir.tolist(), "slice": (normal * np.sign(step or 1.0)).tolist()},
    }


def load_abdomen_dicom(root: Path) -> RealStudy:
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut

    ts = root / "totalsegmentator-abdomen"
    datasets = [pydicom.dcmread(str(p)) for p in sorted((ts / "example_ct_dicom").iterdir()) if p.is_file()]
    row_dir = np.asarray(datasets[0].ImageOrientationPatient[:3], dtype=float)
    normal = np.cross(row_dir, np.asarray(datasets[0].ImageOrientationPatient[3:], dtype=float))
    datasets.sort(key=lambda d: float(np.dot([float(v) for v in d.ImagePositionPatient], normal)))
    values = np.stack([apply_modality_lut(d.pixel_array, d).astype(np.float32) for d in datasets])
    seg, seg_affine = _nifti(ts / "example_seg_dicom.nii.gz")
    return RealStudy(
        "abdomen-dicom", "TotalSegmentator DICOM series, 20 slices T11-T12, HU", "totalsegmentator-abdomen/example_ct_dicom/",
        values, dicom_geometry(datasets), {"units": "HU"}, levels=LabelMap(seg.astype(np.int16), seg_affine),
        reference="TotalSegmentator whole-vertebra labels (example_seg_dicom.nii.gz); no body mask, no heights",
    )


def load_lidc(root: Path) -> RealStudy:
    data, affine = _nifti(root / "lidc2-chest-uint8" / "LIDC2_uint8.nii.gz")
    values = _volume(data)
    intensity: dict[str, Any] = {"units": "HU"}
    if looks_8bit(values):
        lo, hi = UINT8_WINDOW_HU
        intensity = {
            "units": "uint8 0..255, windowed, not HU",
            "mapping": f"1..255 → {lo:g}..{hi:g} HU linearly, 0 (below the window: air, lung and fat alike) → {UINT8_BELOW_WINDOW_HU:g} HU; "
                       "the window is not stored, it was read off the image (muscle ≈ 15, trabecular bone ≈ 70, contrast blood ≈ 125)",
            "caveat": "no fat or lung contrast survives the windowing, so this input lies outside what the models were trained on; the runtime warns on such files (huCheck.ts)",
        }
        values = intensity_to_hu(values)
    return RealStudy("lidc-chest", "LIDC chest (vtk-js copy), 8-bit, not HU", "lidc2-chest-uint8/LIDC2_uint8.nii.gz",
                     values.astype(np.float32), geometry_from_affine(affine, data.shape), intensity, reference="none")


LOADERS: dict[str, Callable[[Path], RealStudy]] = {"abdomen": load_abdomen, "abdomen-dicom": load_abdomen_dicom, "lidc-chest": load_lidc}


# --- the pipeline ---------------------------------------------------------------------------


@dataclass
class PredictedVertebra:
    level: str | None
    points_mm: np.ndarray  # (6, 3)
    points_px: np.ndarray  # (6, 2) in the straightened image
    score: float

    @property
    def centroid_mm(self) -> np.ndarray:
        return self.points_mm.mean(axis=0)


@dataclass
class Prediction:
    grid: LocalizerGrid
    presence: np.ndarray
    curve: SpineCurve | None
    image: np.ndarray | None = None  # straightened mid-sagittal image (HU)
    straightening: Straightening | None = None
    vertebrae: list[PredictedVertebra] = field(default_factory=list)


LEVEL_RULE = "along the spine, as the runtime assigns them (levels.py, the twin of levels.ts)"


def spine_found(curve: SpineCurve | None) -> bool:
    """As the app decides (analyze.ts): a centreline of at least two points. One slice of spine
    (the real 20-slice DICOM series) is "no spine found" there, and nothing is detected."""
    return curve is not None and len(curve.centreline_mm) >= 2


def run_pipeline(study: RealStudy, localizer: LocalizerFn, detector: DetectorFn) -> Prediction:
    """The runtime's steps on one volume."""
    x, grid = preprocess_localizer(study.values, study.geometry)
    center, presence = localizer(x)
    center = np.asarray(center).reshape(-1, 2)
    presence = np.asarray(presence).reshape(-1)
    curve = spine_curve(center, presence, grid)
    prediction = Prediction(grid, presence[: grid.shape_zyx[0]], curve)
    if not spine_found(curve):
        return prediction
    prediction.image, prediction.straightening, prediction.vertebrae = detect_along(study, curve.centreline_mm, detector)
    return prediction


def detect_along(study: RealStudy, centreline_mm: np.ndarray, detector: DetectorFn) -> tuple[np.ndarray, Straightening, list[PredictedVertebra]]:
    """The runtime's steps after the localizer (analyze.ts): detect along the line, then the
    second look (body_centre_line.py) along a line through the bodies found, when the card asks
    for it, two bodies steer it and it finds the same bodies as the first. Returns the image
    kept, its straightening and its vertebrae."""
    first = detect_once(study, centreline_mm, detector)
    line = second_look_line(centreline_mm, first[1], [v.points_px for v in first[2]], [v.points_mm for v in first[2]]) if C.SECOND_LOOK else None
    if line is not None:
        second = detect_once(study, line, detector)
        if same_bodies([v.points_mm for v in first[2]], [v.points_mm for v in second[2]]):
            return second
    return first


def detect_once(study: RealStudy, centreline_mm: np.ndarray, detector: DetectorFn) -> tuple[np.ndarray, Straightening, list[PredictedVertebra]]:
    """Straighten along the line, detect, decode, the rules after decoding, levels along the spine."""
    image, s = straighten_study_fast(study.values, study.geometry, centreline_mm)
    obj, kp, lvl = detector(preprocess_detector(image))
    detections = decode_detector(obj, kp, lvl, image_shape=image.shape)
    detections = one_column(detections_inside_scan(detections, s, study.geometry))
    names = [C.LEVEL_NAMES[i] if i is not None else None for i in detection_levels(detections, C.STRAIGHTEN_STEP_MM)]
    return image, s, [PredictedVertebra(name, pixels_to_points(s, d.points_px), d.points_px, d.score) for d, name in zip(detections, names)]


# --- figures --------------------------------------------------------------------------------


def centreline_at_z(centreline_mm: np.ndarray, z_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, 3) points of the centreline at the given z (linear along z) and whether each z lies
    within the centreline's extent."""
    c = np.asarray(centreline_mm, dtype=float)
    c = c[np.argsort(c[:, 2])]
    z = np.asarray(z_mm, dtype=float)
    points = np.stack([np.interp(z, c[:, 2], c[:, 0]), np.interp(z, c[:, 2], c[:, 1]), z], axis=1)
    return points, (z >= c[0, 2] - 1e-6) & (z <= c[-1, 2] + 1e-6)


def level_span_z(levels: LabelMap, body: LabelMap | None, names: Sequence[str]) -> tuple[float, float] | None:
    """(lowest, highest) patient z of the bodies of these levels (body ∩ level labels; the whole
    vertebra when there is no body map); None when none is in the volume."""
    wanted = [label for label, name in TOTALSEG_VERTEBRA_LABELS.items() if name in names]
    mask = np.isin(levels.labels, wanted)
    if body is not None:
        mask &= _same_grid(body, levels).labels == BODY_LABEL
    if not mask.any():
        return None
    z = levels.points_lps(mask)[:, 2]
    return float(z.min()), float(z.max())


def _same_grid(a: LabelMap, b: LabelMap) -> LabelMap:
    if a.labels.shape != b.labels.shape or not np.allclose(a.affine, b.affine, atol=1e-3):
        raise ValueError("body and level maps must share a grid")
    return a


def centreline_in_mask(centreline_mm: np.ndarray | None, mask_map: LabelMap, inside_labels: Sequence[int], z_span: tuple[float, float], present_labels: Sequence[int] | None = None) -> dict[str, Any]:
    """On every axial slice of the reference map within z_span (and, with present_labels, that
    holds one of them): is the centreline's point at that z inside `inside_labels`? A slice the
    centreline does not reach counts as outside. Also the in-plane distance from the point to
    the centre of the inside labels on that slice."""
    z_all = mask_map.slice_z_mm()
    ks = [k for k, z in enumerate(z_all) if z_span[0] - 1e-6 <= z <= z_span[1] + 1e-6]
    if present_labels is not None:
        ks = [k for k in ks if np.isin(mask_map.labels[:, :, k], present_labels).any()]
    if not ks:
        return {"slices": 0, "fraction": None, "meanDistanceToCentreMm": None}
    if centreline_mm is None or len(centreline_mm) == 0:
        return {"slices": len(ks), "fraction": 0.0, "meanDistanceToCentreMm": None}
    points, reached = centreline_at_z(centreline_mm, z_all[ks])
    inside = np.isin(mask_map.at(points), inside_labels) & reached
    distances = []
    for k, p, ok in zip(ks, points, reached):
        sl = np.zeros(mask_map.labels.shape, dtype=bool)
        sl[:, :, k] = np.isin(mask_map.labels[:, :, k], inside_labels)
        if ok and sl.any():
            centre = mask_map.points_lps(sl).mean(axis=0)
            distances.append(float(np.linalg.norm((p - centre)[:2])))
    return {"slices": len(ks), "fraction": float(inside.mean()), "meanDistanceToCentreMm": float(np.mean(distances)) if distances else None}


def reference_body_centroids(levels: LabelMap, body: LabelMap | None, names: Sequence[str]) -> dict[str, np.ndarray]:
    """LPS centroid of each named level's body (body ∩ level; whole vertebra without a body map)."""
    out = {}
    for label, name in TOTALSEG_VERTEBRA_LABELS.items():
        if name not in names:
            continue
        mask = levels.labels == label
        if body is not None:
            mask &= _same_grid(body, levels).labels == BODY_LABEL
        if mask.any():
            out[name] = levels.points_lps(mask).mean(axis=0)
    return out


def match_to_reference(predicted: Sequence[PredictedVertebra], references: Mapping[str, np.ndarray], max_distance_mm: float = LEVEL_MATCH_MM) -> dict[str, int | None]:
    """Reference level → index of the predicted vertebra whose centroid is nearest and within
    max_distance_mm, one to one (closest pairs first)."""
    pairs = sorted((float(np.linalg.norm(v.centroid_mm - c)), name, i) for name, c in references.items() for i, v in enumerate(predicted))
    out: dict[str, int | None] = {name: None for name in references}
    used: set[int] = set()
    for distance, name, i in pairs:
        if distance <= max_distance_mm and out[name] is None and i not in used:
            out[name] = i
            used.add(i)
    return out


def level_and_height_figures(predicted: Sequence[PredictedVertebra], references: Mapping[str, np.ndarray], report: Mapping[str, Mapping[str, float]], wanted: Sequence[str] = LUMBAR, tolerance_mm: float = HEIGHT_TOLERANCE_MM) -> dict[str, Any]:
    """Per wanted level: found (a detection at its body), the level it was given, its heights
    against the report's. Then: all found with the right level; height errors over the wanted
    levels' 3 heights each (a level not found counts as outside the tolerance)."""
    match = match_to_reference(predicted, references)
    per_level: dict[str, Any] = {}
    errors: list[float] = []
    within, total = 0, 0
    for name in wanted:
        i = match.get(name)
        entry: dict[str, Any] = {"found": i is not None}
        truth = report.get(name)
        if i is not None:
            v = predicted[i]
            heights = genant(v.points_mm)["heightsMm"]
            entry.update({"predictedLevel": v.level, "distanceMm": round(float(np.linalg.norm(v.centroid_mm - references[name])), 2),
                          "heightsMm": {k: round(h, 2) for k, h in heights.items()}})
        if truth:
            entry["reportHeightsMm"] = dict(truth)
            for side in ("anterior", "middle", "posterior"):
                if side not in truth:
                    continue
                total += 1
                if i is not None:
                    e = abs(entry["heightsMm"][side] - truth[side])
                    errors.append(e)
                    within += e <= tolerance_mm
            if i is not None:
                entry["heightErrorsMm"] = {s: round(abs(entry["heightsMm"][s] - truth[s]), 2) for s in ("anterior", "middle", "posterior") if s in truth}
        per_level[name] = entry
    return {
        "levelsFound": sum(1 for n in wanted if match.get(n) is not None),
        "levelsRight": sum(1 for n in wanted if match.get(n) is not None and predicted[match[n]].level == n),  # type: ignore[index]
        "allLevelsDetectedRight": all(match.get(n) is not None and predicted[match[n]].level == n for n in wanted if n in references),  # type: ignore[index]
        "heightMeanErrorMm": float(np.mean(errors)) if errors else None,
        "heightMaxErrorMm": float(np.max(errors)) if errors else None,
        "heightsWithinToleranceFraction": within / total if total else None,
        "heightToleranceMm": tolerance_mm,
        "perLevel": per_level,
    }


def detections_summary(prediction: Prediction) -> list[dict[str, Any]]:
    out = []
    for v in prediction.vertebrae:
        q = genant(v.points_mm)
        out.append({"level": v.level, "centroidMm": [round(float(x), 1) for x in v.centroid_mm], "genantRatio": round(q["genantRatio"], 3), "grade": q["grade"], "score": round(v.score, 3)})
    return out


def study_figures(study: RealStudy, prediction: Prediction) -> dict[str, Any]:
    """The figures of one real CT (see the module docstring); keys are the card's."""
    curve = prediction.curve
    found = spine_found(curve)
    out: dict[str, Any] = {
        "source": study.source,
        "intensity": study.intensity,
        "reference": study.reference,
        "spineFound": found,
        "limitsMm": list(curve.limits_mm) if found else None,
        "detectedLevels": [v.level for v in prediction.vertebrae],
        "levelRule": LEVEL_RULE,
        "detections": detections_summary(prediction),
    }
    centreline = curve.centreline_mm if found else None
    if study.body is not None and study.levels is not None:
        span = level_span_z(study.levels, study.body, LUMBAR)
        if span is not None:
            column = centreline_in_mask(centreline, study.body, (BODY_LABEL, DISC_LABEL), span)
            bodies = centreline_in_mask(centreline, study.body, (BODY_LABEL,), span, present_labels=(BODY_LABEL,))
            out["centrelineInBodyFraction"] = column["fraction"]
            out["centrelineInBodyFractionDefinition"] = "axial slices from the bottom of the L5 body to the top of the L1 body where the centreline's point lies in a vertebral body or the disc between two (labels 1, 2 of totalseg_vertebrae_body); goal ≥ 0.9"
            out["centrelineInBodyOnlyFraction"] = bodies["fraction"]
            out["centrelineToBodyCentreMeanMm"] = column["meanDistanceToCentreMm"]
            out["slicesL1ToL5"] = column["slices"]
        references = reference_body_centroids(study.levels, study.body, LUMBAR)
        out.update(level_and_height_figures(prediction.vertebrae, references, study.report_heights_mm))
    elif study.levels is not None:
        present = [label for label in TOTALSEG_VERTEBRA_LABELS if (study.levels.labels == label).any()]
        names = [TOTALSEG_VERTEBRA_LABELS[label] for label in present]
        span = level_span_z(study.levels, None, names)
        if span is not None:
            whole = centreline_in_mask(centreline, study.levels, present, span, present_labels=present)
            out["referenceLevels"] = names
            out["centrelineInVertebraFraction"] = whole["fraction"]
            out["centrelineInVertebraFractionDefinition"] = "axial slices holding a labelled vertebra where the centreline's point lies in it (whole vertebra: this series has no body mask)"
            out["slicesWithVertebra"] = whole["slices"]
    return out
