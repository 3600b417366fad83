"""The gallery's drawing parts (no phantoms generated here: `npm run gallery` makes the real thing)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from phantom import gallery as G


def _subject(name: str = "tiny") -> G.Subject:
    rng = np.random.default_rng(0)
    hu = rng.normal(40, 20, size=(30, 60, 60)).astype(np.float32)
    hu[:, :5] = -1000  # air in front
    hu[:, 30:40, 25:35] = 300  # a "body"
    hu[:, 10:25, 5:20] = -850  # a "lung"
    s = G.Subject(name, hu, (2.0, 2.0, 3.0), (15, 35, 30))
    s.masks["bone"] = hu > 250
    G.tissue_masks(s)
    return s


def test_text_is_drawn_in_the_5x7_font() -> None:
    img = np.zeros((9, 40), np.uint8)
    G.draw_text(img, "T12 ok", 1, 1)
    assert img.any() and img[0].max() == 0 and img[8].max() == 0  # seven rows high, inside the margins
    assert np.array_equal(img[1:8, 1:6] > 0, G.FONT["T"])


def test_sheets_and_plots_without_real_data(tmp_path: Path) -> None:
    real, notes = G.real_subjects(tmp_path / "no-shared")
    assert real == [] and "absent" in notes[0]
    s = _subject()
    for which in ("sagittal", "coronal", "axial", "closeup"):
        img = G.sheet([s], which, "bone", n_phantoms=1)
        assert img.dtype == np.uint8 and img.shape == (12 + G.BOX + 10 + 4, G.BOX)
    assert s.masks["soft"].any() and s.masks["lung"].sum() == 15 * 15 * 30  # 81 ml at -850 HU: lung
    hist = G.histograms([s], [])
    png = G.plot("bone", hist["bone"])
    assert png.shape[2] == 3 and (png != 20).any()


def test_hip_sheet_cuts_through_the_femoral_heads_and_the_axial_view_is_radiological() -> None:
    femur = np.zeros((40, 8, 8), bool)
    femur[5:31, 2:6, 2:6] = True  # slices 5-30 (inferior first), 2 mm slices: top at slice 30
    assert G._hip_slice(femur, 2.0) == 30 - 10  # 20 mm under the top
    assert G._hip_slice(np.zeros((40, 8, 8), bool), 2.0) is None
    s = _subject()
    s.hu[:, :, :30] = 500  # the patient's right half (columns run towards the left, +x)
    s.hip_k = 3
    img = G.view(s, "hips")
    assert img[img.shape[0] // 2, 2] == 500 and img[img.shape[0] // 2, -3] < 500  # the right on the viewer's left
    assert G.sheet([s], "hips", "bone", n_phantoms=1).shape == (12 + G.BOX + 10 + 4, G.BOX)
