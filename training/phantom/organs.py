"""Organs and vessels of the chest and abdomen, placed by level around the spine.

Painting order does the anatomy's cutting for us: abdominal organs first, then the lungs
(which exist only above the diaphragm domes, so they trim the liver and spleen tops), then the
mediastinum (heart, great vessels, airways) over the lungs. Every organ is confined to the
inside of the body wall. HU follow the contrast phase of the habitus.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Box, Canvas
from .levels import size_position
from .noise import TileField, coarse_noise
from .plan import BodyPlan
from .raster import lattice_field, lattice_region
from .sdf import capsule, coverage, ellipse_2d, ellipsoid
from .thorax import cage_at
from .torso import Trunk

F = np.float32

# HU by contrast phase: (none, arterial, venous)
_PHASE = {"none": 0, "arterial": 1, "venous": 2}
HU = {
    "aorta": (42, 320, 165), "ivc": (40, 70, 140), "heart": (42, 260, 150), "myocardium": (45, 110, 105),
    "liver": (60, 72, 112), "spleen": (50, 125, 115), "kidney_cortex": (32, 210, 165),
    "kidney_medulla": (30, 85, 150), "pancreas": (42, 105, 95), "bowel": (35, 70, 80), "lung_vessel": (40, 220, 150),
    "portal": (40, 90, 150),
}


def hu_of(name: str, contrast: str, rng: np.random.Generator) -> float:
    return float(HU[name][_PHASE[contrast]] * rng.normal(1.0, 0.06))


def rotation(yaw_deg: float = 0.0, pitch_deg: float = 0.0, roll_deg: float = 0.0) -> np.ndarray:
    """Rows = local axes in LPS: rotate about z (yaw), then x (pitch), then y (roll)."""
    a, b, c = np.radians([yaw_deg, pitch_deg, roll_deg])
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    ry = np.array([[np.cos(c), 0, np.sin(c)], [0, 1, 0], [-np.sin(c), 0, np.cos(c)]])
    return (rz @ rx @ ry).T


def cavity_cover(trunk: Trunk, box: Box, margin_mm: float, h: float, z0_index: int) -> np.ndarray:
    """Coverage of the inside of the body wall within a box (per slice ellipse)."""
    k = np.arange(box.index[0].start, box.index[0].stop) - z0_index
    cx, cy, a, b = trunk.cavity(k, margin_mm)
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    return coverage(ellipse_2d(box.x - r(cx), box.y - r(cy), r(a), r(b)), h)


def cavity_sdf(trunk: Trunk, lattice: Box, margin_mm: float) -> np.ndarray:
    """Signed distance to the inside of the body wall at the points of a lattice_field lattice."""
    cx, cy, a, b = trunk.cavity(np.asarray(lattice.index[0]), margin_mm)
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    return ellipse_2d(lattice.x - r(cx), lattice.y - r(cy), r(a), r(b))


def lobulated_ellipsoid(u: np.ndarray, v: np.ndarray, w: np.ndarray, radii_mm: tuple[float, float, float],
                        waves: np.ndarray | None) -> np.ndarray:
    """Signed distance (approximate) to an ellipsoid whose radius varies smoothly with direction:
    r(p) = 1 + sum a cos(k . p + phase) over a few random waves in the unit-sphere coordinates p,
    so organs bulge and dip like real ones instead of being ellipsoids. `waves` rows: (kx, ky,
    kz, phase, amplitude); None: the plain ellipsoid."""
    if waves is None or len(waves) == 0:
        return ellipsoid(u, v, w, radii_mm)
    a, b, c = (F(r) for r in radii_mm)
    pu, pv, pw = u / a, v / b, w / c
    k = np.sqrt(pu * pu + pv * pv + pw * pw)
    inv = F(1.0) / np.maximum(k, F(1e-3))
    bump = None
    for kx, ky, kz, ph, amp in waves:
        t = np.cos((pu * F(kx) + pv * F(ky) + pw * F(kz)) * inv + F(ph)) * F(amp)
        bump = t if bump is None else bump + t
    return (k / (F(1.0) + bump) - F(1.0)) * F(min(radii_mm))


def organ_waves(rng: np.random.Generator, n: int = 4, amplitude: float = 0.08) -> np.ndarray:
    """Random waves for `lobulated_ellipsoid`: 2-4 bumps around the organ, +-amplitude each."""
    k = rng.normal(0.0, 1.0, (n, 3))
    k *= rng.uniform(1.5, 3.2, (n, 1)) / np.linalg.norm(k, axis=1, keepdims=True)
    return np.concatenate([k, rng.uniform(0, 2 * np.pi, (n, 1)), rng.uniform(0.4, 1.0, (n, 1)) * amplitude / np.sqrt(n / 2)],
                          axis=1)


ORGAN_EDGE_MM = 2.0  # organ surfaces blend over ~2 mm (capsule, partial volume, motion), not one voxel


def paint_ellipsoid(canvas: Canvas, trunk: Trunk, centre: np.ndarray, radii: tuple[float, float, float],
                    axes: np.ndarray, value: "float | callable", label: int | None, margin_mm: float = 2.0,
                    waves: np.ndarray | None = None, edge_mm: float | None = None, want_uvw: bool = False,
                    ) -> tuple[Box, np.ndarray, tuple | None] | None:
    """Paint an ellipsoidal organ (lobulated by `waves`), kept inside the body wall; its edge
    blends over `edge_mm` (default one voxel). The shape, and a callable value (a slow texture
    of the local u, v, w), are evaluated on a ~2.5 mm lattice and interpolated (organs are
    smooth). Returns (box, coverage, local uvw if `want_uvw` else None)."""
    g = canvas.grid
    grow = 1.0 + (float(np.sum(np.abs(waves[:, 4]))) if waves is not None and len(waves) else 0.0)
    ext = np.abs(axes.T) @ (np.asarray(radii, float) * grow) + 2
    box = g.box(centre - ext, centre + ext)
    if box is None:
        return None

    def sdf(lat: Box) -> np.ndarray:
        u, v, w = lat.local(centre, axes)
        return np.maximum(lobulated_ellipsoid(u, v, w, radii, waves), cavity_sdf(trunk, lat, margin_mm))

    width = g.voxel_mm if edge_mm is None else max(g.voxel_mm, edge_mm)
    found = lattice_region(box, sdf, g.spacing_mm, below=width)
    if found is None:
        return None
    box, d = found
    occ = coverage(d, width)
    uvw = box.local(centre, axes) if want_uvw else None
    val = lattice_field(box, lambda lat: value(*lat.local(centre, axes)), g.spacing_mm) if callable(value) else value
    canvas.paint(box, occ, val, label)
    return box, occ, uvw


def paint_tube(canvas: Canvas, points: np.ndarray, radii: "np.ndarray | float", value: float, label: int | None,
               only_label: int | None = None) -> None:
    pts = np.asarray(points, float)
    rr = np.broadcast_to(np.asarray(radii, float), (len(pts),))
    g = canvas.grid
    for a, b, ra, rb in zip(pts, pts[1:], rr, rr[1:]):
        m = max(ra, rb) + 2
        box = g.box(np.minimum(a, b) - m, np.maximum(a, b) + m)
        if box is None:
            continue
        occ = coverage(capsule(box.x, box.y, box.z, a, b, ra, rb), g.voxel_mm)
        if only_label is not None:
            occ = occ * (canvas.labels[box.index] == only_label)
        canvas.paint(box, occ, value, label)


def _body_depth(plan: BodyPlan, ell: float) -> float:
    """Half-depth of the vertebral body near `ell` (to put vessels just in front of it)."""
    best = min(plan.spine.vertebrae, key=lambda v: abs(size_position(v.level) - ell))
    return best.size.body_depth_mm / 2


def render_abdomen(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    hab = plan.habitus
    s = hab.width_scale
    ph = hab.contrast
    # liver: a big right lobe and a left lobe reaching across the midline in front
    liver_hu = hu_of("liver", ph, rng)
    tex = lambda u, v, w: F(liver_hu) + F(4.0) * np.sin(F(0.3) * u) * np.cos(F(0.25) * w)  # noqa: E731
    edge = ORGAN_EDGE_MM
    paint_ellipsoid(canvas, trunk, plan.at_level(17.0 + rng.normal(0, 0.4), -62 * s, -40 * s), (88 * s, 80 * s, 85 * s),
                    rotation(10, 0, -8), tex, labels.LIVER, waves=organ_waves(rng, 5, 0.14), edge_mm=edge)
    paint_ellipsoid(canvas, trunk, plan.at_level(16.6, 15 * s, -95 * s), (62 * s, 38 * s, 42 * s), rotation(-15), liver_hu,
                    labels.LIVER, waves=organ_waves(rng, 3, 0.12), edge_mm=edge)
    # spleen, stomach, pancreas
    paint_ellipsoid(canvas, trunk, plan.at_level(17.3, 88 * s, 5 * s), (38 * s, 26 * s, 52 * s), rotation(35, 0, 10),
                    hu_of("spleen", ph, rng), labels.SPLEEN, waves=organ_waves(rng, 4, 0.13), edge_mm=edge)
    st = paint_ellipsoid(canvas, trunk, plan.at_level(17.0, 55 * s, -75 * s), (55 * s, 40 * s, 50 * s), rotation(-30),
                         float(rng.uniform(5, 25)), labels.STOMACH, waves=organ_waves(rng, 4, 0.12), edge_mm=edge, want_uvw=True)
    if st is not None:  # gas floats to the front (the patient is supine)
        box, occ, (u, v, w) = st
        gas = coverage(v + F(rng.uniform(5, 25) * s), canvas.grid.voxel_mm)
        canvas.paint(box, occ * gas * coverage(ellipsoid(u, v, w, (50 * s, 35 * s, 45 * s)), 1.0), -950.0)
    paint_ellipsoid(canvas, trunk, plan.at_level(19.2, 15 * s, -45 * s), (60 * s, 12 * s, 16 * s), rotation(-15),
                    hu_of("pancreas", ph, rng), labels.BOWEL, waves=organ_waves(rng, 5, 0.15), edge_mm=edge)
    # kidneys: cortex, medulla, sinus fat, with the upper poles tilted towards the spine
    for side, dl in ((-1, 0.5), (1, 0.0)):
        c = plan.at_level(19.6 + dl + rng.normal(0, 0.3), side * 68 * s, 8 * s)
        _kidney(canvas, trunk, plan, c, side, ph, rng)
    _render_bowel(canvas, trunk, plan, rng)
    # bladder and rectum in the pelvis
    paint_ellipsoid(canvas, trunk, plan.at_level(27.6, 0, -45 * s), (50 * s, 38 * s, 40 * s), rotation(), float(rng.uniform(2, 15)),
                    labels.BLADDER, waves=organ_waves(rng, 3, 0.06), edge_mm=edge)
    _render_rectum(canvas, plan)


# The small bowel's floor, a little above the femoral heads' tops (well under the pelvic inlet,
# where real loops still hang down): the hip joints' slices show the bladder and rectum in fat,
# as a real pelvis does.
PELVIC_BOWEL_FLOOR_LEVEL = 26.4


def _render_rectum(canvas: Canvas, plan: BodyPlan) -> None:
    """The rectum: a soft-tissue tube in the fat in front of the sacrum and coccyx, following the
    sacrum's course (spine.sacrum_dir from S1, turning forwards) down to the pelvic floor. No
    random draws: phantoms keep their other structures."""
    s = plan.habitus.width_scale
    start = plan.at_level(24.0)  # the S1 body's centre
    down = np.asarray(plan.spine.sacrum_dir, float)
    back = float(np.arctan2(down[1], -down[2]))  # the sacrum's tilt: from straight down towards posterior
    pts, p = [], start.copy()
    for i in range(8):  # steps of 18 mm, each turned 9 degrees further forwards, as the sacrum curves
        a = back - np.radians(9.0 * i)
        p = p + np.array([0.0, np.sin(a), -np.cos(a)]) * 18.0 * s
        pts.append(p + np.array([0.0, -32.0 * s, 0.0]))
    pts = np.asarray(pts[1:])
    radii = np.interp(np.arange(len(pts)), [0, 2, len(pts) - 1], [11, 16, 9]) * s
    paint_tube(canvas, pts, radii, 25.0, labels.BOWEL, only_label=labels.FAT)


def _kidney(canvas: Canvas, trunk: Trunk, plan: BodyPlan, c: np.ndarray, side: float, ph: str,
            rng: np.random.Generator) -> None:
    """A bean: cortex round medullary pyramids that point into the renal sinus, whose fat (with
    the fluid of the pelvis) fills the hilum facing forwards and inwards; the renal vein to the
    cava. Upper pole tilted towards the spine."""
    s = plan.habitus.width_scale
    ax = rotation(side * 25, 0, side * 12)  # rows: lateral-ish, anteroposterior, long axis
    radii = (30 * s, 22 * s, 55 * s)
    cortex, medulla = hu_of("kidney_cortex", ph, rng), hu_of("kidney_medulla", ph, rng)
    if ph == "venous":  # the nephrographic phase: hardly any difference left
        medulla = cortex * 0.92
    hilum = ax @ np.array([-side, -0.45, 0.0])  # towards the spine and forwards, in the kidney's frame
    hilum_l = np.array([hilum[0], hilum[1], 0.0])
    hilum_l /= np.linalg.norm(hilum_l)
    hc = hilum_l * radii[0] * 0.95  # notch centre on the medial surface (local)

    def bean(u, v, w):
        return F(cortex)

    res = paint_ellipsoid(canvas, trunk, c, radii, ax, bean, labels.KIDNEY, waves=organ_waves(rng, 3, 0.05), edge_mm=1.5,
                          want_uvw=True)
    if res is None:
        return
    box, occ, (u, v, w) = res
    h = canvas.grid.voxel_mm
    # pyramids: a ring of small cones (ellipsoids) between cortex and sinus
    pyr = np.zeros(box.shape, np.float32)
    for k in range(7):
        zf = -0.7 + 1.4 * k / 6
        ang = np.radians(rng.uniform(-40, 40))
        dirn = -hilum_l * np.cos(ang) + np.array([-hilum_l[1], hilum_l[0], 0.0]) * np.sin(ang)
        pc = dirn * radii[0] * 0.3 + np.array([0, 0, zf * radii[2] * 0.8])
        np.maximum(pyr, coverage(ellipsoid(u - F(pc[0]), v - F(pc[1]), w - F(pc[2]), (10 * s, 9 * s, 11 * s)), h), out=pyr)
    canvas.paint(box, occ * pyr, medulla)
    # renal sinus fat in the notch, the renal pelvis inside it
    sinus = coverage(ellipsoid(u - F(hc[0]), v - F(hc[1]), w, (13 * s, 9 * s, 26 * s)), h) * occ
    canvas.paint(box, sinus, -85.0)
    pel = hc * 0.8
    canvas.paint(box, coverage(ellipsoid(u - F(pel[0]), v - F(pel[1]), w + F(4), (6 * s, 4.5 * s, 10 * s)), h) * occ,
                 float(rng.uniform(0, 15)) if ph != "delayed" else 600.0)
    # renal vein to the inferior vena cava (the left one crosses in front of the aorta)
    start = c + (hc * 1.2) @ ax
    ivc = plan.at_level(float(plan.ell(c[2])), -22 * s, -_body_depth(plan, float(plan.ell(c[2]))) - 12)
    mid = (start + ivc) / 2 + (np.array([0.0, -12.0, 0.0]) if side > 0 else 0)
    paint_tube(canvas, np.stack([start, mid, ivc]), np.array([5.0, 5.0, 5.5]) * s, hu_of("ivc", ph, rng), labels.VESSEL)


def _render_bowel(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Small-bowel loops and colon: soft-tissue loops in mesenteric fat, with gas bubbles."""
    g = canvas.grid
    s = plan.habitus.width_scale
    z_top, z_bot = float(plan.z_of(18.8)), float(plan.z_of(28.5))
    k = np.flatnonzero((trunk.z_mm <= z_top) & (trunk.z_mm >= z_bot))
    if len(k) == 0:
        return
    cx, cy, a, b = trunk.cavity(k, 4.0)
    box = g.box(np.array([cx.min() - a.max(), cy.min() - b.max(), trunk.z_mm[k].min()]),
                np.array([cx.max() + a.max(), cy.max() + b.max(), trunk.z_mm[k].max()]))
    if box is None:
        return
    step = tuple(max(1, int(round(6.0 / sp))) for sp in (g.spacing_mm[2], g.spacing_mm[1], g.spacing_mm[0]))
    loops = coarse_noise(rng, box.shape, step, sigma=1.0)
    gas = coarse_noise(rng, box.shape, tuple(max(1, q // 2) for q in step), sigma=1.0)
    occ = cavity_cover(trunk, box, 6.0, g.voxel_mm, 0)
    xy = plan.spine_xy(box.z[:, 0, 0])
    # only in front of the kidneys and psoas: y < spine y - 20 (supine: bowel is anterior)
    wobble = F(10.0) * loops[:, :1, :]  # a wavy, not straight, back edge of the bowel
    front = coverage(box.y - F(xy[:, 1]).reshape(-1, 1, 1) + F(22.0 * s) + wobble, 6.0)
    # and above the lesser pelvis, whose fat holds the bladder and the rectum (render_abdomen): a
    # floor whose height waves over (y, x), at most 12 mm either way
    floor_z = F(plan.z_of(PELVIC_BOWEL_FLOOR_LEVEL)) + F(8.0) * np.clip(loops[:1, :, :], -1.5, 1.5)
    floor = coverage(floor_z - box.z, 6.0)
    occ = occ * front * floor * (canvas.labels[box.index] == labels.FAT)
    vf = plan.habitus.visceral_fat
    loop = np.clip((loops + F(0.6 - vf)) * F(2.0), 0, 1)
    bowel_hu = hu_of("bowel", plan.habitus.contrast, rng)
    value = loop * F(bowel_hu) + (1 - loop) * F(-95.0)
    canvas.paint(box, occ, value, labels.BOWEL)
    bubbles = np.clip((gas - F(1.3)) * F(3.0), 0, 1) * loop
    canvas.paint(box, occ * bubbles, -950.0)


def render_lungs(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> np.ndarray | None:
    """Both lungs above the diaphragm, around the mediastinum and spine, with vessels and bronchi."""
    g = canvas.grid
    s = plan.habitus.width_scale
    # dome tops (right higher: the liver) and depth to the recesses; the box reaches the deepest
    tops = {-1: 15.6 + rng.normal(0, 0.4), 1: 16.1 + rng.normal(0, 0.4)}
    z_lo = min(float(plan.z_of(e) - 1.6 * (plan.z_of(e) - plan.z_of(e + 2.2))) for e in tops.values())
    z_hi = float(plan.z_of(5.2))
    k = np.flatnonzero((trunk.z_mm >= z_lo) & (trunk.z_mm <= z_hi))
    if len(k) == 0:
        return None
    cx, cy, a, b = trunk.cavity(k, 7.0)
    box = g.box(np.array([cx.min() - a.max(), cy.min() - b.max(), trunk.z_mm[k].min()]),
                np.array([cx.max() + a.max(), cy.max() + b.max(), trunk.z_mm[k].max()]))
    if box is None:
        return None
    kk = np.arange(box.index[0].start, box.index[0].stop)
    cx, cy, a, b = cage_at(plan, trunk, kk)  # inside the ribs, less the ribs and pleura
    a, b = np.maximum(a - 6.0, 5.0), np.maximum(b - 6.0, 5.0)
    ell = plan.ell(trunk.z_mm[kk])
    apex = np.sqrt(np.clip((ell - 5.2) / 3.0, 0.02, 1.0))  # the lungs narrow to their apices
    sx = plan.spine_xy(trunk.z_mm[kk])
    med_half = np.interp(ell, [5, 7, 9, 10.5, 12, 16, 19], [10, 18, 28, 26, 16, 14, 14]) * s
    med_x = sx[:, 0] + np.interp(ell, [8, 12, 16], [0, 6, 6]) * s
    szs = plan.sizes(trunk.z_mm[kk])
    k0 = box.index[0].start

    def lung_sdf(lat: Box) -> np.ndarray:
        i = np.asarray(lat.index[0]) - k0  # the lattice's slices among the box's
        r = lambda q: F(q[i]).reshape(-1, 1, 1)  # noqa: E731
        up = np.clip(apex * 1.2, 0, 1)
        d = ellipse_2d(lat.x - r(cx), lat.y - r(cy + b * (1 - up) * 0.6), r(a * apex), r(b * up))  # apices towards the back
        # the mediastinum between the lungs: a rounded column from the spine to the sternum
        front, back = cy - b, sx[:, 1] + 5
        d_med = ellipse_2d(lat.x - r(med_x), lat.y - r((front + back) / 2), r(med_half), r(np.maximum((back - front) / 2, 5)))
        d = np.maximum(d, -d_med)
        # the lungs touch the vertebral bodies across a thin paravertebral stripe (pleura, fat)
        bw, bd = szs["body_width_mm"] / 2 + 2.5, szs["body_depth_mm"] / 2
        d = np.maximum(d, -ellipse_2d(lat.x - r(sx[:, 0]), lat.y - r(sx[:, 1] + bd * 0.55), r(bw), r(bd * 1.6 + 2.0)))
        # diaphragm domes: right higher (the liver), falling to deep recesses at the back and sides
        for side, ell_top in tops.items():
            zt = float(plan.z_of(ell_top))
            depth = float(plan.z_of(ell_top) - plan.z_of(ell_top + 2.2))
            rho2 = ((lat.x - r(cx + side * a * 0.45)) / r(a * 0.75)) ** 2 + ((lat.y - r(cy - b * 0.1)) / r(b * 0.9)) ** 2
            dome = F(zt) - F(depth) * rho2
            d = np.where((lat.x - r(med_x)) * F(side) > 0, np.maximum(d, dome - lat.z), d)
        return d

    # from here on only the part of the box the lungs reach
    found = lattice_region(box, lung_sdf, g.spacing_mm, below=g.voxel_mm)
    if found is None:
        return None
    box, d = found
    z0, z1 = box.index[0].start - k0, box.index[0].stop - k0
    kk, cx, cy, a, b, ell, med_x = kk[z0:z1], cx[z0:z1], cy[z0:z1], a[z0:z1], b[z0:z1], ell[z0:z1], med_x[z0:z1]
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    occ = coverage(d, g.voxel_mm)
    # parenchyma: the patient's inspiration sets the level (-800..-880); supine, the dependent
    # (posterior) lung is denser, and the bases more than the upper lobes; near the posterior
    # pleura at the bases a patchy band of hypoventilated lung (more with age); texture at two
    # scales. Real lung bases at 3 mm: median about -800 with a long tail towards -500.
    hab = plan.habitus
    level_hu = float(rng.normal(-840.0, 18.0))
    gravity_hu = float(rng.uniform(45.0, 80.0))
    basal_hu = float(rng.uniform(10.0, 35.0))
    band_hu = float(rng.uniform(40.0, 120.0) + 120.0 * hab.age)
    lower_1d = np.clip((ell - 12.0) / 4.0, 0.0, 1.0)
    sp3 = g.spacing_mm
    block = tuple(max(8, int(round(48.0 / d_))) for d_ in (sp3[2], sp3[1], sp3[0]))
    fine = TileField(rng, block, (0.9 / sp3[2], 0.9 / sp3[1], 0.9 / sp3[0]))
    patchy = TileField(rng, block, (3.5 / sp3[2], 3.5 / sp3[1], 3.5 / sp3[0]))
    fine.block = fine.block * F(18.0) + F(22.0) * patchy.block
    value = fine.at(box.index, box.shape)
    value += F(level_hu) + F(0.5 * gravity_hu) * np.clip((box.y - r(cy)) / r(b), -1, 1) + F(basal_hu) * r(lower_1d)
    basal = np.flatnonzero(lower_1d > 0)
    if len(basal):  # the dependent band, only where it can be: basal slices, behind the middle
        sl = slice(basal[0], basal[-1] + 1)
        rows = slice(int(np.searchsorted(box.y[0, :, 0], F(cy[sl].min()))), None)
        back = np.clip((box.y[:, rows] - r(cy[sl])) / r(b[sl]), 0, 1)
        sub = value[sl, rows]
        sub += (F(band_hu) * np.exp(np.minimum(d[sl, rows], F(0.0)) * F(1.0 / 7.0)) * back * back * r(lower_1d[sl])
                * np.clip(F(0.6) + (sub - F(level_hu)) * F(0.03), 0, 1.5))
    canvas.paint(box, occ, value, labels.LUNG)
    del value
    _fissures(canvas, plan, box, rng, cx, cy, a, b, med_x)
    _vessel_trees(canvas, plan, box, rng)
    return occ


def _fissures(canvas: Canvas, plan: BodyPlan, box: Box, rng: np.random.Generator, cx: np.ndarray, cy: np.ndarray,
              a: np.ndarray, b: np.ndarray, med_x: np.ndarray) -> None:
    """The interlobar fissures: in each lung an oblique fissure from high at the back (about
    T4) down to the front of the diaphragm, gently curved; in the right lung also the
    horizontal fissure from it forwards at about the fourth rib. Two layers of pleura (a
    fraction of a mm) show as a faint line: painted as a thin partial-volume sheet over lung,
    evaluated only in the few rows (or slices) near each sheet."""
    g = canvas.grid
    h = g.voxel_mm
    z = box.z[:, 0, 0]
    y = box.y[0, :, 0]
    x = box.x[0, 0, :]
    yb, yf = float(np.median(cy + 0.9 * b)), float(np.median(cy - 0.85 * b))
    lung_lab = canvas.labels[box.index] == labels.LUNG
    hu = canvas.hu[box.index]

    def sheet(k: int, rows: np.ndarray, dist: np.ndarray) -> None:
        alpha = np.clip(F(1.0) - np.abs(dist) * F(1.0 / h), 0, 1) * F(0.32) * lung_lab[k][rows]
        region = hu[k][rows]
        region += alpha * (F(-80.0) - region)
        hu[k][rows] = region

    for side in (-1.0, 1.0):
        zb, zf = float(plan.z_of(9.0 + rng.normal(0, 0.4))), float(plan.z_of(15.8 + rng.normal(0, 0.4)))
        bow = float(rng.uniform(-12, 6))  # its middle further forwards (negative) or back
        L = float(np.hypot(zf - zb, yf - yb))
        horiz_z = float(plan.z_of(11.6 + rng.normal(0, 0.4))) if side < 0 else None
        horiz_tilt = float(rng.normal(0, 0.08))
        for k in range(len(z)):
            xc = float(med_x[k] + side * 0.5 * a[k])
            on_side = (x - F(med_x[k])) * F(side) > 0
            xn2 = ((x - F(xc)) / F(max(a[k] * 0.5, 5.0))) ** 2
            def oblique(rows: np.ndarray) -> np.ndarray:
                """Signed distance to the oblique sheet (> 0: the upper lobe's side, in front)."""
                plane = ((y[rows, None] - F(yb)) * F(zf - zb) - F(float(z[k]) - zb) * F(yf - yb)) / F(L)
                return plane + F(bow) * (1 - xn2[None, :])

            # oblique: y where the sheet crosses this slice, then the rows near it
            y_c = yb + (float(z[k]) - zb) * (yf - yb) / (zf - zb)
            rows = np.flatnonzero(np.abs(y - F(y_c)) < 15.0 + abs(bow))
            if len(rows):
                sheet(k, rows, np.where(on_side[None, :], oblique(rows), F(99.0)))
            if horiz_z is not None and abs(float(z[k]) - horiz_z) < 12.0:
                # horizontal: in front of the oblique fissure only (the middle lobe lies below it)
                rows = np.flatnonzero(y < F(y_c + 8.0))
                dist = F(float(z[k]) - horiz_z) + F(horiz_tilt) * (y[rows, None] - F(yf)) + F(4.0) * xn2[None, :]
                sheet(k, rows, np.where(on_side[None, :] & (oblique(rows) > 0), dist, F(99.0)))


def _grow_tree(points: np.ndarray, start: np.ndarray, radius: float, r_min: float) -> list[np.ndarray]:
    """A vessel tree that fills the space of `points` (attractors inside the lung): each branch
    heads part of the way to the centre of the points it serves, then splits them in two halves
    along their widest spread; radii follow Murray's law (r^3 conserved), so branches taper
    from the hilum to a few tenths of a mm at the pleura. Grown one generation at a time for
    all branches at once: each generation's groups are contiguous runs of one ordering of the
    points, so means, spreads and the halving sort are whole-array operations. Returns per
    generation an array of segments (x0 y0 z0 x1 y1 z1 r0 r1)."""
    pts = np.asarray(points, float)
    bounds = np.array([0, len(pts)])  # group g is pts[bounds[g]:bounds[g + 1]]
    starts = np.asarray(start, float)[None, :]
    radii = np.array([float(radius)])
    out = []
    depth = 0
    while len(radii):
        lo, hi = bounds[:-1], bounds[1:]
        count = hi - lo
        group = np.repeat(np.arange(len(count)), count)
        centre = np.add.reduceat(pts, lo, axis=0) / count[:, None]
        leaf = (count <= 2) | (radii < r_min)
        segs = np.empty((len(count), 8))
        segs[:, 0:3] = starts
        frac = 0.45 if depth < 2 else 0.62
        ends = np.where(leaf[:, None], centre, starts + (centre - starts) * frac)
        segs[:, 3:6] = ends
        segs[:, 6] = radii
        segs[:, 7] = np.where(leaf, np.maximum(radii * 0.7, 0.3), radii * 0.96)
        out.append(segs)
        grow = ~leaf
        if not grow.any():
            break
        # split each growing group in two halves along its widest mean spread
        spread = np.add.reduceat(np.abs(pts - centre[group]), lo, axis=0)
        axis = np.argmax(spread, axis=1)
        keep = grow[group]
        pts, group = pts[keep], group[keep]
        key = pts[np.arange(len(pts)), axis[group]]
        order = np.lexsort((key, group))
        pts = pts[order]
        g_ids = np.flatnonzero(grow)
        n = count[g_ids]
        k = n // 2
        new_lo = np.concatenate([[0], np.cumsum(n)[:-1]])
        bounds = np.stack([new_lo, new_lo + k], axis=1).reshape(-1)
        bounds = np.append(bounds, len(pts))
        halves = np.stack([k, n - k], axis=1).reshape(-1)
        starts = np.repeat(ends[g_ids], 2, axis=0)
        radii = np.repeat(radii[g_ids] * 0.96, 2) * (halves / np.repeat(n, 2)) ** (1 / 3)
        depth += 1
    return out


def _splat_segments(canvas: Canvas, box: Box, segs: np.ndarray, value: float, label: int) -> None:
    """Thin vessels as their volume per voxel: points every 0.4 mm along each segment add
    pi r^2 * step to the voxel they fall in (the scanner's blur does the rest); painted only
    over lung."""
    if len(segs) == 0:
        return
    g = canvas.grid
    a, b = segs[:, 0:3], segs[:, 3:6]
    length = np.linalg.norm(b - a, axis=1)
    n = np.maximum(np.ceil(length / 0.4).astype(int), 1)
    seg_id = np.repeat(np.arange(len(segs)), n)
    t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + 0.5) / np.repeat(n, n)
    p = a[seg_id] + (b - a)[seg_id] * t[:, None]
    r = segs[seg_id, 6] + (segs[seg_id, 7] - segs[seg_id, 6]) * t
    vol = np.pi * r * r * (length[seg_id] / n[seg_id])
    o = np.array(g.origin_mm)
    sp = np.array(g.spacing_mm)
    ijk = np.rint((p - o) / sp).astype(int)  # (x, y, z) indices
    lo = np.array([box.index[2].start, box.index[1].start, box.index[0].start])
    shape = np.array([box.shape[2], box.shape[1], box.shape[0]])
    rel = ijk - lo
    ok = np.all((rel >= 0) & (rel < shape), axis=1)
    flat = (rel[ok, 2] * box.shape[1] + rel[ok, 1]) * box.shape[2] + rel[ok, 0]
    cells, inverse = np.unique(flat, return_inverse=True)
    frac_cells = np.minimum(np.bincount(inverse, weights=vol[ok] / float(np.prod(sp))), 1.0).astype(np.float32)
    hu_box, lab_box = canvas.hu[box.index], canvas.labels[box.index]
    zz, rest = np.divmod(cells, box.shape[1] * box.shape[2])
    yy, xx = np.divmod(rest, box.shape[2])
    on_lung = lab_box[zz, yy, xx] == labels.LUNG
    zz, yy, xx, a = zz[on_lung], yy[on_lung], xx[on_lung], frac_cells[on_lung]
    hu_box[zz, yy, xx] += a * (F(value) - hu_box[zz, yy, xx])
    strong = a >= 0.5
    lab_box[zz[strong], yy[strong], xx[strong]] = label


def _vessel_trees(canvas: Canvas, plan: BodyPlan, box: Box, rng: np.random.Generator) -> None:
    """Pulmonary arteries (with their bronchi near the hilum) and veins: two space-filling
    trees per lung from each hilum, tapering to the periphery. Branches thicker than 1.2 mm are
    drawn as tubes, the thin ones splatted as their volume."""
    s = plan.habitus.width_scale
    vessel_hu = hu_of("lung_vessel", plan.habitus.contrast, rng)
    lung = canvas.labels[box.index] == labels.LUNG
    idx = np.flatnonzero(lung)
    if len(idx) < 100:
        return
    kz, ky, kx = np.unravel_index(idx[rng.integers(0, len(idx), 12000)], lung.shape)
    pts = np.stack([box.x[0, 0, kx], box.y[0, ky, 0], box.z[kz, 0, 0]], axis=1).astype(float)
    pts += rng.uniform(-0.5, 0.5, pts.shape) * np.array(canvas.grid.spacing_mm)
    mid_x = plan.spine_xy(float(plan.z_of(11.5)))[0]
    thin = []
    for side in (-1, 1):
        mine = pts[(pts[:, 0] - mid_x) * side > 0]
        if len(mine) < 50:
            continue
        half = len(mine) // 2
        for kind, hilum, chosen in (("artery", plan.at_level(11.2, side * 36 * s, -38 * s), mine[:half]),
                                    ("vein", plan.at_level(12.3, side * 30 * s, -50 * s), mine[half:])):
            for depth, segs in enumerate(_grow_tree(chosen, hilum, 6.5 * s, 0.35)):
                big = segs[:, 6] >= 1.2
                thin.append(segs[~big])
                for a0, a1, a2, b0, b1, b2, ra, rb in segs[big]:
                    a, b_ = np.array([a0, a1, a2]), np.array([b0, b1, b2])
                    paint_tube(canvas, np.stack([a, b_]), [ra, rb], vessel_hu, labels.VESSEL, only_label=labels.LUNG)
                    if kind == "artery" and depth < 3 and ra > 2.0:  # the bronchus beside it: wall, then air
                        d = (b_ - a) / max(np.linalg.norm(b_ - a), 1e-6)
                        off = np.cross(d, [0, 0, 1.0])
                        off = off / (np.linalg.norm(off) + 1e-9) * (ra + 2.5)
                        q = np.stack([a + off, b_ + off])
                        paint_tube(canvas, q, ra * 0.9 + 1.1, 20.0, labels.AIRWAY, only_label=labels.LUNG)
                        paint_tube(canvas, q, ra * 0.9, -950.0, labels.AIRWAY)
    if thin:
        _splat_segments(canvas, box, np.concatenate(thin), vessel_hu, labels.VESSEL)


def _calcify(canvas: Canvas, path: np.ndarray, radii: np.ndarray, n: int, rng: np.random.Generator) -> None:
    """`n` calcified plaques (short curved plates, 300-1000 HU) in the wall of a tube, more on its
    back and sides."""
    if n <= 0 or len(path) < 2:
        return
    seg = np.diff(path, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    for _ in range(n):
        i = int(rng.choice(len(seg), p=lengths / lengths.sum()))
        t = rng.uniform(0, 1)
        tan = seg[i] / max(lengths[i], 1e-6)
        c = path[i] + seg[i] * t
        r = float(radii[i] + (radii[i + 1] - radii[i]) * t)
        n1 = np.cross(tan, [1.0, 0.0, 0.0])
        n1 /= max(np.linalg.norm(n1), 1e-6)
        n2 = np.cross(tan, n1)
        phi = rng.uniform(0, 2 * np.pi)
        radial = np.cos(phi) * n1 + np.sin(phi) * n2
        if radial[1] < -0.3 and rng.random() < 0.6:  # the front wall calcifies less
            radial = -radial
        circ = np.cross(tan, radial)
        length = rng.uniform(2.0, 9.0)
        p0 = c + radial * (r - 0.6) - circ * length / 2 + tan * rng.uniform(-2, 2)
        p1 = c + radial * (r - 0.6) + circ * length / 2
        paint_tube(canvas, np.stack([p0, p1]), rng.uniform(0.6, 1.3), float(rng.uniform(300, 1000)), labels.AORTA)


def render_mediastinum(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Heart with its blood pool, aorta, venae cavae, pulmonary trunk, trachea and oesophagus."""
    hab = plan.habitus
    s = hab.width_scale
    ph = hab.contrast
    blood = hu_of("heart", ph, rng)
    heart_c = plan.at_level(12.7 + rng.normal(0, 0.4), 22 * s, -78 * s)
    ax = rotation(-35, -20, 0)
    waves = organ_waves(rng, 4, 0.07)  # one heart shape: fat, muscle and blood pool follow it
    paint_ellipsoid(canvas, trunk, heart_c, (62 * s, 50 * s, 52 * s), ax, -85.0, labels.FAT, waves=waves,
                    edge_mm=1.5)  # pericardial fat
    paint_ellipsoid(canvas, trunk, heart_c, (58 * s, 46 * s, 48 * s), ax, hu_of("myocardium", ph, rng), labels.HEART,
                    waves=waves, edge_mm=1.5)
    paint_ellipsoid(canvas, trunk, heart_c + np.array([-8, 2, 4]), (40 * s, 30 * s, 34 * s), ax, blood, labels.HEART,
                    waves=organ_waves(rng, 3, 0.1), edge_mm=1.5)
    # aorta: root, arch over the left main bronchus, descending on the left front of the spine
    a_hu = hu_of("aorta", ph, rng)
    d = lambda ell: _body_depth(plan, ell)  # noqa: E731
    path = [(11.0, 2, -70), (9.3, 4, -62), (8.4, 10, -40), (8.9, 20, -d(9) - 14), (10.5, 20, -d(10.5) - 12),
            (14.0, 16, -d(14) - 12), (17.0, 12, -d(17) - 12), (20.0, 8, -d(20) - 11), (22.6, 4, -d(22.6) - 10)]
    pts = np.stack([plan.at_level(e, x * s, y) for e, x, y in path])
    radii = np.interp(np.arange(len(pts)), [0, 3, 8], [15, 12, 9]) * s * rng.uniform(0.9, 1.2)
    paint_tube(canvas, pts, radii, a_hu, labels.AORTA)
    iliacs = []
    for side in (-1, 1):  # common iliac arteries
        il = np.stack([pts[-1], plan.at_level(24.5, side * 30 * s, -d(23) - 10), plan.at_level(26.5, side * 55 * s, -30)])
        paint_tube(canvas, il, 6.0 * s, a_hu, labels.AORTA)
        iliacs.append(il)
    # atherosclerosis: calcified plaques in the wall, mostly in the abdominal aorta and the
    # iliacs, more and more with age (bright specks in front of and beside the lumbar spine)
    n_plaques = int(rng.poisson(40.0 * hab.age ** 2.5))
    if n_plaques:
        _calcify(canvas, pts[5:], radii[5:], int(n_plaques * 0.65), rng)
        for il in iliacs:
            _calcify(canvas, il, np.full(len(il), 6.0 * s), int(n_plaques * 0.2), rng)
    # inferior vena cava (right, in front of the spine) into the right atrium; superior vena cava
    ivc = np.stack([plan.at_level(e, x * s, y) for e, x, y in
                    [(22.8, -20, -d(22.8) - 8), (19.0, -24, -d(19) - 14), (16.5, -22, -40), (14.6, -18, -55)]])
    paint_tube(canvas, ivc, 11.0 * s, hu_of("ivc", ph, rng), labels.VESSEL)
    svc = np.stack([plan.at_level(e, -28 * s, y) for e, y in [(7.2, -60), (11.0, -62)]])
    paint_tube(canvas, svc, 9.0 * s, hu_of("ivc", ph, rng) if ph != "arterial" else float(rng.uniform(300, 900)), labels.VESSEL)
    paint_tube(canvas, np.stack([plan.at_level(11.5, 8 * s, -70), plan.at_level(10.4, 18 * s, -55), plan.at_level(10.6, 38 * s, -45)]),
               13.0 * s, blood * 0.9, labels.VESSEL)
    # trachea down to the carina, and the main bronchi
    carina = plan.at_level(10.8, 0, -32)
    trachea = np.stack([plan.at_level(4.0, 0, -28), plan.at_level(7.0, 0, -25), carina])
    paint_tube(canvas, trachea, 10.5 * s, 30.0, labels.AIRWAY)
    paint_tube(canvas, trachea, 8.5 * s, -990.0, labels.AIRWAY)
    for side in (-1, 1):
        br = np.stack([carina, carina + np.array([side * 28 * s, -8, -22])])
        paint_tube(canvas, br, 7.5 * s, 30.0, labels.AIRWAY)
        paint_tube(canvas, br, 5.8 * s, -990.0, labels.AIRWAY)
    eso = np.stack([plan.at_level(e, x * s, -d(e) - 6) for e, x in [(5.0, 2), (10.0, 6), (15.0, 12), (16.8, 30)]])
    paint_tube(canvas, eso, 7.0 * s, 35.0, labels.BOWEL)
