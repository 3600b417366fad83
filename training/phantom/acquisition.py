"""What the scanner does to the ideal HU image: slice thickness, reconstruction kernel, noise,
metal streaks, the circular reconstruction field of view, and integer storage.

Applied in the order a scanner would: partial volume across the slice (average of the finer
render sub-slices), the kernel's blur (soft) or blur-plus-edge-enhancement (sharp), quantum
noise with the kernel's spatial correlation and more of it inside big bodies, streaks along
rays through metal, then the circle outside which nothing is reconstructed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

F = np.float32


@dataclass(frozen=True)
class Protocol:
    spacing_mm: float  # in-plane pixel size (rows and columns)
    matrix: int  # rows = columns
    slice_mm: float  # slice spacing = thickness (contiguous slices)
    kernel: str  # "soft" or "sharp"
    noise_hu: float  # noise standard deviation in water at this patient's size
    fov_centre_xy_mm: tuple[float, float]
    pad_hu: int  # value outside the reconstruction circle
    slice_order: str  # "inferior_first" (slice index -> +z) or "superior_first"
    clip_max_hu: int = 3071  # 12-bit scanners saturate here

    @property
    def sub_slices(self) -> int:
        """Render sub-slices per output slice, so no render slice is thicker than 2 mm (thinner
        detail along z comes from the analytic edge smoothing)."""
        n = max(1, int(np.ceil(self.slice_mm / 2.0 - 1e-6)))
        return n if n % 2 else n + 1  # odd, so one sub-slice sits at the slice centre (labels)


def sample_protocol(rng: np.random.Generator, fov_range_mm: tuple[float, float], centre_xy: tuple[float, float],
                    overrides: dict, size_factor: float = 1.0,
                    slices_mm: tuple[tuple[float, float], ...] = ((1.0, 1.0),)) -> Protocol:
    """Draw a realistic protocol; `size_factor` > 1 for big patients (more noise at the same dose)."""
    fov = float(overrides.get("fov_mm", rng.uniform(*fov_range_mm)))
    if "spacing_mm" in overrides:
        spacing = float(overrides["spacing_mm"])
    else:
        spacing = float(np.clip(fov / 512, 0.5, 1.0))
    matrix = int(overrides.get("matrix", int(round(fov / spacing))))
    values, probs = zip(*slices_mm)
    slice_mm = float(overrides.get("slice_mm", rng.choice(values, p=np.asarray(probs) / np.sum(probs))))
    kernel = str(overrides.get("kernel", rng.choice(["soft", "sharp"], p=[0.6, 0.4])))
    # quantum noise falls with slice thickness (more photons per voxel) and rises with body size
    noise = float(overrides.get("noise_hu", rng.uniform(8, 28) * (1.3 if kernel == "sharp" else 1.0)
                                * min(1.0 / slice_mm, 1.6) ** 0.5 * size_factor))
    off = rng.normal(0, 12, 2)
    return Protocol(
        spacing_mm=spacing, matrix=matrix, slice_mm=slice_mm, kernel=kernel, noise_hu=noise,
        fov_centre_xy_mm=tuple(overrides.get("fov_centre_xy_mm", (centre_xy[0] + off[0], centre_xy[1] + off[1]))),
        pad_hu=int(overrides.get("pad_hu", rng.choice([-1000, -1024, -2000, -3024], p=[0.25, 0.35, 0.2, 0.2]))),
        slice_order=str(overrides.get("slice_order", "inferior_first")),
    )


def average_sub_slices(hu: np.ndarray, n_sub: int) -> np.ndarray:
    """Mean of each group of n_sub render slices: the slice's partial-volume average."""
    if n_sub == 1:
        return hu
    nz = hu.shape[0] // n_sub
    return hu[: nz * n_sub].reshape(nz, n_sub, *hu.shape[1:]).mean(axis=1, dtype=np.float32)


def apply_kernel(hu: np.ndarray, spacing_mm: tuple[float, float, float], kernel: str, rng: np.random.Generator) -> np.ndarray:
    """Soft: Gaussian blur. Sharp: less blur, then unsharp masking (overshoot at bone edges)."""
    sx, sy, sz = spacing_mm
    if kernel == "soft":
        sig = rng.uniform(0.45, 0.8)
        return ndimage.gaussian_filter(hu, (0.25 / sz, sig / sy, sig / sx), truncate=2.5)
    sig = rng.uniform(0.2, 0.35)
    base = ndimage.gaussian_filter(hu, (0.0, sig / sy, sig / sx), truncate=2.5)
    wide = ndimage.gaussian_filter(base, (0.0, 1.0 / sy, 1.0 / sx), truncate=2.5)
    return base + F(rng.uniform(0.3, 0.7)) * (base - wide)


