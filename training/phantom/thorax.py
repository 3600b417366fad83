"""The bony thorax: ribs with costal cartilage, sternum, clavicles and scapulae.

The rib cage is an ellipse per axial slice (`cage_at`): narrow at the first ribs and widest at
ribs 7-8, its back arc passing the rib angles some 30 mm behind the vertebral bodies, its front
inside the chest wall. Each rib leaves its own thoracic vertebra: head against the body's
posterolateral corner, tubercle against the transverse process, then it follows the cage round
to the front, sloping down, and costal cartilage carries ribs 1-10 on towards the sternum.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Canvas
from .levels import region, size_position
from .plan import BodyPlan
from .raster import BoneParts
from .sdf import capsule, coverage, ellipse_2d, rounded_box
from .torso import Trunk

F = np.float32

_CAGE_ELL = np.array([6.5, 7.0, 8.0, 9.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0])
_CAGE_A = np.array([40., 55., 78., 96., 110., 126., 134., 134., 128., 120.])
_RIB_DROP = {1: 22, 2: 38, 3: 52, 4: 62, 5: 70, 6: 76, 7: 78, 8: 76, 9: 70, 10: 62, 11: 45, 12: 30, 13: 22}
_RIB_END_DEG = {1: 150, 2: 148, 3: 145, 4: 142, 5: 140, 6: 137, 7: 133, 8: 125, 9: 118, 10: 112, 11: 98, 12: 82, 13: 70}


def cage_at(plan: BodyPlan, trunk: Trunk, k: "int | np.ndarray") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(cx, cy, A, B) of the rib cage ellipse (rib centres) in render slice(s) k."""
    z = trunk.z_mm[k]
    ell = plan.ell(z)
    xy = plan.spine_xy(z)
    cxw, cyw, aw, bw = trunk.cavity(k, 0.0)
    A = np.minimum(np.interp(ell, _CAGE_ELL, _CAGE_A) * plan.habitus.width_scale, aw - 4)
    front = cyw - bw + 4  # the front of the cage just inside the chest wall
    back = xy[:, 1] + 30 if np.ndim(z) else xy[1] + 30  # rib angles ~30 mm behind the bodies
    B = np.maximum((back - front) / 1.87, 20)
    cy = back - 0.87 * B
    return (xy[..., 0], cy, A, B)


def _slice_index(trunk: Trunk, z: float) -> int:
    return int(np.clip(np.searchsorted(trunk.z_mm, z), 0, len(trunk.z_mm) - 1))


