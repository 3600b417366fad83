"""Rendering one vertebra (body, posterior elements), the discs and the spinal canal.

Everything is built in the vertebra's frame (u left, v posterior, w superior; origin the mean
of its six points) from its LevelSize, so one code path draws cervical, thoracic and lumbar
vertebrae; the atlas (C1) and the dens of the axis (C2) have their own pieces.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Canvas
from .levels import region
from .noise import sigma_vox, smooth_noise
from .raster import BoneParts, local_box
from .sdf import capsule, coverage, ellipse_2d, ellipsoid, segment_distance
from .spine import Disc, Vertebra

F = np.float32


def _posterior_wall(v: Vertebra) -> tuple[float, float, float]:
    """(v of the back wall, w of its top, w of its bottom) in the local frame."""
    if v.body is None:  # atlas: an imaginary body around the dens
        return 6.0, 6.0, -6.0
    p = v.body.points_vw_mm
    return float(max(p[4, 0], p[5, 0])), float(p[4, 1]), float(p[5, 1])


def _plate(u, v, w, a, b, radius, half_thickness, plane: str, radius_b: float | None = None):
    """A flat bar: a 2-D (tapered) capsule in one plane of the frame, extruded +-half_thickness."""
    rb = radius if radius_b is None else radius_b
    if plane == "vw":  # sagittal plate (spinous process)
        d, t = segment_distance(F(0) * u, v, w, (0, a[0], a[1]), (0, b[0], b[1]))
        return np.maximum(d - (F(radius) + t * F(rb - radius)), np.abs(u) - F(half_thickness))
    d, t = segment_distance(u, v, F(0) * w, (a[0], a[1], 0), (b[0], b[1], 0))  # axial plate (lamina)
    return np.maximum(d - (F(radius) + t * F(rb - radius)), np.abs(w - F(a[2])) - F(half_thickness))


def render_posterior_elements(canvas: Canvas, vt: Vertebra, rng: np.random.Generator) -> None:
    s = vt.size
    reg = region(vt.level)
    v_back, w_top, w_bot = _posterior_wall(vt)
    H = w_top - w_bot
    u_ped = s.canal_width_mm / 2 + s.pedicle_width_mm * 0.45
    w_ped = w_bot + 0.62 * H if vt.level != "C1" else 0.0
    v_ped_end = v_back + s.pedicle_length_mm
    v_lam_mid = v_back + s.canal_ap_mm + s.lamina_thickness_mm / 2
    reach = s.transverse_length_mm + u_ped + 12
    span_back = s.canal_ap_mm + s.spinous_length_mm + 12
    parts = BoneParts(canvas.grid, vt.centre_mm, vt.axes, (-reach - 8, v_back - 14, w_bot - 22),
                      (reach + 8, v_back + span_back + 4, w_top + 16))
    shell = 0.9

    if vt.level == "C1":
        _atlas(parts, vt)
    else:
        for side in (-1.0, 1.0):
            up = side * u_ped
            half_len = (v_ped_end - v_back + 4) / 2
            vm = v_back - 3 + half_len
            pw, ph = s.pedicle_width_mm / 2, min(s.pedicle_height_mm, 0.8 * H) / 2
            parts.add(lambda u, v, w, up=up, vm=vm, pw=pw, ph=ph, hl=half_len:
                      np.maximum(ellipse_2d(u - F(up), w - F(w_ped), F(pw), F(ph)), np.abs(v - F(vm)) - F(hl)),
                      (up - pw - 1, vm - half_len - 1, w_ped - ph - 1), (up + pw + 1, vm + half_len + 1, w_ped + ph + 1), shell)
            # lamina: from the pedicle's end to the midline behind the canal, tilted like a shingle
            lam_h = 0.85 * H if reg != "C" else 0.75 * H
            a = (up, v_ped_end - 1, w_ped - 0.25 * H)
            b = (0.0, v_lam_mid, w_ped - 0.25 * H)
            r = s.lamina_thickness_mm / 2
            parts.add(lambda u, v, w, a=a, b=b, r=r, hh=lam_h / 2: _plate(u, v, w - F(0.15) * (v - F(v_back)), a, b, r, hh, "uv"),
                      (min(up, 0) - r - 2, v_ped_end - r - 3, a[2] - lam_h), (max(up, 0) + r + 2, v_lam_mid + r + 3, a[2] + lam_h), shell)
            # articular processes: a pillar up and one down at the pedicle-lamina junction
            uf = up + side * (2.0 if reg == "L" else 0.0)
            vf = v_ped_end - 1
            rf = 4.5 if reg == "L" else 3.5 if reg == "T" else 4.0
            top, bottom = (uf, vf + 1.5, w_top + 4.0), (uf - side * (2.5 if reg == "L" else 0.0), vf + 4.0, w_bot - 5.0)
            for end in (top, bottom):
                start = (uf, vf, w_ped - 0.2 * H)
                parts.add(lambda u, v, w, a=start, b=end, r=rf: capsule(u, v, w, a, b, r),
                          np.minimum(start, end) - rf - 1, np.maximum(start, end) + rf + 1, shell)
            # transverse process
            back = np.radians(s.transverse_back_deg)
            if reg == "C":
                # cervical: from the side of the body, anterior to the pillar, with the foramen for the artery
                base = (side * (vt.body.half_width_mm * 0.8 if vt.body else 10), v_back - 5, w_ped - 2)
                tip = (side * (vt.body.half_width_mm * 0.8 + s.transverse_length_mm if vt.body else 30), v_back - 2, w_ped - 3)
                hole = (side * (vt.body.half_width_mm * 0.8 + 4.0 if vt.body else 14), v_back - 3.5)
                parts.add(lambda u, v, w, a=base, b=tip, hole=hole:
                          np.maximum(capsule(u, v, w, a, b, 3.2), F(2.2) - np.sqrt((u - F(hole[0])) ** 2 + (v - F(hole[1])) ** 2)),
                          np.minimum(base, tip) - 5, np.maximum(base, tip) + 5, shell)
            else:
                base = (up, v_ped_end - 2, w_ped)
                length = s.transverse_length_mm + 3
                tip = (up + side * length * np.cos(back), base[1] + length * np.sin(back), w_ped + (2 if reg == "T" else 0))
                r0, r1 = (5.0, 4.5) if reg == "T" else (4.0, 2.8)
                parts.add(lambda u, v, w, a=base, b=tip, r0=r0, r1=r1: capsule(u, v, w, a, b, r0, r1),
                          np.minimum(base, tip) - r0 - 1, np.maximum(base, tip) + r0 + 1, shell)
        # spinous process: a sagittal plate going back and down
        ang = np.radians(s.spinous_angle_deg)
        start = (v_lam_mid - 2, w_ped - 0.25 * H)
        end = (start[0] + s.spinous_length_mm * np.cos(ang), start[1] - s.spinous_length_mm * np.sin(ang))
        r = s.spinous_height_mm / 2
        r0 = min(r, 5.0) if reg == "L" else r * 0.9  # lumbar: narrow neck, broad hatchet tip
        th = {"C": 2.5, "T": 3.5, "L": 4.5}.get(reg, 4.0)
        parts.add(lambda u, v, w, a=start, b=end, r=r, r0=r0, th=th: _plate(u, v, w, a, b, r0, th, "vw", r),
                  (-th - 1, min(start[0], end[0]) - r - 1, min(start[1], end[1]) - r - 1),
                  (th + 1, max(start[0], end[0]) + r + 1, max(start[1], end[1]) + r + 1), shell)
        if reg == "T":  # the tip thickens into a knob
            parts.add(lambda u, v, w, c=end: ellipsoid(u, v - F(c[0]), w - F(c[1]), (th + 1.5, 4.0, r + 1.0)),
                      (-th - 3, end[0] - 5, end[1] - r - 3), (th + 3, end[0] + 5, end[1] + r + 3), shell)
        if vt.level == "C2":  # the dens rises from the body into the atlas ring
            base = (0.0, -1.5, w_top - 2)
            tip = (0.0, 0.0, w_top + 14.0)
            parts.add(lambda u, v, w, a=base, b=tip: capsule(u, v, w, a, b, 5.0, 4.0),
                      (-7, -9, w_top - 8), (7, 7, w_top + 20), 0.8)
    if vt.osteophyte_mm > 0 and vt.body is not None:
        _osteophytes(parts, vt, rng)
    # the posterior elements are mostly compact bone: denser than the body's spongiosa
    marrow = vt.trabecular_hu * 1.4 + 170
    parts.paint(canvas, vt.cortical_hu, marrow, labels.posterior(vt.index))


def _atlas(parts: BoneParts, vt: Vertebra) -> None:
    """C1: anterior arch in front of the dens, two lateral masses, posterior arch, long TPs."""
    shell = 0.9
    arch = [(0.0, -11.0), (8.0, -9.0), (13.0, -2.0), (12.0, 10.0), (8.0, 20.0), (0.0, 24.0)]
    for side in (-1.0, 1.0):
        pts = [(side * a, b, 0.0) for a, b in arch]
        for a, b in zip(pts, pts[1:]):
            parts.add(lambda u, v, w, a=a, b=b: capsule(u, v, w, a, b, 3.2), np.minimum(a, b) - 5, np.maximum(a, b) + 5, shell)
        c = (side * 13.0, 1.0, 0.0)
        parts.add(lambda u, v, w, c=c: ellipsoid(u - F(c[0]), v - F(c[1]), w, (6.5, 8.5, 7.5)),
                  np.array(c) - 10, np.array(c) + 10, 1.0)
        tp0, tp1 = (side * 16.0, 0.0, 0.0), (side * 36.0, 2.0, -1.0)
        parts.add(lambda u, v, w, a=tp0, b=tp1: capsule(u, v, w, a, b, 4.0, 3.0), np.minimum(tp0, tp1) - 5, np.maximum(tp0, tp1) + 5, shell)


def _osteophytes(parts: BoneParts, vt: Vertebra, rng: np.random.Generator) -> None:
    """Marginal spurs at the front and side corners of both endplates, pointing to the disc."""
    p = vt.body.points_vw_mm
    L = vt.osteophyte_mm
    for k, sign in ((0, 1.0), (1, -1.0)):  # AS goes up, AI goes down
        for lat in (0.0, -0.55, 0.55):
            u0 = lat * vt.body.half_width_mm
            v0 = p[k, 0] + abs(lat) * 0.35 * (p[4, 0] - p[0, 0]) - 0.3
            a = (u0, v0, p[k, 1] - sign * 1.5)
            b = (u0 * (1 + 0.15), v0 - L * 0.7, p[k, 1] + sign * L * 0.8)
            if rng.random() < 0.75:
                parts.add(lambda u, v, w, a=a, b=b: capsule(u, v, w, a, b, 1.8, 0.6),
                          np.minimum(a, b) - 3, np.maximum(a, b) + 3, 0.7)


def render_body(canvas: Canvas, vt: Vertebra, rng: np.random.Generator) -> None:
    """The body: cortical shell (label = body) and textured trabecular interior."""
    body = vt.body
    if body is None:
        return
    v0, v1, w0, w1 = body.extent_vw()
    hw = body.half_width_mm + 1.0
    box = local_box(canvas.grid, vt.centre_mm, vt.axes, (-hw, v0, w0), (hw, v1, w1))
    if box is None:
        return
    u, v, w = box.local(vt.centre_mm, vt.axes)
    d = body.signed_distance(u, v, w)
    h = canvas.grid.voxel_mm
    shell = F(vt.size.cortical_mm)
    outer = coverage(d, h)
    inner = coverage(d + shell, h)
    grid = canvas.grid
    # trabecular texture: fine mottling plus vertical streaks (the load-bearing trabeculae)
    fine = smooth_noise(rng, box.shape, sigma_vox((0.8, 0.8, 0.9), grid.spacing_mm))
    streak = smooth_noise(rng, box.shape, sigma_vox((0.6, 0.6, 2.5), grid.spacing_mm))
    trab = F(vt.trabecular_hu) * (1 + F(0.16) * fine + F(0.12) * streak)
    # denser subchondral bone just under each endplate
    w_sup, w_inf = body.endplate_w(u, v, True), body.endplate_w(u, v, False)
    near = np.minimum(w_sup - w, w - w_inf)
    trab += F(110.0) * np.exp(-np.maximum(near, 0) / F(1.8))
    if vt.sclerosis_hu > 0:  # impacted trabeculae under the collapsed endplate of a fracture
        trab += F(vt.sclerosis_hu) * np.exp(-np.maximum(w_sup - w, 0) / F(4.0))
    # basivertebral vein: a dark channel entering the back wall at mid-height
    vb = float(max(body.points_vw_mm[4, 0], body.points_vw_mm[5, 0]))
    vein = ellipsoid(u, v - F(vb), w - F(0.5 * (body.points_vw_mm[4, 1] + body.points_vw_mm[5, 1])), (3.0, 7.0, 1.3))
    trab += (F(40.0) - trab) * coverage(vein, h) * F(0.8)
    canvas.paint(box, outer, vt.cortical_hu, labels.body(vt.index))
    canvas.paint(box, inner, trab)
    if vt.cement:
        _cement(canvas, box, u, v, w, inner, vt, rng)


def _cement(canvas: Canvas, box, u, v, w, inner, vt: Vertebra, rng: np.random.Generator) -> None:
    """Vertebroplasty: a few merged cement blobs, confined to the body."""
    body = vt.body
    occ = np.zeros(box.shape, np.float32)
    depth = body.points_vw_mm[4, 0] - body.points_vw_mm[0, 0]
    for _ in range(int(rng.integers(2, 5))):
        c = (rng.uniform(-0.35, 0.35) * body.half_width_mm, rng.uniform(-0.3, 0.2) * depth, rng.uniform(-2, 2))
        r = (rng.uniform(4, 9), rng.uniform(4, 9), rng.uniform(3, 6))
        np.maximum(occ, coverage(ellipsoid(u - F(c[0]), v - F(c[1]), w - F(c[2]), r), canvas.grid.voxel_mm), out=occ)
    # label left as the body: the cement lies inside it (the HU show it)
    canvas.paint(box, occ * inner, float(rng.uniform(2000, 3000)))


def render_screws(canvas: Canvas, vt: Vertebra) -> None:
    """Two pedicle screws converging through the pedicles into the body (metal)."""
    if vt.body is None:
        return
    s = vt.size
    v_back, w_top, w_bot = _posterior_wall(vt)
    w_ped = w_bot + 0.62 * (w_top - w_bot)
    depth = vt.body.points_vw_mm[4, 0] - vt.body.points_vw_mm[0, 0]
    for side in (-1.0, 1.0):
        head = np.array([side * (s.canal_width_mm / 2 + s.pedicle_width_mm * 0.6), v_back + s.pedicle_length_mm + 8.0, w_ped])
        tipp = np.array([side * 4.0, v_back - 0.75 * depth, w_ped - 3.0])
        parts = BoneParts(canvas.grid, vt.centre_mm, vt.axes, np.minimum(head, tipp) - 8, np.maximum(head, tipp) + 8)
        parts.add(lambda u, v, w, a=head, b=tipp: capsule(u, v, w, a, b, 3.2, 2.6), np.minimum(head, tipp) - 5,
                  np.maximum(head, tipp) + 5, 0.0)
        parts.add(lambda u, v, w, c=head: ellipsoid(u - F(c[0]), v - F(c[1]), w - F(c[2]), (6, 6, 6)),
                  head - 7, head + 7, 0.0)
        if parts.box is not None:
            canvas.paint(parts.box, parts.outer, 3500.0, labels.METAL)


def render_rod(canvas: Canvas, polyline: np.ndarray) -> None:
    for a, b in zip(polyline, polyline[1:]):
        box = canvas.grid.box(np.minimum(a, b) - 5, np.maximum(a, b) + 5)
        if box is None:
            continue
        d = capsule(box.x, box.y, box.z, a, b, 2.8)
        canvas.paint(box, coverage(d, canvas.grid.voxel_mm), 3500.0, labels.METAL)


def render_disc(canvas: Canvas, up: Vertebra, lo: Vertebra, disc: Disc, rng: np.random.Generator) -> None:
    """The disc fills exactly the space between the two endplates, bulging slightly beyond the rims."""
    if up.body is None or lo.body is None:
        return
    hw = max(up.body.half_width_mm, lo.body.half_width_mm) + 3
    pu, pl = up.body.points_vw_mm, lo.body.points_vw_mm
    corners = np.concatenate([up.to_world(np.array([[s * hw, pu[k, 0] + dv, pu[k, 1]] for s in (-1, 1) for k in (1, 5) for dv in (-3, 3)])),
                              lo.to_world(np.array([[s * hw, pl[k, 0] + dv, pl[k, 1]] for s in (-1, 1) for k in (0, 4) for dv in (-3, 3)]))])
    mid_depth = max(pu[3, 1] - pu[1, 1], 0) + max(pl[0, 1] - pl[2, 1], 0) + 3  # concavities reach further
    lo_w, hi_w = corners.min(axis=0) - mid_depth, corners.max(axis=0) + mid_depth
    box = canvas.grid.box(lo_w, hi_w)
    if box is None:
        return
    u1, v1, w1 = box.local(up.centre_mm, up.axes)
    u2, v2, w2 = box.local(lo.centre_mm, lo.axes)
    d_top = w1 - up.body.endplate_w(u1, v1, False)
    d_bottom = lo.body.endplate_w(u2, v2, True) - w2
    # walls: each body's outline at its own endplate, blended by the position across the disc
    ws_u = F(0.5 * (pu[1, 1] + pu[5, 1]))
    ws_l = F(0.5 * (pl[0, 1] + pl[4, 1]))
    t = np.clip(d_top / np.minimum(d_top - d_bottom, F(-0.5)), 0, 1)  # 0 at the upper endplate, 1 at the lower
    walls = (1 - t) * up.body.walls(u1, v1, ws_u + F(0) * w1) + t * lo.body.walls(u2, v2, ws_l + F(0) * w2)
    bulge = F(0.8 + 2.0 * (1 - min(disc.height_factor, 1.0)))
    d = np.maximum(np.maximum(d_top, d_bottom), walls - bulge * np.sin(np.pi * t))
    h = canvas.grid.voxel_mm
    occ = coverage(d, h)
    if disc.fused:
        canvas.paint(box, occ, up.cortical_hu * 0.7, labels.disc(up.index))
        canvas.paint(box, coverage(d + F(1.0), h), up.trabecular_hu * 1.1)
        return
    # annulus denser than the nucleus; a little texture
    nucleus = coverage(walls + F(5.0), 2.5)
    tex = smooth_noise(rng, box.shape, sigma_vox((1.5, 1.5, 1.0), canvas.grid.spacing_mm))
    value = F(disc.hu + 15) - F(30.0) * nucleus + F(6.0) * tex
    canvas.paint(box, occ, value, labels.disc(up.index))
    if disc.vacuum:  # gas clefts in a degenerated disc
        c = (rng.uniform(-0.4, 0.4) * hw, rng.uniform(-0.35, 0.1) * (pu[4, 0] - pu[0, 0]))
        gas = ellipse_2d(u1 - F(c[0]), v1 - F(c[1]), F(rng.uniform(4, 12)), F(rng.uniform(2, 6)))
        gas_d = np.maximum(gas, np.maximum(d_top, d_bottom) + F(0.6))
        canvas.paint(box, coverage(gas_d, h) * occ, -900.0)
    if disc.calcified:
        c = (rng.uniform(-0.3, 0.3) * hw, rng.uniform(-0.3, 0.3) * (pu[4, 0] - pu[0, 0]))
        cal = np.maximum(ellipse_2d(u1 - F(c[0]), v1 - F(c[1]), F(rng.uniform(2, 6)), F(rng.uniform(2, 5))),
                         np.maximum(d_top, d_bottom) + F(0.8))
        canvas.paint(box, coverage(cal, h) * occ, float(rng.uniform(250, 700)))
    if disc.bridged:  # flowing ossification over the front of the disc (right side, like DISH)
        a = up.to_world(np.array([3.0, pu[1, 0] - 2.5, pu[1, 1] + 3]))
        b = lo.to_world(np.array([3.0, pl[0, 0] - 2.5, pl[0, 1] - 3]))
        bb = canvas.grid.box(np.minimum(a, b) - 8, np.maximum(a, b) + 8)
        if bb is not None:
            dd = capsule(bb.x, bb.y, bb.z, a, b, 3.0)
            canvas.paint(bb, coverage(dd, h), 600.0, labels.posterior(up.index))


def render_canal(canvas: Canvas, vt: Vertebra) -> None:
    """CSF-filled thecal sac with the cord (down to L1), epidural fat around it; each vertebra's
    piece reaches 8 mm beyond its body so the pieces overlap into one tube."""
    s = vt.size
    v_back, w_top, w_bot = _posterior_wall(vt)
    disc = 8.0
    vc = v_back + s.canal_ap_mm / 2
    a, b = s.canal_width_mm / 2, s.canal_ap_mm / 2
    box = local_box(canvas.grid, vt.centre_mm, vt.axes, (-a - 1, vc - b - 1, w_bot - disc), (a + 1, vc + b + 1, w_top + disc))
    if box is None:
        return
    u, v, w = box.local(vt.centre_mm, vt.axes)
    h = canvas.grid.voxel_mm
    ww = np.abs(w - F((w_top + w_bot) / 2)) - F((w_top - w_bot) / 2 + disc)
    canal = np.maximum(ellipse_2d(u, v - F(vc), F(a), F(b)), ww)
    canvas.paint(box, coverage(canal, h), -60.0 if region(vt.level) in "LS" else 0.0, labels.SPINAL_CANAL)
    sac = np.maximum(ellipse_2d(u, v - F(vc), F(a * 0.8), F(b * 0.8)), ww)
    canvas.paint(box, coverage(sac, h), 12.0, labels.SPINAL_CANAL)
    if region(vt.level) in "CT" or vt.level == "L1":
        cord = np.maximum(ellipse_2d(u, v - F(vc - 0.5), F(min(a * 0.45, 6.5)), F(b * 0.4)), ww)
        canvas.paint(box, coverage(cord, h), 35.0, labels.SPINAL_CORD)
