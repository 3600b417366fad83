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
from .noise import coarse_noise
from .plan import BodyPlan
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


def paint_ellipsoid(canvas: Canvas, trunk: Trunk, centre: np.ndarray, radii: tuple[float, float, float],
                    axes: np.ndarray, value: "float | callable", label: int | None, margin_mm: float = 2.0,
                    ) -> tuple[Box, np.ndarray, tuple] | None:
    """Paint an ellipsoidal organ, kept inside the body wall; returns (box, coverage, local uvw)."""
    g = canvas.grid
    ext = np.abs(axes.T) @ np.asarray(radii, float) + 2
    box = g.box(centre - ext, centre + ext)
    if box is None:
        return None
    u, v, w = box.local(centre, axes)
    occ = coverage(ellipsoid(u, v, w, radii), g.voxel_mm) * cavity_cover(trunk, box, margin_mm, g.voxel_mm, 0)
    val = value(u, v, w) if callable(value) else value
    canvas.paint(box, occ, val, label)
    return box, occ, (u, v, w)


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
    paint_ellipsoid(canvas, trunk, plan.at_level(17.0 + rng.normal(0, 0.4), -62 * s, -40 * s), (88 * s, 80 * s, 85 * s),
                    rotation(10, 0, -8), tex, labels.LIVER)
    paint_ellipsoid(canvas, trunk, plan.at_level(16.6, 15 * s, -95 * s), (62 * s, 38 * s, 42 * s), rotation(-15), liver_hu,
                    labels.LIVER)
    # spleen, stomach, pancreas
    paint_ellipsoid(canvas, trunk, plan.at_level(17.3, 88 * s, 5 * s), (38 * s, 26 * s, 52 * s), rotation(35, 0, 10),
                    hu_of("spleen", ph, rng), labels.SPLEEN)
    st = paint_ellipsoid(canvas, trunk, plan.at_level(17.0, 55 * s, -75 * s), (55 * s, 40 * s, 50 * s), rotation(-30),
                         float(rng.uniform(5, 25)), labels.STOMACH)
    if st is not None:  # gas floats to the front (the patient is supine)
        box, occ, (u, v, w) = st
        gas = coverage(v + F(rng.uniform(5, 25) * s), canvas.grid.voxel_mm)
        canvas.paint(box, occ * gas * coverage(ellipsoid(u, v, w, (50 * s, 35 * s, 45 * s)), 1.0), -950.0)
    paint_ellipsoid(canvas, trunk, plan.at_level(19.2, 15 * s, -45 * s), (60 * s, 12 * s, 16 * s), rotation(-15),
                    hu_of("pancreas", ph, rng), labels.BOWEL)
    # kidneys: cortex, medulla, sinus fat, with the upper poles tilted towards the spine
    for side, dl in ((-1, 0.5), (1, 0.0)):
        c = plan.at_level(19.6 + dl + rng.normal(0, 0.3), side * 68 * s, 8 * s)
        ax = rotation(side * 25, 0, side * 12)
        paint_ellipsoid(canvas, trunk, c, (30 * s, 22 * s, 55 * s), ax, hu_of("kidney_cortex", ph, rng), labels.KIDNEY)
        paint_ellipsoid(canvas, trunk, c + side * np.array([-4, 0, 0]), (18 * s, 13 * s, 40 * s), ax,
                        hu_of("kidney_medulla", ph, rng), labels.KIDNEY)
        paint_ellipsoid(canvas, trunk, c + np.array([-side * 16 * s, -6, 0]), (9 * s, 8 * s, 22 * s), ax, -70.0, labels.KIDNEY)
    _render_bowel(canvas, trunk, plan, rng)
    # bladder and rectum in the pelvis
    paint_ellipsoid(canvas, trunk, plan.at_level(28.0, 0, -50 * s), (48 * s, 35 * s, 38 * s), rotation(), float(rng.uniform(2, 15)),
                    labels.BLADDER)


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
    occ = occ * front * (canvas.labels[box.index] == labels.FAT)
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
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    sx = plan.spine_xy(trunk.z_mm[kk])
    ax = r(a * apex)
    by = r(b * np.clip(apex * 1.2, 0, 1))
    cyy = r(cy + b * (1 - np.clip(apex * 1.2, 0, 1)) * 0.6)  # apices sit towards the back
    d = ellipse_2d(box.x - r(cx), box.y - cyy, ax, by)
    # the mediastinum between the lungs: a rounded column from the spine to the sternum
    med_half = np.interp(ell, [5, 7, 9, 10.5, 12, 16, 19], [10, 18, 28, 26, 16, 14, 14]) * s
    med_x = sx[:, 0] + np.interp(ell, [8, 12, 16], [0, 6, 6]) * s
    front = cy - b  # the sternum
    back = sx[:, 1] + 5
    d_med = ellipse_2d(box.x - r(med_x), box.y - r((front + back) / 2), r(med_half), r(np.maximum((back - front) / 2, 5)))
    d = np.maximum(d, -d_med)
    # the spine and the back muscles beside it
    d_sp = F(1.0) - np.sqrt(((box.x - r(sx[:, 0])) / F(26 * s)) ** 2 + ((box.y - r(sx[:, 1] + 8)) / F(32.0)) ** 2)
    d = np.maximum(d, d_sp * F(20.0))
    # diaphragm domes: right higher (the liver), falling to deep recesses at the back and sides
    z = box.z
    for side, ell_top in tops.items():
        zt = float(plan.z_of(ell_top))
        depth = float(plan.z_of(ell_top) - plan.z_of(ell_top + 2.2))
        rho2 = ((box.x - r(cx + side * a * 0.45)) / r(a * 0.75)) ** 2 + ((box.y - r(cy - b * 0.1)) / r(b * 0.9)) ** 2
        dome = F(zt) - F(depth) * rho2
        half = (box.x - r(med_x)) * F(side) > 0
        d = np.where(half, np.maximum(d, dome - z), d)
    occ = coverage(d, g.voxel_mm)
    # dependent (posterior) lung is denser; faint parenchymal texture
    grad = np.clip((box.y - r(cy)) / r(b), -1, 1)
    step = tuple(max(1, int(round(4.0 / sp))) for sp in (g.spacing_mm[2], g.spacing_mm[1], g.spacing_mm[0]))
    tex = coarse_noise(rng, box.shape, step, sigma=0.8)
    value = F(-860.0) + F(45.0) * grad + F(18.0) * tex
    # peripheral vessels: where two independent smooth fields are both near zero their zero
    # surfaces cross in curves, a branching-looking tangle of tubes; made on a 2 mm lattice
    small = tuple(max(1, int(round(2.0 / sp))) for sp in (g.spacing_mm[2], g.spacing_mm[1], g.spacing_mm[0]))
    net = _vessel_network(rng, box.shape, small)
    vessel_hu = hu_of("lung_vessel", plan.habitus.contrast, rng)
    value = value + net * (F(vessel_hu) - value)
    canvas.paint(box, occ, value, labels.LUNG)
    _vessel_trees(canvas, plan, rng)
    return occ


