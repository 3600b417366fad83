"""Writers for phantom volumes: NIfTI (research tools) and a CT DICOM series (what users drop).

Both take the volume as an int16 HU array shaped (slices, rows, columns) = [slice][row][column]
and the geometry in the TypeScript `Volume` convention (src/core/volume.ts, DICOM LPS mm):
``{"dimensions": [columns, rows, slices], "spacingMm": [x, y, z], "originMm": [...],
"direction": {"column": [...], "row": [...], "slice": [...]}}`` where `originMm` is the centre of
voxel (0, 0, 0) and each direction is the unit LPS vector of increasing index.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

import numpy as np

Geometry = Mapping[str, Any]


def _axes(geometry: Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    d = geometry["direction"]
    column = np.asarray(d["column"], dtype=float)
    row = np.asarray(d["row"], dtype=float)
    slice_ = np.asarray(d["slice"], dtype=float)
    spacing = np.asarray(geometry["spacingMm"], dtype=float)
    origin = np.asarray(geometry["originMm"], dtype=float)
    return column, row, slice_, spacing, origin


def _check_shape(hu: np.ndarray, geometry: Geometry) -> None:
    columns, rows, slices = geometry["dimensions"]
    if hu.shape != (slices, rows, columns):
        raise ValueError(f"array shape {hu.shape} does not match geometry dimensions {geometry['dimensions']} (expected (slices, rows, columns))")


def lps_affine(geometry: Geometry) -> np.ndarray:
    """4×4 map from voxel (column, row, slice) to LPS mm."""
    column, row, slice_, spacing, origin = _axes(geometry)
    affine = np.eye(4)
    affine[:3, 0] = column * spacing[0]
    affine[:3, 1] = row * spacing[1]
    affine[:3, 2] = slice_ * spacing[2]
    affine[:3, 3] = origin
    return affine


def write_nifti(path: str | Path, hu: np.ndarray, geometry: Geometry) -> Path:
    """NIfTI-1 (gzip when the name ends in .gz). NIfTI's world is RAS, so x and y change sign."""
    import nibabel as nib

    _check_shape(hu, geometry)
    ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps_affine(geometry)
    # NIfTI stores i fastest: (columns, rows, slices) in Fortran order is our [slice][row][column].
    image = nib.Nifti1Image(np.asarray(hu, dtype=np.int16).transpose(2, 1, 0), ras)
    image.set_qform(ras, code=1)
    image.set_sform(ras, code=1)
    image.header.set_xyzt_units("mm")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(image, str(path))
    return path


def _uid(seed_text: str) -> str:
    """A deterministic UID under the 2.25 (UUID-derived) root, so the same seed gives the same study."""
    digest = hashlib.sha256(seed_text.encode()).digest()[:16]
    return "2.25." + str(int.from_bytes(digest, "big"))


def write_dicom_series(
    directory: str | Path,
    hu: np.ndarray,
    geometry: Geometry,
    *,
    identity: str,
    patient_name: str = "PHANTOM^SPINELENS",
    patient_id: str = "SL-PHANTOM",
    study_description: str = "SpineLens synthetic spine CT",
    series_description: str = "Synthetic CT",
    study_date: str = "20260101",
) -> list[Path]:
    """One CT Image Storage file per slice (explicit VR little endian, signed 16-bit HU).

    `identity` (e.g. "seed-7-chest") makes the study, series and instance UIDs reproducible.
    """
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID

    _check_shape(hu, geometry)
    column, row, slice_, spacing, origin = _axes(geometry)
    slices, rows, columns = hu.shape
    study_uid = _uid(f"{identity}/study")
    series_uid = _uid(f"{identity}/series")
    frame_uid = _uid(f"{identity}/frame")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for k in range(slices):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = _uid(f"{identity}/instance/{k}")
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        path = directory / f"IM{k + 1:05d}.dcm"
        ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "CT"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.Manufacturer = "SpineLens phantom generator"
        ds.PatientName = patient_name
        ds.PatientID = patient_id
        ds.PatientBirthDate = ""
        ds.PatientSex = "O"
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.StudyDate = study_date
        ds.SeriesDate = study_date
        ds.StudyTime = "120000"
        ds.StudyDescription = study_description
        ds.SeriesDescription = series_description
        ds.SeriesNumber = 1
        ds.AcquisitionNumber = 1
        ds.InstanceNumber = k + 1
        position = origin + slice_ * spacing[2] * k
        ds.ImagePositionPatient = [_ds(v) for v in position]
        ds.ImageOrientationPatient = [_ds(v) for v in (*column, *row)]
        ds.SliceLocation = _ds(float(np.dot(position, slice_)))
        ds.SliceThickness = _ds(spacing[2])
        # DICOM orders PixelSpacing as (between rows, between columns).
        ds.PixelSpacing = [_ds(spacing[1]), _ds(spacing[0])]
        ds.Rows = rows
        ds.Columns = columns
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = "0"
        ds.RescaleSlope = "1"
        ds.RescaleType = "HU"
        ds.WindowCenter = "400"
        ds.WindowWidth = "1800"
        ds.PixelData = np.ascontiguousarray(hu[k], dtype="<i2").tobytes()
        ds.save_as(str(path), write_like_original=False)
        written.append(path)
    return written


def _ds(value: float) -> str:
    """A DS value (at most 16 characters) that keeps sub-micrometre precision."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text if len(text) <= 16 else f"{float(value):.9g}"

