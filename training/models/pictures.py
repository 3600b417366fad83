"""A picture of the pipeline's prediction on one CT, small enough for a model card (< 150 KB).

Three panels at 1 mm per pixel, bone window, superior at the top:
- curved coronal: through the predicted centreline (each row at the centreline's y for its z),
  patient right on the left; the centreline in green between the limits (yellow ticks);
- curved sagittal: the same through the centreline's x, anterior on the left;
- the straightened mid-sagittal image the detector saw, with the six predicted points of each
  vertebra (red outline) and its level.
Reference body centres, where a study has them, are cyan crosses; predicted vertebra centres
are red dots in the two curved views.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from PIL import Image, ImageDraw

from contract.straighten import sample_trilinear

from . import conventions as C
from .real_ct import Prediction, centreline_at_z

WINDOW_HU = (-400.0, 1400.0)  # bone window W1800 L500
MM_PER_PIXEL = 1.0
MAX_BYTES = 150_000
GREEN, YELLOW, RED, CYAN, WHITE = (60, 220, 90), (250, 210, 40), (255, 70, 60), (60, 220, 255), (255, 255, 255)
OUTLINE_ORDER = (0, 2, 4, 5, 3, 1)  # AS, MS, PS, PI, MI, AI: around the body


def grey(values: np.ndarray, window: tuple[float, float] = WINDOW_HU) -> np.ndarray:
    low, high = window
    return (np.clip((np.asarray(values, dtype=float) - low) / (high - low), 0, 1) * 255).astype(np.uint8)


def volume_bounds(geometry: Mapping) -> tuple[np.ndarray, np.ndarray]:
    """Patient-space (min, max) corners of the voxel centres."""
    d = geometry["direction"]
    axes = np.asarray([d["column"], d["row"], d["slice"]], dtype=float) * np.asarray(geometry["spacingMm"], dtype=float)[:, None]
    n = np.asarray(geometry["dimensions"], dtype=float) - 1
    corners = np.asarray([[i, j, k] for i in (0, n[0]) for j in (0, n[1]) for k in (0, n[2])]) @ axes + np.asarray(geometry["originMm"], dtype=float)
    return corners.min(axis=0), corners.max(axis=0)


def _line_at(centreline: np.ndarray | None, z: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """(len(z), 3) centreline points at each z, the nearest end beyond it; fallback without one."""
    if centreline is None or len(centreline) < 2:
        return np.tile(fallback, (len(z), 1)) * np.array([1, 1, 0]) + np.c_[np.zeros((len(z), 2)), z]
    points, _ = centreline_at_z(centreline, z)
    return points


def curved_views(values: np.ndarray, geometry: Mapping, centreline: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, dict]:
    """(coronal, sagittal) HU images and their axes: rows z from the top down, coronal columns
    x ascending (patient right → left), sagittal columns y ascending (anterior → posterior)."""
    lo, hi = volume_bounds(geometry)
    z = np.arange(hi[2], lo[2] - 1e-6, -MM_PER_PIXEL)
    x = np.arange(lo[0], hi[0] + 1e-6, MM_PER_PIXEL)
    y = np.arange(lo[1], hi[1] + 1e-6, MM_PER_PIXEL)
    line = _line_at(centreline, z, (lo + hi) / 2)
    coronal_points = np.stack([np.broadcast_to(x[None, :], (len(z), len(x))), np.broadcast_to(line[:, 1:2], (len(z), len(x))), np.broadcast_to(z[:, None], (len(z), len(x)))], axis=-1)
    sagittal_points = np.stack([np.broadcast_to(line[:, 0:1], (len(z), len(y))), np.broadcast_to(y[None, :], (len(z), len(y))), np.broadcast_to(z[:, None], (len(z), len(y)))], axis=-1)
    coronal = sample_trilinear(values, dict(geometry), coronal_points.reshape(-1, 3), C.STRAIGHTEN_OUTSIDE_HU).reshape(len(z), len(x))
    sagittal = sample_trilinear(values, dict(geometry), sagittal_points.reshape(-1, 3), C.STRAIGHTEN_OUTSIDE_HU).reshape(len(z), len(y))
    return coronal, sagittal, {"z0": float(z[0]), "x0": float(x[0]), "y0": float(y[0])}


def latin1(text: str) -> str:
    """PIL's built-in bitmap font draws Latin-1 only."""
    for a, b in (("→", "->"), ("≈", "~"), ("≥", ">="), ("≤", "<="), ("…", "..."), ("−", "-"), ("×", "x")):
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _rgb(image_hu: np.ndarray) -> Image.Image:
    return Image.fromarray(np.repeat(grey(image_hu)[..., None], 3, axis=2), "RGB")