def _vessel_network(rng: np.random.Generator, shape: tuple[int, int, int], step: tuple[int, int, int]) -> np.ndarray:
    """Vessel coverage in [0, 1]: a tube network from two smooth fields, enlarged from a lattice."""
    from .noise import _separable_linear, smooth_noise

    cshape = tuple(int(np.ceil(n / s_)) + 2 for n, s_ in zip(shape, step))
    n1 = smooth_noise(rng, cshape, 1.8)
    n2 = smooth_noise(rng, cshape, 1.8)
    width = F(0.22) * (F(1.0) + F(0.5) * smooth_noise(rng, cshape, 4.0))  # thicker and thinner vessels
    tube = np.clip(F(1.0) - np.sqrt(n1 * n1 + n2 * n2) / np.maximum(width, F(0.03)), 0, 1)
    coords = [np.arange(n, dtype=np.float32) / np.float32(n / (cn - 2)) + 0.5 for n, cn in zip(shape, cshape)]
    return np.clip(_separable_linear(tube, coords) * F(2.2), 0, 1)


def _vessel_trees(canvas: Canvas, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Branching pulmonary vessels (and bronchi beside the first ones) grown from each hilum."""
    s = plan.habitus.width_scale
    vessel_hu = hu_of("lung_vessel", plan.habitus.contrast, rng)
    for side in (-1, 1):
        hilum = plan.at_level(11.5, side * 38 * s, -35 * s)
        stack = [(hilum, np.array([side * 0.8, 0.1, rng.uniform(-0.6, 0.6)]), 7.0, 0)]
        while stack:
            p, d, radius, depth = stack.pop()
            d = d / np.linalg.norm(d)
            length = radius * rng.uniform(5.0, 8.0)
            q = p + d * length
            paint_tube(canvas, np.stack([p, q]), [radius, radius * 0.8], vessel_hu, labels.VESSEL, only_label=labels.LUNG)
            if depth < 2:  # the airway beside the early generations: wall then air
                off = np.cross(d, [0, 0, 1.0])
                off = off / (np.linalg.norm(off) + 1e-9) * (radius + 3)
                paint_tube(canvas, np.stack([p + off, q + off]), radius * 0.9 + 1.2, 20.0, labels.AIRWAY, only_label=labels.LUNG)
                paint_tube(canvas, np.stack([p + off, q + off]), radius * 0.9, -950.0, labels.AIRWAY)
            if depth < 5 and radius > 1.0:
                for _ in range(2 if depth > 0 else 4):
                    nd = d + rng.normal(0, 0.7, 3)
                    if depth == 0:
                        nd[2] += rng.choice([-1.2, 1.0])
                    stack.append((q, nd, radius * rng.uniform(0.62, 0.78), depth + 1))


def render_mediastinum(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Heart with its blood pool, aorta, venae cavae, pulmonary trunk, trachea and oesophagus."""
    hab = plan.habitus
    s = hab.width_scale
    ph = hab.contrast
    blood = hu_of("heart", ph, rng)
    heart_c = plan.at_level(12.7 + rng.normal(0, 0.4), 22 * s, -78 * s)
    ax = rotation(-35, -20, 0)
    paint_ellipsoid(canvas, trunk, heart_c, (62 * s, 50 * s, 52 * s), ax, -85.0, labels.FAT)  # pericardial fat
    paint_ellipsoid(canvas, trunk, heart_c, (58 * s, 46 * s, 48 * s), ax, hu_of("myocardium", ph, rng), labels.HEART)
    paint_ellipsoid(canvas, trunk, heart_c + np.array([-8, 2, 4]), (40 * s, 30 * s, 34 * s), ax, blood, labels.HEART)
    # aorta: root, arch over the left main bronchus, descending on the left front of the spine
    a_hu = hu_of("aorta", ph, rng)
    d = lambda ell: _body_depth(plan, ell)  # noqa: E731
    path = [(11.0, 2, -70), (9.3, 4, -62), (8.4, 10, -40), (8.9, 20, -d(9) - 14), (10.5, 20, -d(10.5) - 12),
            (14.0, 16, -d(14) - 12), (17.0, 12, -d(17) - 12), (20.0, 8, -d(20) - 11), (22.6, 4, -d(22.6) - 10)]
    pts = np.stack([plan.at_level(e, x * s, y) for e, x, y in path])
    radii = np.interp(np.arange(len(pts)), [0, 3, 8], [15, 12, 9]) * s * rng.uniform(0.9, 1.2)
    paint_tube(canvas, pts, radii, a_hu, labels.AORTA)
    for side in (-1, 1):  # common iliac arteries
        il = np.stack([pts[-1], plan.at_level(24.5, side * 30 * s, -d(23) - 10), plan.at_level(26.5, side * 55 * s, -30)])
        paint_tube(canvas, il, 6.0 * s, a_hu, labels.AORTA)
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
