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
    beam_hardening: float = 0.0  # 0: none; 1: a typical residual after the scanner's water correction

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
    # quantum noise falls with slice thickness (more photons per voxel) and rises with body size;
    # soft kernel, 1 mm, average patient: ~19 HU, i.e. ~11 HU at 3 mm as on the real abdomen
    noise = float(overrides.get("noise_hu", rng.lognormal(np.log(19.0), 0.3) * (1.8 if kernel == "sharp" else 1.0)
                                * min(1.0 / slice_mm, 1.6) ** 0.5 * size_factor))
    off = rng.normal(0, 12, 2)
    return Protocol(
        spacing_mm=spacing, matrix=matrix, slice_mm=slice_mm, kernel=kernel, noise_hu=noise,
        fov_centre_xy_mm=tuple(overrides.get("fov_centre_xy_mm", (centre_xy[0] + off[0], centre_xy[1] + off[1]))),
        pad_hu=int(overrides.get("pad_hu", rng.choice([-1000, -1024, -2000, -3024], p=[0.25, 0.35, 0.2, 0.2]))),
        slice_order=str(overrides.get("slice_order", "inferior_first")),
        beam_hardening=float(overrides.get("beam_hardening", rng.uniform(0.2, 1.0))),
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
        # a blur along z under half a slice is nothing the slice averaging has not done already
        return ndimage.gaussian_filter(hu, (0.25 / sz if sz < 0.5 else 0.0, sig / sy, sig / sx), truncate=2.5)
    sig = rng.uniform(0.2, 0.35)
    base = ndimage.gaussian_filter(hu, (0.0, sig / sy, sig / sx), truncate=2.5)
    wide = ndimage.gaussian_filter(base, (0.0, 1.0 / sy, 1.0 / sx), truncate=2.5)
    return base + F(rng.uniform(0.3, 0.7)) * (base - wide)


MU_WATER_PER_MM = 0.019  # linear attenuation of water at a CT beam's effective energy


def noise_texture(shape: tuple[int, ...], spacing_mm: tuple[float, float, float], kernel: str,
                  rng: np.random.Generator, wrap: bool = False) -> np.ndarray:
    """Unit-SD noise with the reconstruction kernel's texture, independent per slice (in-plane
    correlation only). Soft kernels: a difference of Gaussians, whose power spectrum is low at
    the lowest frequencies (the ramp filter), broad in the middle and still there at 0.4-0.5
    cycles/mm, as measured on a real 1 mm abdomen; sharp kernels: finer grain.
    `wrap`: periodic in-plane (for NoiseTiles)."""
    sx, sy, _ = spacing_mm
    mode = "wrap" if wrap else "reflect"
    white = rng.standard_normal(shape, dtype=np.float32)
    sig, alpha, wide_mm = (0.52, 0.25, 1.6) if kernel == "soft" else (0.3, 0.5, 1.5)
    fine = ndimage.gaussian_filter(white, (0, sig / sy, sig / sx), truncate=2.5, mode=mode)
    # the wide Gaussian of the difference as a box of the same variance (cheaper, same spectrum's shape)
    box = (1, max(1, int(round(wide_mm * 3.46 / sy))) | 1, max(1, int(round(wide_mm * 3.46 / sx))) | 1)
    noise = fine - F(alpha) * ndimage.uniform_filter(fine, box, mode=mode)
    return noise * F(1.0 / max(float(noise.std()), 1e-6))


class NoiseTiles:
    """Kernel-textured noise for every slice from a few periodic tiles: each slice takes one
    tile, turned by one of the 8 symmetries of the square (the texture is isotropic in-plane)
    and shifted at random. Independent-looking noise per slice at a fraction of the cost of
    filtering fresh white noise for the whole volume."""

    def __init__(self, rng: np.random.Generator, rows: int, columns: int, spacing_mm: tuple[float, float, float],
                 kernel: str, n_tiles: int = 6):
        side = int(max(rows, columns))
        sp = (spacing_mm[0], spacing_mm[0], spacing_mm[2])  # square pixels: rows and columns share the tile
        self.tiles = noise_texture((n_tiles, side, side), sp, kernel, rng, wrap=True)
        self.rows, self.columns, self.rng = rows, columns, rng

    def slab(self, n: int) -> np.ndarray:
        out = np.empty((n, self.rows, self.columns), np.float32)
        side = self.tiles.shape[1]
        for k in range(n):
            t = self.tiles[int(self.rng.integers(len(self.tiles)))]
            sym = int(self.rng.integers(8))
            if sym & 1:
                t = t.T
            if sym & 2:
                t = t[::-1]
            if sym & 4:
                t = t[:, ::-1]
            dy, dx = (int(q) for q in self.rng.integers(side, size=2))
            _copy_wrapped(t, dy, dx, out[k])
        return out


def _copy_wrapped(tile: np.ndarray, dy: int, dx: int, out: np.ndarray) -> None:
    """out = the periodic tile shifted by (dy, dx), cropped to out's shape (<= the tile's):
    four block copies instead of a gather."""
    side_r, side_c = tile.shape
    rows, cols = out.shape
    r1, c1 = min(rows, side_r - dy), min(cols, side_c - dx)
    out[:r1, :c1] = tile[dy:dy + r1, dx:dx + c1]
    if c1 < cols:
        out[:r1, c1:] = tile[dy:dy + r1, :cols - c1]
    if r1 < rows:
        out[r1:, :c1] = tile[:rows - r1, dx:dx + c1]
        if c1 < cols:
            out[r1:, c1:] = tile[:rows - r1, :cols - c1]


def attenuation_paths(hu: np.ndarray, spacing_mm: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Line integrals of attenuation (dimensionless) along the lateral (x) rays through each row
    and the anteroposterior (y) rays through each column of every slice: (nz, ny), (nz, nx)."""
    t = np.clip(hu, F(-1000.0), F(2000.0))
    mu = F(MU_WATER_PER_MM / 1000.0)
    lat = (t.sum(axis=2) + F(1000.0 * hu.shape[2])) * (mu * F(spacing_mm[0]))
    ap = (t.sum(axis=1) + F(1000.0 * hu.shape[1])) * (mu * F(spacing_mm[1]))
    return lat, ap


def add_noise(hu: np.ndarray, spacing_mm: tuple[float, float, float], proto: Protocol, rng: np.random.Generator,
              global_ref: float | None = None, tiles: NoiseTiles | None = None) -> float:
    """Quantum noise with the kernel's texture, whose variance follows the photons that reach
    the detector: each pixel's variance ~ exp(attenuation) along the lateral and the AP rays
    through it, so the middle of a big body is noisier than its edges, and slices through the
    shoulders or hips noisier than the rest (the tube current modulation evens only part of
    it out). Where the lateral rays are far more attenuated than the average (hips, shoulders),
    part of the noise runs as horizontal streaks (photon starvation).
    `global_ref` is the first slab's reference, so all slabs share one scale; returned."""
    sx, sy, _ = spacing_mm
    noise = tiles.slab(hu.shape[0]) if tiles is not None else noise_texture(hu.shape, spacing_mm, proto.kernel, rng)
    inside_b = hu > -500
    lat, ap = attenuation_paths(hu, spacing_mm)
    # a soft body mask (9-pixel box) made at a third of the resolution: it scales noise and artefacts
    small = ndimage.uniform_filter(inside_b[:, ::3, ::3].astype(np.float32), size=(1, 3, 3))
    inside = np.repeat(np.repeat(small, 3, axis=1), 3, axis=2)[:, :hu.shape[1], :hu.shape[2]]
    if proto.beam_hardening > 0:
        beam_hardening(hu, lat, ap, inside, spacing_mm, proto.beam_hardening)
    shift = F(6.0)  # exp of the paths relative to ~6 (a 300 mm water path) keeps float32 finite
    ex = np.exp(np.minimum(lat - shift, F(20.0)))  # (nz, ny)
    ey = np.exp(np.minimum(ap - shift, F(20.0)))  # (nz, nx)
    # each slice's mean variance over the body, from its rows' and columns' body counts
    n_row, n_col = inside_b.sum(axis=2), inside_b.sum(axis=1)
    n_in = np.maximum(n_row.sum(axis=1), 1)
    v_slice = np.maximum(((ex * n_row).sum(axis=1) + (ey * n_col).sum(axis=1)) * 0.5 / n_in, 1e-6).astype(np.float32)
    has_body = n_in > 50
    if global_ref is None:
        global_ref = float(np.median(v_slice[has_body])) if np.any(has_body) else 1.0
    # per slice the current follows the body (half of it, in log); within the slice it does not
    z_factor = (v_slice / F(global_ref)) ** F(0.25)
    k = (z_factor / np.sqrt(F(2.0) * v_slice)).astype(np.float32)[:, None, None]
    scale = ex[:, :, None] + ey[:, None, :]
    np.sqrt(scale, out=scale)
    scale *= k
    np.clip(scale, F(0.4), F(3.0), out=scale)
    noise *= scale
    np.multiply(inside, F(0.65 * proto.noise_hu), out=scale)
    scale += F(0.35 * proto.noise_hu)
    noise *= scale
    hu += noise
    del scale, noise
    # photon starvation streaks along the rows whose lateral path is far above the slice's average
    excess = np.sqrt(np.maximum(ex / v_slice[:, None] - F(4.0), 0))  # (nz, ny)
    rows = np.flatnonzero(np.any(excess > 0.05, axis=0))
    slices = np.flatnonzero(np.any(excess > 0.05, axis=1))
    if len(slices):
        sl = (slices[:, None], rows[None, :])
        white = rng.standard_normal((len(slices), len(rows), hu.shape[2]), dtype=np.float32)
        streak = ndimage.uniform_filter1d(ndimage.uniform_filter1d(white, max(3, int(14.0 / sx)), axis=2),
                                          max(3, int(14.0 / sx)), axis=2)
        streak *= F(1.0 / max(float(streak.std()), 1e-6))
        amp = F(0.3 * proto.noise_hu) * np.minimum(excess[slices][:, rows], F(4.0))[:, :, None] * inside[sl]
        hu[sl] += streak * amp
    return global_ref


def beam_hardening(hu: np.ndarray, lat: np.ndarray, ap: np.ndarray, inside: np.ndarray,
                   spacing_mm: tuple[float, float, float], strength: float) -> None:
    """What the scanner's water correction leaves of beam hardening, mildly: cupping (the middle
    of a big body a few HU darker, up to ~16 HU x strength: its rays are the longest), and dark
    bands along the lateral and AP rays that cross much bone (between the hips, the shoulders).
    Both are sums of a row and a column term (the lateral and the AP rays through a pixel).
    `lat`, `ap`: attenuation_paths of the slab; `inside`: the soft body mask."""
    bone = np.maximum(hu, F(250.0))
    b_lat = (bone.sum(axis=2) - F(250.0 * hu.shape[2])) * F(spacing_mm[0] / 1000.0)  # (nz, ny): mm of dense bone per row
    b_ap = (bone.sum(axis=1) - F(250.0 * hu.shape[1])) * F(spacing_mm[1] / 1000.0)  # (nz, nx)
    del bone
    row = F(2.0 * strength) * np.clip(lat - F(4.0), 0, F(4.0)) + F(1.2 * strength) * np.clip(b_lat - F(15.0), 0, F(25.0))
    col = F(2.0 * strength) * np.clip(ap - F(4.0), 0, F(4.0)) + F(1.2 * strength) * np.clip(b_ap - F(15.0), 0, F(25.0))
    delta = row[:, :, None] + col[:, None, :]
    delta *= inside
    hu -= delta


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
    """Rounded, clipped to the scanner's range, pad outside the circle (`hu` is overwritten)."""
    np.rint(hu, out=hu)
    np.clip(hu, F(-1024), F(clip_max), out=hu)
    out = hu.astype(np.int16)
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
    ref = None
    tiles = NoiseTiles(rng, render_hu.shape[1], render_hu.shape[2], spacing_mm, proto.kernel)
    halo = 2
    for j0 in range(0, n_out, SLAB):
        j1 = min(j0 + SLAB, n_out)
        a, b = max(j0 - halo, 0), min(j1 + halo, n_out)
        hu = average_sub_slices(render_hu[a * n_sub:b * n_sub], n_sub)
        hu = apply_kernel(hu, spacing_mm, proto.kernel, rng)[j0 - a:j0 - a + (j1 - j0)]
        if streaks and metal[j0:j1].any():
            metal_streaks(hu, metal[j0:j1], spacing_mm, rng)
        ref = add_noise(hu, spacing_mm, proto, rng, ref, tiles)
        if outside is None:
            outside = circular_fov(hu, proto.pad_hu)
        out[j0:j1] = to_int16(hu, proto.clip_max_hu, outside, proto.pad_hu)
    return out, outside
