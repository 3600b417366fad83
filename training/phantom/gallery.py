"""Gallery: phantoms beside the real CTs of ../shared/data/real, same scale, same window.

    npm run gallery            # = cd training && /usr/bin/python3 -m phantom.gallery

writes small PNGs into training/phantom/gallery/ (committed, linked from training/README.md):

- `sagittal-bone.png`, `sagittal-soft.png`, `coronal-*.png`, `axial-*.png`: one panel per
  subject, phantoms first (chest, abdomen, thoracolumbar, cervical), then the real CTs;
  mid-sagittal and coronal through the vertebral bodies, axial through a body; all resampled to
  the same 1.5 mm per pixel; bone window W1800/L400, soft tissue W400/L40. The LIDC chest is
  stored already windowed to 0..255 (not HU): it is shown as stored, in its own units, and
  labelled so. `closeup-bone.png`: the axial slice 120 mm around a vertebral body at 0.5 mm
  per pixel (bone texture, cortex, partial volume).
- `hips-bone.png`: the axial slice 20 mm under the femurs' top (about the femoral heads'
  centres), for the phantoms whose scan reaches them (and abdomen seed 7) and the real abdomen.
- `histograms.png`: HU histograms of vertebral body bone, soft tissue and lung, phantoms
  (pooled, at their own resolution and block-averaged to 3 mm) against the real CTs.
- `gallery.json`: what each panel is (source, spacing, slice positions) and the masks' sizes.

Real CTs are optional: without ../shared/data/real (or --shared pointing elsewhere) the real
panels are left out and the output says so. The 20-slice JPEG 2000 DICOM series is shown only
where pydicom can decode JPEG 2000 here (it needs Pillow with OpenJPEG, pylibjpeg or GDCM).
Labels are drawn with a tiny built-in 5×7 bitmap font (no PIL).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import ndimage

from . import labels as L
from .generator import GENERATOR_VERSION, generate
from .preview import WINDOWS, window, write_png

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared"
PX_MM = 1.5  # display scale of every panel
BOX = 240  # panel size in pixels (360 mm)
HIP_BELOW_TOP_MM = 20.0  # the hips sheet: this far under the femurs' top
CLOSE_MM = 120.0  # the axial close-up of a vertebral body: 120 mm wide, 0.5 mm per pixel
SEEDS = (("chest", 1), ("abdomen", 2), ("thoracolumbar", 3), ("cervical", 4))
HIP_EXTRA = ("abdomen", 7)  # reaches the hips, no implant

# ---------------------------------------------------------------------------------- 5x7 font
_FONT_ROWS = {
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
    " ": "00000 00000 00000 00000 00000 00000 00000", "-": "00000 00000 00000 11111 00000 00000 00000",
    ".": "00000 00000 00000 00000 00000 01100 01100", ":": "00000 01100 01100 00000 01100 01100 00000",
    "/": "00001 00001 00010 00100 01000 10000 10000", "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000", "=": "00000 00000 11111 00000 11111 00000 00000",
    ",": "00000 00000 00000 00000 01100 00100 01000", "+": "00000 00100 00100 11111 00100 00100 00000",
    "%": "11000 11001 00010 00100 01000 10011 00011", "_": "00000 00000 00000 00000 00000 00000 11111",
}
FONT = {ch: np.array([[c == "1" for c in row] for row in rows.split()], bool) for ch, rows in _FONT_ROWS.items()}


def draw_text(img: np.ndarray, text: str, row: int, col: int, colour=255, scale: int = 1) -> None:
    """Writes `text` (upper-cased) with its top-left corner at (row, col); clipped at the edges."""
    for k, ch in enumerate(text.upper()):
        glyph = FONT.get(ch, FONT[" "])
        if scale > 1:
            glyph = np.kron(glyph, np.ones((scale, scale), bool))
        r0, c0 = row, col + k * 6 * scale
        h = min(glyph.shape[0], img.shape[0] - r0)
        w = min(glyph.shape[1], img.shape[1] - c0)
        if h <= 0 or w <= 0 or r0 < 0 or c0 < 0:
            continue
        region = img[r0:r0 + h, c0:c0 + w]
        region[glyph[:h, :w]] = colour


# ---------------------------------------------------------------------------------- subjects
@dataclass
class Subject:
    """A volume as [slice][row][column] with slices running inferior -> superior, rows
    anterior -> posterior, columns right -> left (LPS axes), and where to cut it."""

    name: str  # panel label
    hu: np.ndarray  # HU (int16 or float32), or uint8 units when `units` says so
    spacing: tuple[float, float, float]  # (column, row, slice) mm
    centre: tuple[int, int, int]  # (slice, row, column): axial slice, coronal row, sagittal column
    units: str = "HU"
    note: str = ""
    masks: dict = field(default_factory=dict)  # tissue -> bool array (histograms)
    body_rc: tuple[int, int] | None = None  # (row, column) of a vertebral body in the axial slice
    hip_k: int | None = None  # the axial slice through the femoral heads, when the scan holds them


def _lps(data: np.ndarray, affine: np.ndarray) -> tuple[np.ndarray, tuple[float, float, float]]:
    """A NIfTI array (any orientation) as [S][P][L] with slices inferior -> superior."""
    import nibabel as nib

    ornt = nib.orientations.io_orientation(affine)
    xform = nib.orientations.ornt_transform(ornt, nib.orientations.axcodes2ornt(("L", "P", "S")))
    arr = nib.orientations.apply_orientation(data, xform)
    zooms = np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
    sp = [0.0, 0.0, 0.0]
    for src, (dst, _) in enumerate(xform):
        sp[int(dst)] = float(zooms[src])
    return np.ascontiguousarray(arr.transpose(2, 1, 0)), (sp[0], sp[1], sp[2])


def phantom_subject(preset: str, seed: int) -> Subject:
    ph = generate(seed, preset)
    g = ph.geometry
    hu, lab = ph.hu, ph.labels
    if g.direction[2][2] < 0:
        hu, lab = hu[::-1], lab[::-1]
    o = np.array(g.origin_mm, float)
    if g.direction[2][2] < 0:
        o[2] -= (hu.shape[0] - 1) * g.spacing_mm[2]
    verts = ph.ground_truth["vertebrae"]
    cent = np.array([v["centroidMm"] for v in verts])
    mid = cent[len(cent) // 2]
    ijk = np.round((np.array([np.median(cent[:, 0]), np.median(cent[:, 1]), mid[2]]) - o) / np.array(g.spacing_mm)).astype(int)
    ijk = np.clip(ijk, 0, np.array(hu.shape[::-1]) - 1)
    acq = ph.ground_truth["acquisition"]
    sp = g.spacing_mm
    body = np.round((mid - o) / np.array(sp)).astype(int)
    subject = Subject(f"phantom {preset} seed {seed}", hu, tuple(sp), (int(ijk[2]), int(ijk[1]), int(ijk[0])),
                      note=f"{sp[0]:.2f}x{sp[1]:.2f}x{sp[2]:.2f} mm, kernel {acq['kernel']}, noise {acq['noiseHu']} HU, "
                           f"levels {verts[0]['level']}-{verts[-1]['level']}")
    subject.body_rc = (int(body[1]), int(body[0]))
    subject.masks["bone"] = (lab >= 1) & (lab <= L.MAX_VERTEBRAE)
    subject.masks["lung_label"] = lab == L.LUNG  # for gallery.json: how the HU rule compares
    subject.hip_k = _hip_slice(lab == L.FEMUR, sp[2])
    return subject


def _hip_slice(femur: np.ndarray, slice_mm: float) -> int | None:
    """The axial slice HIP_BELOW_TOP_MM under the femurs' top (about the femoral heads' centres),
    or None when the scan holds no femur."""
    ks = np.flatnonzero(femur.any(axis=(1, 2)))
    if len(ks) == 0 or ks[-1] - ks[0] < HIP_BELOW_TOP_MM / slice_mm:
        return None
    return int(ks[-1] - round(HIP_BELOW_TOP_MM / slice_mm))


def real_subjects(shared: Path) -> tuple[list[Subject], list[str]]:
    import nibabel as nib

    real = shared / "data" / "real"
    subjects, notes = [], []
    if not real.is_dir():
        return [], [f"no real CTs: {real} is absent, real panels and histograms left out"]

    # TotalSegmentator abdomen: HU, 3 mm, with a vertebral-body mask
    ts = real / "totalsegmentator-abdomen"
    if (ts / "example_ct.nii.gz").exists():
        img = nib.load(str(ts / "example_ct.nii.gz"))
        hu, sp = _lps(np.asarray(img.dataobj, np.float32), img.affine)
        s = Subject("real abdomen 3 mm (TotalSegmentator)", hu, sp, (0, 0, 0), note="122x101x112 at 3 mm, HU")
        body_path = ts / "spine_report" / "totalseg_vertebrae_body.nii.gz"
        if body_path.exists():
            m = nib.load(str(body_path))
            mask, _ = _lps(np.asarray(m.dataobj), m.affine)
            s.masks["bone"] = mask == 1
            kk, jj, ii = np.nonzero(mask == 1)
            zs = np.unique(kk)
            s.centre = (int(zs[len(zs) // 2]), int(np.median(jj)), int(np.median(ii)))
            on = kk == s.centre[0]
            s.body_rc = (int(np.median(jj[on])), int(np.median(ii[on])))
        else:
            notes.append("abdomen: no vertebral-body mask, bone histogram left out")
            s.centre = tuple(int(n // 2) for n in hu.shape)  # type: ignore[assignment]
        seg_path = ts / "example_seg_fast_force_split.nii.gz"
        if seg_path.exists():  # TotalSegmentator's classes 75/76: femur left/right (class_map excerpt)
            m = nib.load(str(seg_path))
            seg, _ = _lps(np.asarray(m.dataobj), m.affine)
            s.hip_k = _hip_slice(np.isin(seg, (75, 76)), sp[2])
        subjects.append(s)
    else:
        notes.append("totalsegmentator-abdomen/example_ct.nii.gz absent")

    # the 20-slice JPEG 2000 DICOM series, if pydicom can decode it here
    dcm_dir = ts / "example_ct_dicom"
    if dcm_dir.is_dir():
        try:
            import pydicom
            from pydicom.pixel_data_handlers.util import apply_modality_lut

            dss = [pydicom.dcmread(str(p)) for p in sorted(dcm_dir.iterdir()) if p.is_file()]
            dss.sort(key=lambda d: float(d.ImagePositionPatient[2]))
            if [float(x) for x in dss[0].ImageOrientationPatient] != [1, 0, 0, 0, 1, 0]:
                raise ValueError("unexpected orientation")
            hu = np.stack([apply_modality_lut(d.pixel_array, d).astype(np.float32) for d in dss])
            dz = float(np.median(np.diff([float(d.ImagePositionPatient[2]) for d in dss])))
            sp = (float(dss[0].PixelSpacing[1]), float(dss[0].PixelSpacing[0]), dz)
            s = Subject("real DICOM 20 slices T11-T12", hu, sp, (0, 0, 0), note=f"512x512x{len(dss)}, "
                        f"{sp[0]:.3f} mm, {dz:g} mm slices, JPEG 2000, HU")
            seg = ts / "example_seg_dicom.nii.gz"
            if seg.exists():
                m = nib.load(str(seg))
                mask, _ = _lps(np.asarray(m.dataobj), m.affine)
                cj = ts / "derived_vertebra_centroids_example_ct_dicom.json"
                vert_labels = [v["label"] for v in json.loads(cj.read_text())["vertebrae"]] if cj.exists() else [32, 33]
                if mask.shape == hu.shape:  # all TotalSegmentator classes: keep the vertebrae
                    kk, jj, ii = np.nonzero(np.isin(mask, vert_labels))
                    s.centre = (hu.shape[0] // 2, int(np.percentile(jj, 25)), int(np.median(ii)))
                    s.body_rc = (int(np.percentile(jj, 20)), int(np.median(ii)))
            if s.centre == (0, 0, 0):
                s.centre = (hu.shape[0] // 2, hu.shape[1] // 2, hu.shape[2] // 2)
            subjects.append(s)
        except Exception as err:  # no JPEG 2000 decoder in this Python
            notes.append(f"example_ct_dicom (JPEG 2000) not shown: pydicom cannot decode it here ({type(err).__name__}: "
                         f"{str(err).splitlines()[0][:120]})")

    # LIDC chest: windowed to 0..255, not HU
    lidc = real / "lidc2-chest-uint8" / "LIDC2_uint8.nii.gz"
    if lidc.exists():
        img = nib.load(str(lidc))
        arr, sp = _lps(np.asarray(img.dataobj, np.float32), img.affine)
        centre = _spine_centre_uint8(arr)
        subjects.append(Subject("real chest LIDC uint8 as stored", arr, sp, centre, units="uint8 0-255 (not HU)",
                                note="256x256x133, 1.406 mm, 2.5 mm slices, already windowed 0..255"))
    else:
        notes.append("lidc2-chest-uint8 absent")
    return subjects, notes


def _spine_centre_uint8(arr: np.ndarray) -> tuple[int, int, int]:
    """Where the spine is in a windowed chest volume: the bright bone near the posterior midline."""
    k = arr.shape[0] // 2
    n_r, n_c = arr.shape[1], arr.shape[2]
    band = arr[:, :, n_c // 2 - n_c // 8: n_c // 2 + n_c // 8]
    bright = band > np.percentile(band, 99)
    rows = np.nonzero(bright.any(axis=(0, 2)))[0]
    rows = rows[rows > n_r // 2] if np.any(rows > n_r // 2) else rows
    cols = np.nonzero(bright[:, rows].any(axis=(0, 1)))[0] + n_c // 2 - n_c // 8
    return k, int(np.median(rows)) if len(rows) else n_r // 2, int(np.median(cols)) if len(cols) else n_c // 2


# ---------------------------------------------------------------------------------- panels
def _resample(img: np.ndarray, row_mm: float, col_mm: float) -> np.ndarray:
    """To PX_MM per pixel (Gaussian anti-aliasing where an axis shrinks, then linear)."""
    f = np.array([PX_MM / row_mm, PX_MM / col_mm])
    sigma = np.where(f > 1, (f - 1) / 2, 0)
    if np.any(sigma > 0):
        img = ndimage.gaussian_filter(img, sigma)
    shape = np.maximum(1, np.round(np.array(img.shape) / f)).astype(int)
    return ndimage.zoom(img, shape / np.array(img.shape), order=1, mode="nearest")


def _box(img: np.ndarray, fill: float) -> np.ndarray:
    """Centre-crop or pad to BOX x BOX."""
    out = np.full((BOX, BOX), fill, np.float32)
    h, w = img.shape
    sr, sc = max(0, (h - BOX) // 2), max(0, (w - BOX) // 2)
    img = img[sr:sr + BOX, sc:sc + BOX]
    h, w = img.shape
    r0, c0 = (BOX - h) // 2, (BOX - w) // 2
    out[r0:r0 + h, c0:c0 + w] = img
    return out


def view(subject: Subject, which: str) -> np.ndarray:
    """Sagittal (superior up, anterior left), coronal and axial (patient right on the viewer's
    left, anterior up), each at PX_MM."""
    k, j, i = subject.centre
    sx, sy, sz = subject.spacing
    hu = subject.hu
    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731  (only the 2D cut, not the volume)
    if which == "sagittal":
        return _resample(f32(hu[::-1, :, i]), sz, sy)
    if which == "hips":
        assert subject.hip_k is not None
        return _resample(f32(hu[subject.hip_k, :, :]), sy, sx)
    if which == "coronal":
        return _resample(f32(hu[::-1, j, :]), sz, sx)
    # columns run towards the patient's left (+x): as they are, the patient's right is on the left
    return _resample(f32(hu[k, :, :]), sy, sx)


def closeup(subject: Subject) -> np.ndarray:
    """The axial slice around a vertebral body, CLOSE_MM wide, at CLOSE_PX_MM per pixel."""
    k, j, i = subject.centre
    r, c = subject.body_rc or (j, i)
    sx, sy, _ = subject.spacing
    half_r, half_c = int(CLOSE_MM / 2 / sy), int(CLOSE_MM / 2 / sx)
    cut = np.full((2 * half_r + 1, 2 * half_c + 1), -3000.0 if subject.units == "HU" else 0.0, np.float32)
    r0, c0 = r - half_r, c - half_c
    src = subject.hu[k, max(0, r0):r + half_r + 1, max(0, c0):c + half_c + 1]
    cut[max(0, r0) - r0:max(0, r0) - r0 + src.shape[0], max(0, c0) - c0:max(0, c0) - c0 + src.shape[1]] = src
    shape = (BOX, BOX)
    return ndimage.zoom(cut, np.array(shape) / np.array(cut.shape), order=1, mode="nearest")


def panel(subject: Subject, which: str, win: str) -> np.ndarray:
    img = closeup(subject) if which == "closeup" else view(subject, which)
    if subject.units == "HU":
        w, lvl = WINDOWS[win]
        grey = window(_box(img, -3000.0), w, lvl)
    else:
        grey = np.clip(_box(img, 0.0), 0, 255).astype(np.uint8)
    out = np.zeros((BOX + 10, BOX), np.uint8)
    out[10:] = grey
    draw_text(out, subject.name[:40], 1, 1, 255)
    return out


def sheet(subjects: list[Subject], which: str, win: str, n_phantoms: int) -> np.ndarray:
    """One row of phantoms, one row of real CTs (when any), a title strip on top."""
    rows = [subjects[:n_phantoms], subjects[n_phantoms:]]
    n_cols = max(len(r) for r in rows)
    gap = 4
    title_h = 12
    h = title_h + sum(BOX + 10 + gap for r in rows if r)
    w = n_cols * (BOX + gap) - gap
    img = np.full((h, w), 40, np.uint8)
    w_, l_ = WINDOWS[win]
    scale = f"{PX_MM} mm" if which != "closeup" else f"{CLOSE_MM / BOX:g} mm (axial, {CLOSE_MM:g} mm around a body)"
    draw_text(img, f"{which} - {win} window W{w_:g} L{l_:g} - phantoms (top) vs real CT (bottom) - {scale} per pixel",
              2, 2, 255)
    r0 = title_h
    for row in rows:
        if not row:
            continue
        for c, s in enumerate(row):
            img[r0:r0 + BOX + 10, c * (BOX + gap): c * (BOX + gap) + BOX] = panel(s, which, win)
        r0 += BOX + 10 + gap
    return img


# ---------------------------------------------------------------------------------- histograms
BINS = {"bone": np.arange(-200, 1401, 25.0), "soft": np.arange(-200, 201, 5.0), "lung": np.arange(-1050, -349, 10.0)}
TITLES = {"bone": "vertebral body HU", "soft": "soft tissue HU (-200..200, body, not bone)", "lung": "lung HU"}


def _body(hu: np.ndarray) -> np.ndarray:
    """The patient: the largest connected part above -400 HU, holes filled slice by slice."""
    lab, n = ndimage.label(hu > -400)
    if n == 0:
        return np.zeros(hu.shape, bool)
    sizes = np.bincount(lab.ravel())[1:]
    body = lab == (1 + int(np.argmax(sizes)))
    return np.stack([ndimage.binary_fill_holes(s) for s in body])


def tissue_masks(s: Subject) -> None:
    """Soft tissue and lung by the same HU rules for phantoms and real CTs."""
    hu = s.hu
    body = _body(hu)
    bone = ndimage.binary_dilation(hu > 300, iterations=1)
    s.masks["soft"] = body & (hu >= -200) & (hu <= 200) & ~bone
    air = body & (hu < -400)
    lab, n = ndimage.label(air)
    lung = np.zeros(hu.shape, bool)
    voxel_ml = float(np.prod(s.spacing)) / 1000.0
    for idx, sl in enumerate(ndimage.find_objects(lab), start=1):
        comp = lab[sl] == idx
        if comp.sum() * voxel_ml < 50:
            continue
        vals = hu[sl][comp]
        if np.median(vals) < -930:  # gas (bowel, airway) is about -1000 (-970 at 3 mm); lung -750..-880
            continue
        lung[sl] |= comp
    s.masks["lung"] = lung


def _block3(hu: np.ndarray, mask: np.ndarray, spacing, majority: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Block-average to about 3 mm voxels; a block counts where the mask covers all of it, or
    (`majority`) at least half of it, as a 3 mm segmentation would label it."""
    f = [max(1, int(round(3.0 / spacing[a]))) for a in (2, 1, 0)]
    n = [hu.shape[a] // f[a] for a in range(3)]
    crop = tuple(slice(0, n[a] * f[a]) for a in range(3))
    shp = (n[0], f[0], n[1], f[1], n[2], f[2])
    h = hu[crop].reshape(shp).mean(axis=(1, 3, 5), dtype=np.float32)
    blocks = mask[crop].reshape(shp)
    m = blocks.mean(axis=(1, 3, 5), dtype=np.float32) >= 0.5 if majority else blocks.all(axis=(1, 3, 5))
    return h, m


def _density(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    counts, _ = np.histogram(values, bins)
    return counts / max(1, counts.sum()) / np.diff(bins)


def histograms(phantoms: list[Subject], real: list[Subject]) -> dict:
    out = {}
    for tissue, bins in BINS.items():
        lines = []
        pv = [s.hu[s.masks[tissue]] for s in phantoms if tissue in s.masks and s.masks[tissue].any()]
        if pv:
            lines.append(("phantoms native", np.concatenate(pv)))
            # the real bone mask is a 3 mm segmentation (a voxel is body where most of it is): the
            # phantoms' body labels are taken the same way; tissue masks by HU need whole blocks
            blocks = [_block3(s.hu, s.masks[tissue], s.spacing, majority=tissue == "bone")
                      for s in phantoms if s.masks[tissue].any()]
            lines.append(("phantoms at 3 mm", np.concatenate([h[m] for h, m in blocks])))
        for s in real:
            if s.units == "HU" and tissue in s.masks and s.masks[tissue].sum() > 100:
                lines.append((s.name.split(" (")[0], s.hu[s.masks[tissue]]))
        out[tissue] = [(name, _density(v, bins), int(v.size), float(np.median(v)), float(np.std(v)),
                        [float(q) for q in np.percentile(v, (10, 25, 75, 90))]) for name, v in lines]
    return out


COLOURS = [(255, 170, 60), (255, 235, 150), (90, 200, 255), (120, 255, 140), (255, 120, 200)]


def _line(img: np.ndarray, r0: float, c0: float, r1: float, c1: float, colour) -> None:
    n = int(max(abs(r1 - r0), abs(c1 - c0))) + 1
    rr = np.clip(np.round(np.linspace(r0, r1, n + 1)).astype(int), 0, img.shape[0] - 1)
    cc = np.clip(np.round(np.linspace(c0, c1, n + 1)).astype(int), 0, img.shape[1] - 1)
    img[rr, cc] = colour


def plot(tissue: str, lines: list, w: int = 300, h: int = 190) -> np.ndarray:
    """A small line plot of densities over HU, with axis ticks and a legend."""
    img = np.full((h, w, 3), 20, np.uint8)
    left, right, top, bottom = 8, w - 8, 14, h - 48
    bins = BINS[tissue]
    draw_text(img, TITLES[tissue], 2, left, (255, 255, 255))
    img[top:bottom + 1, left] = 110
    img[bottom, left:right + 1] = 110
    x_of = lambda hu: left + (hu - bins[0]) / (bins[-1] - bins[0]) * (right - left)  # noqa: E731
    span = bins[-1] - bins[0]
    step = 200 if span > 1000 else (100 if span > 500 else 50)
    for t in np.arange(np.ceil(bins[0] / step) * step, bins[-1] + 1, step):
        x = int(round(x_of(t)))
        img[bottom:bottom + 3, x] = 160
        label = f"{int(t)}"
        draw_text(img, label, bottom + 4, max(0, min(w - 6 * len(label), x - 3 * len(label))), (170, 170, 170))
    peak = max((float(d.max()) for _, d, *_ in lines), default=1.0) or 1.0
    centres = (bins[:-1] + bins[1:]) / 2
    for n, (name, dens, count, med, sd, _) in enumerate(lines):
        colour = COLOURS[n % len(COLOURS)]
        ys = bottom - dens / peak * (bottom - top - 2)
        xs = x_of(centres)
        for a in range(len(xs) - 1):
            _line(img, ys[a], xs[a], ys[a + 1], xs[a + 1], colour)
        draw_text(img, f"{name[:22]} med {med:.0f} sd {sd:.0f}", bottom + 13 + 8 * n, left, colour)
    if not lines:
        draw_text(img, "no data", h // 2, w // 2 - 21, (200, 200, 200))
    return img


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="npm run gallery --", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(HERE / "gallery"), help="output folder (default training/phantom/gallery)")
    ap.add_argument("--shared", default=str(DEFAULT_SHARED), help="the shared folder with data/real (default ../shared)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    phantoms = []
    for preset, seed in SEEDS:
        t = time.perf_counter()
        phantoms.append(phantom_subject(preset, seed))
        print(f"phantom {preset} seed {seed}: {phantoms[-1].hu.shape} in {time.perf_counter() - t:.1f} s")
    real, notes = real_subjects(Path(args.shared))
    for note in notes:
        print(f"note: {note}")
    for s in phantoms + real:
        if s.units == "HU":
            tissue_masks(s)

    written = []
    subjects = phantoms + real
    sheets = [(v, w) for v in ("sagittal", "coronal", "axial") for w in ("bone", "soft")] + [("closeup", "bone")]
    for which, win in sheets:
        path = out / f"{which}-{win}.png"
        write_png(path, sheet(subjects, which, win, len(phantoms)))
        written.append(path)
    # the hip joints (the real abdomen's right hip read as spine until phantom-0.16): the
    # subjects whose scan holds the femoral heads, plus one more abdomen phantom reaching them
    hip_phantoms = [p for p in phantoms if p.hip_k is not None] + [phantom_subject(*HIP_EXTRA)]
    hip_real = [r for r in real if r.hip_k is not None]
    path = out / "hips-bone.png"
    write_png(path, sheet(hip_phantoms + hip_real, "hips", "bone", len(hip_phantoms)))
    written.append(path)
    hist = histograms(phantoms, real)
    plots = [plot(t, hist[t]) for t in ("bone", "soft", "lung")]
    write_png(out / "histograms.png", np.concatenate([np.pad(p, ((0, 0), (0, 4), (0, 0))) for p in plots], axis=1))
    written.append(out / "histograms.png")

    info = {
        "generatorVersion": GENERATOR_VERSION,
        "pixelMm": PX_MM,
        "windows": {k: {"width": w, "level": lv} for k, (w, lv) in WINDOWS.items()},
        "panels": [{"name": s.name, "units": s.units, "note": s.note, "spacingMm": [round(x, 4) for x in s.spacing],
                    "shape": list(s.hu.shape), "centreSliceRowColumn": list(s.centre),
                    "maskVoxels": {k: int(m.sum()) for k, m in s.masks.items()}} for s in subjects],
        "histograms": {t: [{"line": name, "voxels": n, "medianHu": round(med, 1), "sdHu": round(sd, 1),
                            "p10Hu": round(q[0], 1), "p25Hu": round(q[1], 1), "p75Hu": round(q[2], 1), "p90Hu": round(q[3], 1)}
                           for name, _, n, med, sd, q in lines] for t, lines in hist.items()},
        "notes": notes,
    }
    (out / "gallery.json").write_text(json.dumps(info, indent=2) + "\n")
    for p in written:
        print(f"wrote {p} ({p.stat().st_size / 1e3:.0f} KB)")
    print(f"wrote {out / 'gallery.json'}; total {sum(p.stat().st_size for p in written) / 1e6:.2f} MB "
          f"in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
