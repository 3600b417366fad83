"""Development views: window a volume and write greyscale PNGs with zlib only (no PIL here).

    /usr/bin/python3 -m training.phantom.preview --seed 3 --preset chest --out /tmp/phantom-look

writes mid-sagittal, coronal and axial views at bone and soft-tissue windows, with the six
points of every vertebra drawn on the sagittal views. A development aid, not the gallery.
"""
from __future__ import annotations

import argparse
import struct
import zlib
from pathlib import Path

import numpy as np

WINDOWS = {"bone": (1800.0, 400.0), "soft": (400.0, 40.0)}


def write_png(path: "str | Path", image: np.ndarray) -> None:
    """8-bit greyscale (H, W) or RGB (H, W, 3) PNG."""
    img = np.ascontiguousarray(image, dtype=np.uint8)
    h, w = img.shape[:2]
    colour = 2 if img.ndim == 3 else 0
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


def window(hu: np.ndarray, width: float, level: float) -> np.ndarray:
    lo = level - width / 2
    return (np.clip((hu - lo) / width, 0, 1) * 255).astype(np.uint8)


def resample_rows(img: np.ndarray, row_mm: float, col_mm: float) -> np.ndarray:
    """Stretch rows so that pixels are square (nearest neighbour), for thick-slice views."""
    factor = row_mm / col_mm
    n = max(1, int(round(img.shape[0] * factor)))
    idx = np.minimum((np.arange(n) / factor).astype(int), img.shape[0] - 1)
    return img[idx]


def views(hu: np.ndarray, spacing_mm: tuple[float, float, float], centre_vox: tuple[int, int, int],
          ) -> dict[str, np.ndarray]:
    """Sagittal (column plane), coronal (row plane) and axial (slice) images, superior up."""
    k, j, i = centre_vox
    sx, sy, sz = spacing_mm
    sag = resample_rows(hu[::-1, :, i], sz, sy)  # rows: superior->inferior, columns: anterior->posterior
    # columns run towards the patient's left (+x), so column 0 (patient right) is already on the
    # viewer's left: the radiological convention needs no flip
    cor = resample_rows(hu[::-1, j, :], sz, sx)
    axi = hu[k]  # anterior up (rows run posteriorly)
    return {"sagittal": sag, "coronal": cor, "axial": axi}


def side_by_side(images: list[np.ndarray], gap: int = 4) -> np.ndarray:
    h = max(im.shape[0] for im in images)
    cols = []
    for im in images:
        pad = np.zeros((h, im.shape[1]) + im.shape[2:], np.uint8)
        pad[: im.shape[0]] = im
        cols.append(pad)
        cols.append(np.zeros((h, gap) + im.shape[2:], np.uint8))
    return np.concatenate(cols[:-1], axis=1)


def draw_points(rgb: np.ndarray, rows: np.ndarray, cols: np.ndarray, colour=(255, 60, 60)) -> None:
    for r, c in zip(rows.astype(int), cols.astype(int)):
        rgb[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2] = colour


def main() -> None:
    from .generator import generate

    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--preset", default="chest")
    ap.add_argument("--out", default="/tmp/phantom-look")
    ap.add_argument("--set", action="append", help="override KEY=PYTHON_LITERAL (repeatable)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    extra = {}
    for item in args.set or []:
        key, value = item.split("=", 1)
        extra[key] = eval(value, {})  # a development tool: values are Python literals
    ph = generate(args.seed, args.preset, **extra)
    g = ph.geometry
    hu = ph.hu.astype(np.float32)
    if g.direction[2][2] < 0:  # superior-first volumes: flip to inferior-first for viewing
        hu = hu[::-1]
    verts = ph.ground_truth["vertebrae"]
    centre = np.mean([v["centroidMm"] for v in verts], axis=0) if verts else np.array(g.origin_mm)
    o, s = np.array(g.origin_mm), np.array(g.spacing_mm)
    ijk = np.round((centre - o) / s).astype(int)
    ijk = np.clip(ijk, 0, np.array(hu.shape[::-1]) - 1)
    for name, (w, l) in WINDOWS.items():
        v = views(hu, g.spacing_mm, (int(ijk[2]), int(ijk[1]), int(ijk[0])))
        imgs = {k: window(a, w, l) for k, a in v.items()}
        sag = np.repeat(imgs["sagittal"][:, :, None], 3, axis=2)
        pts = np.array([p for v_ in verts for p in v_["pointsMm"]]) if verts else np.zeros((0, 3))
        if len(pts):
            z_top = o[2] + s[2] * (hu.shape[0] - 1)
            draw_points(sag, (z_top - pts[:, 2]) / s[1], (pts[:, 1] - o[1]) / s[1])
        # close-up of the spine: mid-sagittal band around the bodies, twice enlarged
        y0 = int(np.clip((centre[1] - 70 - o[1]) / s[1], 0, hu.shape[1] - 1))
        y1 = int(np.clip((centre[1] + 110 - o[1]) / s[1], 0, hu.shape[1]))
        crop = sag[:, y0:y1]
        write_png(out / f"seed{args.seed}-{args.preset}-{name}-spine.png", np.kron(crop, np.ones((2, 2, 1), np.uint8)))
        write_png(out / f"seed{args.seed}-{args.preset}-{name}.png",
                  side_by_side([sag, np.repeat(imgs["coronal"][:, :, None], 3, 2), np.repeat(imgs["axial"][:, :, None], 3, 2)]))
    print(out)


if __name__ == "__main__":
    main()
