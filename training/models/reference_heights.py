"""How tall the real abdomen's vertebral-body mask is, beside the heights its report gives.

    cd training && /usr/bin/python3 -m models.reference_heights [--shared ../../shared]

The real-CT height figures of issue 4 compare the detector with spine_report.json, which
TotalSegmentator derived from its own body mask (spine_report/totalseg_vertebrae_body.nii.gz,
3 mm voxels, label 1 = body); how it measured is not written down. This reads the mask itself:
for L1-L5 (levels from example_seg_fast_force_split.nii.gz), in the sagittal plane through the
body's median column, the mask's extent along the scanner's z axis at every anterior-posterior
position, and from that profile anterior, middle and posterior heights: the mean over the three
positions next to each wall (counting only positions at least half as tall as the tallest, so a
wall's partial-volume rim is left out) and over the three in the middle. Only the mask and
the report are read; no model runs.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .real_ct import LUMBAR, TOTALSEG_VERTEBRA_LABELS, _nifti, read_report_heights

DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared"
BODY_LABEL = 1
WALL_POSITIONS = 3


def mask_profile_mm(body: np.ndarray, spacing_z_mm: float) -> np.ndarray:
    """z extent (mm) at each y of the sagittal plane through the median x, posterior first
    (RAS arrays: y grows anteriorly)."""
    xs = np.nonzero(body)[0]
    plane = body[int(round(float(np.median(xs))))]  # (y, z)
    ys = np.flatnonzero(plane.any(axis=1))
    return plane[ys.min():ys.max() + 1].sum(axis=1) * spacing_z_mm


def heights_from_profile(profile_mm: np.ndarray) -> dict[str, float]:
    tall = np.flatnonzero(profile_mm >= profile_mm.max() / 2)
    k = WALL_POSITIONS
    middle = len(profile_mm) // 2
    return {
        "anterior": float(np.mean(profile_mm[tall[-k:]])),
        "middle": float(np.mean(profile_mm[max(middle - 1, 0):middle + 2])),
        "posterior": float(np.mean(profile_mm[tall[:k]])),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = p.parse_args()
    root = args.shared / "data" / "real" / "totalsegmentator-abdomen"
    body, affine = _nifti(root / "spine_report" / "totalseg_vertebrae_body.nii.gz")
    import nibabel as nib

    if nib.aff2axcodes(affine) != ("R", "A", "S"):
        raise SystemExit(f"expected the mask in RAS voxel order, found {nib.aff2axcodes(affine)}")
    levels, _ = _nifti(root / "example_seg_fast_force_split.nii.gz")
    spacing_z = float(np.linalg.norm(affine[:3, 2]))
    report = read_report_heights(root / "spine_report" / "spine_report.json")
    label_of = {name: label for label, name in TOTALSEG_VERTEBRA_LABELS.items()}
    print("level  report a / m / p (mm)   mask a / m / p (mm)    mask profile posterior -> anterior (mm)")
    for level in LUMBAR:
        mask = (body == BODY_LABEL) & (levels == label_of[level])
        profile = mask_profile_mm(mask, spacing_z)
        h = heights_from_profile(profile)
        r = report[level]
        print(f"{level:5s}  {r['anterior']:5.1f} {r['middle']:5.1f} {r['posterior']:5.1f}      "
              f"{h['anterior']:5.1f} {h['middle']:5.1f} {h['posterior']:5.1f}      "
              + " ".join(f"{v:.0f}" for v in profile))


if __name__ == "__main__":
    main()