def render_ribs(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> list[np.ndarray]:
    """All ribs and their cartilage; returns each rib's anterior end (for the sternum)."""
    grid = canvas.grid
    s = plan.habitus.width_scale
    thoracic = [v for v in plan.spine.vertebrae if region(v.level) == "T"]
    ends = []
    calcified = rng.uniform(0, 1)
    sternum_y = None
    for vt in thoracic:
        n = int(vt.level[1:])
        if vt.body is None:
            continue
        p = vt.body.points_vw_mm
        sz = vt.size
        v_back = float(max(p[4, 0], p[5, 0]))
        w_top = float(p[4, 1])
        w_bot = float(p[5, 1])
        w_ped = w_bot + 0.62 * (w_top - w_bot)
        u_ped = sz.canal_width_mm / 2 + sz.pedicle_width_mm * 0.45
        back = np.radians(sz.transverse_back_deg)
        # the head meets the bodies at their posterolateral corner across a joint space: ribs 2-9
        # at the disc above their vertebra (demifacets on both bodies), 1 and 10-12 on their own body
        disc_above = sz.disc_height_mm
        w_head = w_top + 0.35 * disc_above if 2 <= n <= 9 else w_top - 0.3 * (w_top - w_bot)
        v_head = v_back - 5.0
        r_head = 4.6 * s
        for side in (-1.0, 1.0):
            u_surf = _body_side(vt, v_head, min(w_head, w_top - 0.5))
            head = vt.to_world(np.array([side * (u_surf + r_head + 1.3), v_head + 0.8, w_head]))
            # the tubercle sits in front of the transverse process's tip, a joint space between
            tl = sz.transverse_length_mm + 3
            d_tp = np.array([side * np.cos(back), np.sin(back)])
            n_tp = np.array([side * np.sin(back), -np.cos(back)])
            tip = np.array([side * u_ped, v_back + sz.pedicle_length_mm - 2]) + d_tp * tl
            tub_uv = tip + n_tp * (4.5 + 4.2 * s + 1.2) - d_tp * 2.0
            tub = vt.to_world(np.array([tub_uv[0], tub_uv[1], w_ped + 1.0]))
            k = _slice_index(trunk, float(tub[2]))
            cx, cy, A, B = (float(q) for q in cage_at(plan, trunk, k))
            phi0 = np.degrees(np.arctan2(side * (tub[0] - cx) / A, (tub[1] - cy) / B))
            phi0 = float(np.clip(phi0, 8, 40))
            phi_end = _RIB_END_DEG.get(n, 80) + rng.normal(0, 3)
            drop = _RIB_DROP.get(n, 30) * s * rng.uniform(0.85, 1.15)
            phis = np.linspace(phi0 + 8, phi_end, 16)
            t = (phis - phis[0]) / (phis[-1] - phis[0])
            pts = [head, tub]
            for ph, tt in zip(phis, t):
                zz = tub[2] - drop * tt ** 1.2
                kk = _slice_index(trunk, zz)
                cx2, cy2, A2, B2 = (float(q) for q in cage_at(plan, trunk, kk))
                a = np.radians(ph)
                pts.append(np.array([cx2 + side * A2 * np.sin(a), cy2 + B2 * np.cos(a), zz]))
            pts = np.stack(pts)
            radii = np.interp(np.arange(len(pts)), [0, 1, 4, len(pts) - 1], [4.5, 4.2, 4.6, 3.6]) * s
            if n == 1:
                radii = radii * 1.2
            _paint_bone_tube(canvas, pts, radii, 1.0, float(rng.uniform(650, 850)), float(rng.uniform(120, 250)), labels.RIB)
            ends.append(pts[-1])
            if n <= 10:  # costal cartilage towards the sternum (8-10 join the costal margin)
                k_end = _slice_index(trunk, float(pts[-1][2]))
                cxe, cye, Ae, Be = (float(q) for q in cage_at(plan, trunk, k_end))
                st_y = cye - Be
                if n <= 7:
                    z_st = float(plan.z_of(7.6 + 0.9 * (n - 1) ** 1.05))
                    target = np.array([cxe + side * (14 + 3 * n) * s, st_y + 3, z_st])
                else:
                    target = np.array([cxe + side * (40 + 12 * (n - 7)) * s, st_y + 10 + 4 * (n - 7), pts[-1][2] + 20])
                mid = (pts[-1] + target) / 2 + np.array([side * 6, -6, 0])
                cart = np.stack([pts[-1], mid, target])
                hu = 110.0 + 300.0 * calcified * (rng.random() < 0.5)
                _paint_bone_tube(canvas, cart, np.array([3.6, 3.4, 3.2]) * s, 0.0, hu, hu, labels.COSTAL_CARTILAGE)
                sternum_y = st_y if sternum_y is None else sternum_y
    return ends


def _body_side(vt, v: float, w: float) -> float:
    """Half-width of the vertebral body's solid at (v, w) in its frame (bisection on the walls)."""
    lo, hi = 0.0, vt.body.half_width_mm + 2.0
    for _ in range(25):
        mid = (lo + hi) / 2
        inside = vt.body.walls(np.float32(mid), np.float32(v), np.float32(w)) <= 0
        lo, hi = (mid, hi) if inside else (lo, mid)
    return lo


def _paint_bone_tube(canvas: Canvas, pts: np.ndarray, radii: np.ndarray, shell_mm: float, cortical_hu: float,
                     marrow_hu: float, label: int) -> None:
    lo, hi = pts.min(axis=0) - radii.max() - 2, pts.max(axis=0) + radii.max() + 2
    parts = BoneParts(canvas.grid, np.zeros(3), np.eye(3), lo, hi)
    for a, b, ra, rb in zip(pts, pts[1:], radii, radii[1:]):
        m = max(ra, rb) + 1.5
        parts.add(lambda x, y, z, a=a, b=b, ra=ra, rb=rb: capsule(x, y, z, a, b, ra, rb),
                  np.minimum(a, b) - m, np.maximum(a, b) + m, shell_mm)
    if shell_mm <= 0:
        if parts.box is not None:
            canvas.paint(parts.box, parts.outer, cortical_hu, label)
        return
    parts.paint(canvas, cortical_hu, marrow_hu, label)


def render_sternum(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Manubrium and body, in the front of the chest wall, sloping forward as they descend."""
    s = plan.habitus.width_scale
    segs = [(7.4, 8.9, 26.0, 6.5), (9.0, 14.6, 15.0, 5.0), (14.6, 15.6, 8.0, 3.0)]  # ell range, half-width, half-thickness
    for e0, e1, hw, ht in segs:
        z0, z1 = float(plan.z_of(e1)), float(plan.z_of(e0))
        k0, k1 = _slice_index(trunk, z0), _slice_index(trunk, z1)
        c0 = cage_at(plan, trunk, k0)
        c1 = cage_at(plan, trunk, k1)
        p0 = np.array([float(c0[0]), float(c0[1] - c0[3]) - 2, z0])
        p1 = np.array([float(c1[0]), float(c1[1] - c1[3]) - 2, z1])
        centre = (p0 + p1) / 2
        w = (p1 - p0) / max(np.linalg.norm(p1 - p0), 1e-6)
        u = np.array([1.0, 0, 0]) - w[0] * w
        u /= np.linalg.norm(u)
        axes = np.stack([u, np.cross(w, u), w])
        half_len = np.linalg.norm(p1 - p0) / 2
        parts = BoneParts(canvas.grid, centre, axes, (-hw * s - 3, -ht - 3, -half_len - 3), (hw * s + 3, ht + 3, half_len + 3))
        parts.add(lambda x, y, z, h=(hw * s, ht, half_len): rounded_box(x, y, z, h, min(h[1], 4.0)),
                  (-hw * s - 2, -ht - 2, -half_len - 2), (hw * s + 2, ht + 2, half_len + 2), 1.2)
        parts.paint(canvas, float(rng.uniform(600, 800)), float(rng.uniform(150, 260)), labels.STERNUM)


def render_shoulder_girdle(canvas: Canvas, trunk: Trunk, plan: BodyPlan, rng: np.random.Generator) -> None:
    """Clavicles from the manubrium to the shoulders, and scapulae on the back of the cage."""
    s = plan.habitus.width_scale
    z_top = float(plan.z_of(7.3))
    k = _slice_index(trunk, z_top)
    cx, cy, A, B = (float(q) for q in cage_at(plan, trunk, k))
    half_w = float(trunk.half_width[k] - trunk.fat[k])
    sx, sy = plan.spine_xy(z_top)
    for side in (-1.0, 1.0):
        sc = np.array([cx + side * 22 * s, cy - B - 4, z_top + 4])
        mid = np.array([cx + side * 0.45 * half_w, cy - B - 10, z_top + 10])
        ac = np.array([cx + side * (half_w - 22), sy - 5, z_top + 16])
        _paint_bone_tube(canvas, np.stack([sc, mid, ac]), np.array([8.0, 6.5, 7.0]) * s, 1.5,
                         float(rng.uniform(700, 900)), float(rng.uniform(150, 300)), labels.CLAVICLE)
        _scapula(canvas, trunk, plan, side, rng)


def _scapula(canvas: Canvas, trunk: Trunk, plan: BodyPlan, side: float, rng: np.random.Generator) -> None:
    g = canvas.grid
    z_hi, z_lo = float(plan.z_of(7.2)), float(plan.z_of(13.8 + rng.normal(0, 0.4)))
    k = _slice_index(trunk, (z_hi + z_lo) / 2)
    cx, cy, A, B = (float(q) for q in cage_at(plan, trunk, k))
    lo = np.array([cx + min(0, side) * (A + 40), cy - 20, z_lo - 2])
    hi = np.array([cx + max(0, side) * (A + 40), cy + B + 40, z_hi + 2])
    box = g.box(lo, hi)
    if box is None:
        return
    kk = np.arange(box.index[0].start, box.index[0].stop)
    ccx, ccy, AA, BB = cage_at(plan, trunk, kk)
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    dx, dy = box.x - r(ccx), box.y - r(ccy)
    kk_ = np.sqrt((dx / r(AA)) ** 2 + (dy / r(BB)) ** 2)
    R = r(np.minimum(AA, BB))
    phi = np.degrees(np.arctan2(F(side) * dx / r(AA), dy / r(BB)))
    t = np.clip((box.z - F(z_lo)) / F(z_hi - z_lo), 0, 1)  # 0 at the inferior angle, 1 at the top
    phi_med = F(28.0) + F(6.0) * (1 - t)
    phi_lat = phi_med + F(4.0) + F(58.0) * t ** F(0.7)
    thick = F(1.6) + F(3.0) * np.clip((phi - phi_lat + 8) / 8, 0, 1)  # the lateral border is thick
    d_rad = np.abs((kk_ - 1) * R - F(16.0)) - thick
    d_ang = np.maximum(phi_med - phi, phi - phi_lat) * R * F(np.pi / 180)
    d_z = np.maximum(F(z_lo) - box.z, box.z - F(z_hi))
    d = np.maximum(np.maximum(d_rad, d_ang), d_z)
    # the spine of the scapula: a ridge across the back of the upper blade
    z_sp = F(z_hi - 0.22 * (z_hi - z_lo))
    ridge = np.maximum(np.maximum(np.abs(box.z - z_sp) - F(4.0), np.abs((kk_ - 1) * R - F(22.0)) - F(6.0)),
                       np.maximum(phi_med + 4 - phi, phi - phi_lat - 10) * R * F(np.pi / 180))
    d = np.minimum(d, ridge)
    canvas.paint(box, coverage(d, g.voxel_mm), float(rng.uniform(550, 750)), labels.SCAPULA)