def add_noise(hu: np.ndarray, spacing_mm: tuple[float, float, float], proto: Protocol, rng: np.random.Generator) -> None:
    """Correlated quantum noise: in-plane filtered white noise, larger inside the body."""
    sx, sy, _ = spacing_mm
    white = rng.standard_normal(hu.shape, dtype=np.float32)
    if proto.kernel == "soft":
        noise = ndimage.gaussian_filter(white, (0, 0.7 / sy, 0.7 / sx), truncate=2.5)
    else:  # sharp kernels pass high frequencies: a band-pass with some fine grain left
        lo = ndimage.gaussian_filter(white, (0, 0.35 / sy, 0.35 / sx), truncate=2.5)
        noise = lo - F(0.5) * ndimage.gaussian_filter(lo, (0, 1.5 / sy, 1.5 / sx), truncate=2.5)
    noise *= F(1.0 / max(float(noise.std()), 1e-6))
    inside = (hu > -500).astype(np.float32)
    inside = ndimage.uniform_filter(inside, size=(1, 9, 9))
    hu += noise * F(proto.noise_hu) * (F(0.35) + F(0.65) * inside)


def metal_streaks(hu: np.ndarray, metal: np.ndarray, spacing_mm: tuple[float, float, float], rng: np.random.Generator) -> None:
    """Bright and dark streaks along rays through metal: each projection angle's metal path
    length is smeared back across the slice with an alternating sign (beam hardening and
    photon starvation errors spread along their rays, as filtered back-projection does)."""
    slices = np.flatnonzero(metal.reshape(metal.shape[0], -1).any(axis=1))
    if len(slices) == 0:
        return
    ny, nx = hu.shape[1:]
    yy, xx = np.mgrid[0:ny, 0:nx].astype(np.float32)
    angles = rng.uniform(0, np.pi, 10)
    signs = np.where(np.arange(10) % 2 == 0, -1.0, 0.6)
    strength = rng.uniform(4, 10)  # HU per mm of metal path
    for k in slices:
        m = metal[k]
        out = np.zeros((ny, nx), np.float32)
        for a, sgn in zip(angles, signs):
            s = xx * np.cos(a) + yy * np.sin(a)
            bins = (s - s.min()).astype(np.int32)
            prof = np.bincount(bins[m], minlength=int(bins.max()) + 1).astype(np.float32) * spacing_mm[0]
            prof = ndimage.gaussian_filter1d(prof, 1.0)
            out += F(sgn * strength) * prof[bins]
        hu[k] += out


def circular_fov(hu: np.ndarray, pad_hu: int) -> np.ndarray:
    """Pixels outside the reconstruction circle inscribed in the square matrix get pad_hu."""
    ny, nx = hu.shape[1:]
    yy, xx = np.mgrid[0:ny, 0:nx]
    r = min(nx, ny) / 2
    outside = ((yy - (ny - 1) / 2) ** 2 + (xx - (nx - 1) / 2) ** 2) > r * r
    hu[:, outside] = pad_hu
    return outside


def to_int16(hu: np.ndarray, clip_max: int, outside: np.ndarray, pad_hu: int) -> np.ndarray:
    out = np.clip(np.rint(hu), -1024, clip_max).astype(np.int16)
    out[:, outside] = pad_hu
    return out


SLAB = 24  # output slices processed together (bounded memory)


def scan(render_hu: np.ndarray, metal: np.ndarray, n_sub: int, spacing_mm: tuple[float, float, float],
         proto: Protocol, rng: np.random.Generator, streaks: bool = True) -> np.ndarray:
    """The whole scanner chain, slab by slab, from the render grid to stored int16 HU.

    `metal` is the output-grid mask of metal voxels. Slabs carry a 2-slice halo so the kernel's
    small blur along z is the same as on the whole volume.
    """
    n_out = render_hu.shape[0] // n_sub
    out = np.empty((n_out,) + render_hu.shape[1:], np.int16)
    outside = None
    halo = 2
    for j0 in range(0, n_out, SLAB):
        j1 = min(j0 + SLAB, n_out)
        a, b = max(j0 - halo, 0), min(j1 + halo, n_out)
        hu = average_sub_slices(render_hu[a * n_sub:b * n_sub], n_sub)
        hu = apply_kernel(hu, spacing_mm, proto.kernel, rng)[j0 - a:j0 - a + (j1 - j0)]
        if streaks and metal[j0:j1].any():
            metal_streaks(hu, metal[j0:j1], spacing_mm, rng)
        add_noise(hu, spacing_mm, proto, rng)
        if outside is None:
            outside = circular_fov(hu, proto.pad_hu)
        out[j0:j1] = to_int16(hu, proto.clip_max_hu, outside, proto.pad_hu)
    return out, outside