def _cross(draw: ImageDraw.ImageDraw, c: float, r: float, colour: tuple[int, int, int], size: int = 4) -> None:
    draw.line([(c - size, r), (c + size, r)], fill=colour)
    draw.line([(c, r - size), (c, r + size)], fill=colour)


def _dot(draw: ImageDraw.ImageDraw, c: float, r: float, colour: tuple[int, int, int], radius: float = 2.0) -> None:
    draw.ellipse([c - radius, r - radius, c + radius, r + radius], fill=colour)


def render(title: str, values: np.ndarray, geometry: Mapping, prediction: Prediction, references: Mapping[str, np.ndarray] | None = None, notes: Sequence[str] = ()) -> Image.Image:
    """The three panels side by side under a title (see the module docstring)."""
    curve = prediction.curve
    centreline = curve.centreline_mm if curve is not None else None
    coronal, sagittal, axes = curved_views(values, geometry, centreline)
    panels = [_rgb(coronal), _rgb(sagittal)]
    row_of = lambda z: (axes["z0"] - z) / MM_PER_PIXEL  # noqa: E731
    draws = [ImageDraw.Draw(p) for p in panels]
    if curve is not None:
        pts = curve.centreline_mm
        draws[0].line([((p[0] - axes["x0"]) / MM_PER_PIXEL, row_of(p[2])) for p in pts], fill=GREEN, width=2)
        draws[1].line([((p[1] - axes["y0"]) / MM_PER_PIXEL, row_of(p[2])) for p in pts], fill=GREEN, width=2)
        for z in curve.limits_mm:
            for d, p in zip(draws, panels):
                d.line([(0, row_of(z)), (12, row_of(z))], fill=YELLOW, width=2)
                d.line([(p.width - 13, row_of(z)), (p.width - 1, row_of(z))], fill=YELLOW, width=2)
    for name, c in (references or {}).items():
        _cross(draws[0], (c[0] - axes["x0"]) / MM_PER_PIXEL, row_of(c[2]), CYAN)
        _cross(draws[1], (c[1] - axes["y0"]) / MM_PER_PIXEL, row_of(c[2]), CYAN)
    for v in prediction.vertebrae:
        c = v.centroid_mm
        _dot(draws[0], (c[0] - axes["x0"]) / MM_PER_PIXEL, row_of(c[2]), RED)
        _dot(draws[1], (c[1] - axes["y0"]) / MM_PER_PIXEL, row_of(c[2]), RED)
        if v.level:
            draws[1].text(((c[1] - axes["y0"]) / MM_PER_PIXEL - 28, row_of(c[2]) - 5), v.level, fill=RED)
    if prediction.image is not None:
        straight = _rgb(prediction.image)
        d = ImageDraw.Draw(straight)
        for v in prediction.vertebrae:
            outline = [tuple(map(float, v.points_px[k])) for k in OUTLINE_ORDER]
            d.line(outline + [outline[0]], fill=RED, width=1)
            if v.level:
                d.text((2, float(v.points_px[:, 1].mean()) - 5), v.level, fill=RED)
        panels.append(straight)
    labels = ["curved coronal", "curved sagittal", "straightened mid-sagittal (detector input)"][: len(panels)]
    gap, head = 6, 30 + 12 * len(notes)
    width = sum(p.width for p in panels) + gap * (len(panels) - 1)
    height = max(p.height for p in panels) + head
    sheet = Image.new("RGB", (width, height), (0, 0, 0))
    d = ImageDraw.Draw(sheet)
    d.text((4, 2), latin1(title), fill=WHITE)
    for i, note in enumerate(notes):
        d.text((4, 14 + 12 * i), latin1(note), fill=WHITE)
    x = 0
    for p, label in zip(panels, labels):
        sheet.paste(p, (x, head))
        d.text((x + 2, head - 13), label, fill=WHITE)
        x += p.width + gap
    return sheet


def save_small(image: Image.Image, path: Path, max_bytes: int = MAX_BYTES) -> int:
    """PNG with an adaptive palette of 64 colours, shrunk by 3/4 steps until it fits max_bytes
    (a picture already under 64 pixels is written as it is); returns its bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scaled = image
    while True:
        buffer = io.BytesIO()
        scaled.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= max_bytes or min(scaled.size) < 64:
            break
        scaled = scaled.resize((scaled.width * 3 // 4, scaled.height * 3 // 4), Image.Resampling.LANCZOS)
    path.write_bytes(buffer.getvalue())
    return buffer.tell()
