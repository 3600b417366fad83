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
from .noise import sigma_vox, smooth_noise, trabecular_network
from .raster import BoneParts, BoneSolid, BoneTexture, local_box
from .sdf import basis, capsule, coverage, ellipse_2d, ellipsoid, frame_coords, oriented_box, polygon_2d, segment_distance
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
    if plane == "vw":  # sagittal plate
        d, t = segment_distance(F(0) * u, v, w, (0, a[0], a[1]), (0, b[0], b[1]))
        return np.maximum(d - (F(radius) + t * F(rb - radius)), np.abs(u) - F(half_thickness))
    d, t = segment_distance(u, v, F(0) * w, (a[0], a[1], 0), (b[0], b[1], 0))  # axial plate
    return np.maximum(d - (F(radius) + t * F(rb - radius)), np.abs(w - F(a[2])) - F(half_thickness))


def _lerp_region(level: str, values: dict[str, float]) -> float:
    """A number by region, the lumbar ones growing from L1 to L5 when given as 'L1'/'L5'."""
    reg = region(level)
    if reg == "L" and "L1" in values:
        k = min(max(int(level[1:]) - 1, 0), 4) / 4.0
        return values["L1"] + k * (values["L5"] - values["L1"])
    return values.get(reg, values.get("T", 0.0))


def arch_geometry(vt: Vertebra) -> dict:
    """Where the neural arch's parts sit in the vertebra's frame (mm): shared by the renderer,
    the facet joints (which need both neighbours' numbers) and the ribs."""
    s = vt.size
    reg = region(vt.level)
    v_back, w_top, w_bot = _posterior_wall(vt)
    H = w_top - w_bot
    w_ped = w_top - 0.38 * H if vt.level != "C1" else 0.0
    u_ped = s.canal_width_mm / 2 + s.pedicle_width_mm * 0.45
    v_ped_end = v_back + s.pedicle_length_mm
    lam_t = 0.68 * s.lamina_thickness_mm  # the table's values are the laminae's greatest thickness
    v_junction = v_back + s.canal_ap_mm + lam_t / 2  # spinolaminar junction (midline)
    u_facet = s.canal_width_mm / 2 + s.pedicle_width_mm * 0.5 + {"L": 2.5, "C": 4.0}.get(reg, 0.5)
    v_facet = v_ped_end + {"L": 2.5, "C": -2.0}.get(reg, 1.5)
    return dict(v_back=v_back, w_top=w_top, w_bot=w_bot, H=H, w_ped=w_ped, u_ped=u_ped, v_ped_end=v_ped_end, lam_t=lam_t,
                v_junction=v_junction, u_facet=u_facet, v_facet=v_facet)


def facet_joint(upper: Vertebra, lower: Vertebra, side: float) -> np.ndarray:
    """World centre of the facet joint between two vertebrae on one side: halfway between where
    the upper one's inferior process and the lower one's superior process would put it."""
    gu, gl = arch_geometry(upper), arch_geometry(lower)
    disc = upper.size.disc_height_mm
    a = upper.to_world(np.array([side * gu["u_facet"], gu["v_facet"] + 1.0, gu["w_bot"] - 0.45 * disc]))
    b = lower.to_world(np.array([side * gl["u_facet"], gl["v_facet"], gl["w_top"] + 0.1 * disc]))
    return (a + b) / 2


def _facet_normal(vt: Vertebra, side: float) -> np.ndarray:
    """Unit normal of a facet joint in the vertebra's frame, pointing from the superior articular
    process (of the lower vertebra) to the inferior one (of the upper): lumbar joints stand
    nearly sagittal (more coronal at L5), thoracic ones coronal, cervical ones at 45 degrees."""
    reg = region(vt.level)
    phi = np.radians(_lerp_region(vt.level, {"C": 90.0, "T": 72.0, "L1": 32.0, "L5": 50.0, "S": 50.0}))
    elev = np.radians({"C": 45.0, "T": 18.0}.get(reg, 0.0))
    return np.array([-side * np.cos(phi) * np.cos(elev), np.sin(phi) * np.cos(elev), np.sin(elev)])


def _arched(level: str) -> bool:
    """Levels whose laminae form a round arch behind a round canal (thoracic, upper lumbar);
    the lower lumbar canal is triangular and the cervical one a wide triangle: straight laminae."""
    return region(level) == "T" or level in ("L1", "L2")


def render_posterior_elements(canvas: Canvas, vt: Vertebra, rng: np.random.Generator,
                              above: Vertebra | None = None, below: Vertebra | None = None,
                              texture: BoneTexture | None = None) -> None:
    """The neural arch as one bone: pedicles, laminae meeting in the spinous process, superior
    and inferior articular processes meeting the neighbours' at the facet joints, transverse
    processes. The parts' signed distances are joined with fillets into one solid, painted with
    one cortex of varying thickness round a common marrow, so the arch is a continuous ring
    without seams; each arch gets its own proportions (spinous process length, height, tilt and
    deviation, transverse process lengths), as no two real arches are alike."""
    s = vt.size
    reg = region(vt.level)
    g = arch_geometry(vt)
    v_back, w_top, w_bot, H, w_ped = g["v_back"], g["w_top"], g["w_bot"], g["H"], g["w_ped"]
    u_ped, v_ped_end, v_j = g["u_ped"], g["v_ped_end"], g["v_junction"]
    reach = s.transverse_length_mm * 1.15 + u_ped + 14
    span_back = s.canal_ap_mm + s.spinous_length_mm + 16
    parts = BoneSolid(canvas.grid, vt.centre_mm, vt.axes, (-reach - 8, v_back - 14, w_bot - 40),
                      (reach + 8, v_back + span_back + 6, w_top + 22), fillet_mm=1.2 if reg == "C" else 2.0)
    # this arch's own proportions
    sp_len, sp_high = float(rng.uniform(0.85, 1.08)), float(rng.uniform(0.85, 1.15))
    sp_tilt, sp_dev = float(rng.normal(0.0, 3.0)), float(rng.normal(0.0, 1.2))
    tp_len = rng.uniform(0.88, 1.12, 2)
    if reg == "T":  # the rib's tubercle sits at the nominal tip: keep the joint space
        tp_len = 1.0 + (tp_len - 1.0) / 3.0

    if vt.level == "C1":
        _atlas(parts, vt)
    else:
        lam_t = g["lam_t"]
        lam_top = w_ped + min(s.pedicle_height_mm, 0.8 * H) / 2
        lam_bot = w_bot - {"T": 0.35, "C": 0.1}.get(reg, 0.12) * H
        tilt = np.radians({"T": 38.0, "C": 25.0}.get(reg, 22.0))
        conv = np.radians(_lerp_region(vt.level, {"C": 40.0, "T": 7.0, "L1": 10.0, "L5": 25.0, "S": 25.0}))
        if _arched(vt.level):
            vc = v_back + s.canal_ap_mm / 2
            arch = (vc, s.canal_width_mm / 2 + 1.0, s.canal_ap_mm / 2 + 1.0, lam_t, v_ped_end - 2.0, lam_top, lam_bot,
                    0.5 * np.tan(tilt), (0.12 if reg == "T" else 0.2) * (lam_top - lam_bot))
            a_out, b_out = arch[1] + lam_t, arch[2] + lam_t
            parts.add(lambda u, v, w, arch=arch: _arched_lamina(u, v, w, *arch),
                      (-a_out - 2, v_ped_end - 4, lam_bot - 2), (a_out + 2, vc + b_out + 12, lam_top + 2))
        for k_side, side in enumerate((-1.0, 1.0)):
            # pedicle: an elliptic rod from the body's back to the arch, converging forwards
            pw, ph = s.pedicle_width_mm / 2, min(s.pedicle_height_mm, 0.8 * H) / 2
            back_end = np.array([side * u_ped, v_ped_end, w_ped])
            axis = np.array([-side * np.sin(conv), -np.cos(conv), 0.0])  # from the arch forwards
            length = s.pedicle_length_mm + 5.0
            front_end = back_end + axis * length
            mid = (back_end + front_end) / 2
            ax = basis(axis, (0.0, 0.0, 1.0))
            parts.add(lambda u, v, w, c=mid, ax=ax, pw=pw, ph=ph, hl=length / 2:
                      _elliptic_rod(u, v, w, c, ax, hl, ph, pw),
                      np.minimum(back_end, front_end) - max(pw, ph) - 2, np.maximum(back_end, front_end) + max(pw, ph) + 2)
            if not _arched(vt.level):
                # lamina: a plate from the pedicle's end to the midline behind the canal, its lower
                # edge further back (the laminae overlap like shingles)
                a = np.array([side * (s.canal_width_mm / 2 + pw * 0.6), v_ped_end - 1.5])
                m = np.array([0.0, v_j])
                e1 = np.array([m[0] - a[0], m[1] - a[1], 0.0])
                half_len = np.linalg.norm(e1) / 2 + 2.0
                lam_ax = basis(e1, (0.0, np.sin(tilt), -np.cos(tilt)))
                half_h = (lam_top - lam_bot) / 2 / np.cos(tilt)
                c = np.array([(a[0] + m[0]) / 2, (a[1] + m[1]) / 2 + half_h * np.sin(tilt) * 0.7, (lam_top + lam_bot) / 2])
                half = (half_len, half_h, lam_t / 2)
                ext = np.abs(lam_ax.T) @ np.asarray(half) + 2
                parts.add(lambda u, v, w, c=c, ax=lam_ax, half=half: _lamina(u, v, w, c, ax, half), c - ext, c + ext)
            # articular processes: the superior one meets the vertebra above, the inferior one the one below
            _articular(parts, vt, side, above, True, g)
            _articular(parts, vt, side, below, False, g)
            # transverse process
            back = np.radians(s.transverse_back_deg)
            tl = s.transverse_length_mm * float(tp_len[k_side])
            if reg == "C":
                # cervical: from the side of the body, anterior to the pillar, with the foramen for the artery
                base = (side * (vt.body.half_width_mm * 0.8 if vt.body else 10), v_back - 5, w_ped - 2)
                tip = (side * (vt.body.half_width_mm * 0.8 + tl if vt.body else 30), v_back - 2, w_ped - 3)
                hole = (side * (vt.body.half_width_mm * 0.8 + 4.0 if vt.body else 14), v_back - 3.5)
                parts.add(lambda u, v, w, a=base, b=tip, hole=hole:
                          np.maximum(capsule(u, v, w, a, b, 3.2), F(2.2) - np.sqrt((u - F(hole[0])) ** 2 + (v - F(hole[1])) ** 2)),
                          np.minimum(base, tip) - 5, np.maximum(base, tip) + 5)
            elif reg == "T":  # thoracic: a stout club, back and out, its tip carrying the rib's tubercle
                base = (side * u_ped, v_ped_end - 2, w_ped)
                length = tl + 3
                tip = (side * u_ped + side * length * np.cos(back), base[1] + length * np.sin(back), w_ped + 2)
                parts.add(lambda u, v, w, a=base, b=tip: capsule(u, v, w, a, b, 5.0, 4.5),
                          np.minimum(base, tip) - 6, np.maximum(base, tip) + 6)
            else:  # lumbar: a thin flat blade, tallest at its root (L3 the longest)
                base = np.array([side * (u_ped + 1.0), v_ped_end - 3.0, w_ped - 1.0])
                length = tl + 4
                dirn = np.array([side * np.cos(back), np.sin(back), 0.0])
                tip = base + dirn * length
                tax = basis(dirn, (0.0, 0.0, 1.0))
                parts.add(lambda u, v, w, b0=base, tax=tax, L=length: _blade(u, v, w, b0, tax, L, 9.0, 5.0, 4.0),
                          np.minimum(base, tip) - 8, np.maximum(base, tip) + 8)
        # spinous process: a plate in the mid-sagittal plane from the laminae's junction, back
        # and (thoracic) steeply down, tapering in thickness; lumbar ones a broad quadrilateral
        # as tall at the base as at the tip
        ang = np.radians(s.spinous_angle_deg + sp_tilt)
        d = np.array([np.cos(ang), -np.sin(ang)])
        n = np.array([np.sin(ang), np.cos(ang)])
        w_j = lam_bot + 0.45 * (lam_top - lam_bot)
        b0 = np.array([v_j - 1.0, w_j])
        length = max(s.spinous_length_mm * sp_len - lam_t / 2, 6.0)
        t0 = b0 + d * length
        hb = 0.5 * (lam_top - lam_bot) * {"L": 0.55, "T": 0.42, "C": 0.5}.get(reg, 0.45)  # a neck at the base
        ht = 0.5 * s.spinous_height_mm * sp_high * {"L": 0.85, "T": 0.7, "C": 0.8}.get(reg, 0.8)
        th0, th1 = {"L": (2.6, 3.8), "T": (2.4, 3.2), "C": (2.0, 3.0)}.get(reg, (3.0, 3.5))
        corners = [b0 - n * hb, t0 - n * ht, t0 + n * ht, b0 + n * hb]
        rr = {"L": 3.0, "T": 2.2, "C": 1.5}.get(reg, 2.5)
        cen = np.mean(corners, axis=0)
        shrunk = [cen + (q - cen) * (1 - rr / max(np.linalg.norm(q - cen), rr + 1)) for q in corners]
        lo_vw = np.min(corners, axis=0) - 3
        hi_vw = np.max(corners, axis=0) + 3
        dev = abs(sp_dev) + th1 + 2
        parts.add(lambda u, v, w, sh=shrunk, b0=b0, d=d, L=length, th0=th0, th1=th1, rr=rr, dev=sp_dev:
                  _spinous(u, v, w, sh, b0, d, L, th0, th1, rr, dev),
                  (-dev, lo_vw[0], lo_vw[1]), (dev, hi_vw[0], hi_vw[1]))
        if reg == "T":  # the tip thickens into a knob
            parts.add(lambda u, v, w, c=t0: ellipsoid(u - F(sp_dev), v - F(c[0]), w - F(c[1]), (th1 + 1.2, 4.0, ht + 1.0)),
                      (-th1 - 3 - abs(sp_dev), t0[0] - 5, t0[1] - ht - 3), (th1 + 3 + abs(sp_dev), t0[0] + 5, t0[1] + ht + 3))
        if reg == "C" and vt.level in ("C3", "C4", "C5", "C6"):  # bifid tips
            for side in (-1.0, 1.0):
                c = (side * 3.0, t0[0] + 1.0, t0[1])
                parts.add(lambda u, v, w, c=c: ellipsoid(u - F(c[0]), v - F(c[1]), w - F(c[2]), (2.8, 3.5, 3.5)),
                          np.array(c) - 5, np.array(c) + 5)
        if vt.level == "C2":  # the dens rises from the body into the atlas ring
            base = (0.0, -1.5, w_top - 2)
            tip = (0.0, 0.0, w_top + 14.0)
            parts.add(lambda u, v, w, a=base, b=tip: capsule(u, v, w, a, b, 5.0, 4.0),
                      (-7, -9, w_top - 8), (7, 7, w_top + 20))
    # compact bone round a fatty marrow (darker than the body's spongiosa on real scans)
    marrow = vt.trabecular_hu * 0.6 + 25.0
    parts.paint(canvas, vt.cortical_hu, marrow, labels.posterior(vt.index), cortex_mm=0.85 if reg == "C" else 1.1,
                texture=texture, rough_mm=0.3, marrow_sd_hu=0.2 * marrow + 10.0)
    if vt.osteophyte_mm > 0 and vt.body is not None:  # spurs at the body's corners (own box: in front)
        p = vt.body.points_vw_mm
        hw = vt.body.half_width_mm + vt.osteophyte_mm + 4
        spurs = BoneParts(canvas.grid, vt.centre_mm, vt.axes, (-hw, p[:, 0].min() - vt.osteophyte_mm - 4, w_bot - 10),
                          (hw, v_back + 2, w_top + 10))
        _osteophytes(spurs, vt, rng)
        spurs.paint(canvas, vt.cortical_hu * 0.8, vt.trabecular_hu * 1.1 + 40, labels.posterior(vt.index))


def _arched_lamina(u, v, w, vc, a, b, t, v_front, top, bottom, lean, notch):
    """Both laminae as one arch round the back of a round canal: an elliptic band `t` thick
    outside the canal's (a, b) ellipse (centre v = vc), from `v_front` backwards, between the
    lower and upper edges, the upper edge dipping by `notch` at the midline (the interlaminar
    space), leaning back as it descends (the laminae overlap like shingles)."""
    vs = v - F(vc) + (w - F(0.5 * (top + bottom))) * F(lean)
    band = np.maximum(-ellipse_2d(u, vs, F(a), F(b)), ellipse_2d(u, vs, F(a + t), F(b + t)))
    frac = np.minimum(np.abs(u) * F(1.0 / (a + t)), F(1.0))
    top_edge = F(top) - F(notch) * (F(1.0) - frac * frac)
    edges = np.maximum(w - top_edge, F(bottom) - w)
    return np.maximum(np.maximum(band, edges), F(v_front) - v)


def _lamina(u, v, w, c, ax, half):
    """A lamina plate (frame: along it to the midline, down its face, thickness) whose upper
    edge drops towards the midline, leaving the interlaminar notch above the spinous base."""
    a, b, t = frame_coords(u, v, w, c, ax)
    hl, hh, ht = (F(x) for x in half)
    frac = np.clip((a + hl) / (F(2) * hl), 0, 1)  # 0 at the pedicle, 1 at the midline
    f2 = frac * frac
    top = -hh + F(0.9) * hh * f2  # b points down: the upper edge is at b = top
    bottom = hh - F(0.35) * hh * f2
    d = np.maximum(np.maximum(top - b, b - bottom), np.maximum(np.abs(a) - hl, np.abs(t) - ht + F(0.5)))
    return d - F(0.5)


def _elliptic_rod(u, v, w, c, ax, half_len, r_w, r_u):
    a, b, cc = frame_coords(u, v, w, c, ax)  # a along the rod, b ~ w, cc ~ u
    return np.maximum(ellipse_2d(cc, b, F(r_u), F(r_w)), np.abs(a) - F(half_len))


def _blade(u, v, w, base, ax, length, h0, h1, thick):
    """A flat process: along ax[0] for `length`, height (ax[1]) tapering h0 -> h1, thickness thick."""
    a, b, c = frame_coords(u, v, w, base, ax)
    t = np.clip(a / F(length), 0, 1)
    half_h = F(h0 / 2) + t * F((h1 - h0) / 2)
    d_len = np.abs(a - F(length / 2)) - F(length / 2)
    return np.maximum(np.maximum(np.abs(b) - half_h, np.abs(c) - F(thick / 2)), d_len) - F(0.3)


def _spinous(u, v, w, corners, b0, d, length, th0, th1, rr, dev=0.0):
    """The spinous plate: a rounded quadrilateral in the (v, w) plane, thickening towards the
    tip, which bends `dev` mm off the midline."""
    d2 = polygon_2d(v, w, corners) - F(rr)
    t = np.clip(((v - F(b0[0])) * F(d[0]) + (w - F(b0[1])) * F(d[1])) / F(length), 0, 1)
    return np.maximum(d2, np.abs(u - F(dev) * t * t) - (F(th0) + t * F(th1 - th0)))


def _articular(parts: BoneSolid, vt: Vertebra, side: float, other: Vertebra | None, superior: bool, g: dict) -> None:
    """One articular process: a plate facing its partner across a 1.5 mm joint, on a stalk from
    the pedicle-lamina corner (superior process) or from the lamina's lower edge (inferior)."""
    reg = region(vt.level)
    if other is not None and (other.body is None or vt.body is None or other.level == "C1"):
        other = None
    if other is not None:
        joint_w = facet_joint(other, vt, side) if superior else facet_joint(vt, other, side)
        joint = (joint_w - vt.centre_mm) @ vt.axes.T
    else:
        disc = vt.size.disc_height_mm
        joint = np.array([side * g["u_facet"], g["v_facet"] + (0.0 if superior else 1.0),
                          g["w_top"] + 0.1 * disc if superior else g["w_bot"] - 0.45 * disc])
    n = _facet_normal(vt, side)
    th = {"L": 3.0, "T": 2.4, "C": 2.8}.get(reg, 3.0)
    gap = 0.8
    c = joint + n * (gap + th) * (-1.0 if superior else 1.0)
    ax = basis(n, (0.0, 0.0, 1.0))
    half = (th, {"L": 8.0, "T": 6.5, "C": 5.5}.get(reg, 7.0), {"L": 7.0, "T": 6.0, "C": 6.0}.get(reg, 6.0))
    ext = np.abs(ax.T) @ np.asarray(half) + 2
    parts.add(lambda u, v, w, c=c, ax=ax, half=half: oriented_box(u, v, w, c, ax, half, 2.0), c - ext, c + ext)
    # its stalk into the arch
    if superior:
        root = np.array([side * g["u_ped"], g["v_ped_end"] - 1.0, g["w_ped"]])
    else:
        root = np.array([side * (vt.size.canal_width_mm / 2 + 2.0), g["v_ped_end"] + 2.0, g["w_bot"] - 0.05 * g["H"]])
    r = {"L": 4.5, "T": 3.5, "C": 4.0}.get(reg, 4.0)
    parts.add(lambda u, v, w, a=root, b=c: capsule(u, v, w, a, b, r, r * 0.85),
              np.minimum(root, c) - r - 1, np.maximum(root, c) + r + 1)


def _atlas(parts: BoneSolid, vt: Vertebra) -> None:
    """C1: anterior arch in front of the dens, two lateral masses, posterior arch, long TPs."""
    arch = [(0.0, -11.0), (8.0, -9.0), (13.0, -2.0), (12.0, 10.0), (8.0, 20.0), (0.0, 24.0)]
    for side in (-1.0, 1.0):
        pts = [(side * a, b, 0.0) for a, b in arch]
        for a, b in zip(pts, pts[1:]):
            parts.add(lambda u, v, w, a=a, b=b: capsule(u, v, w, a, b, 3.2), np.minimum(a, b) - 5, np.maximum(a, b) + 5)
        c = (side * 13.0, 1.0, 0.0)
        parts.add(lambda u, v, w, c=c: ellipsoid(u - F(c[0]), v - F(c[1]), w, (6.5, 8.5, 7.5)),
                  np.array(c) - 10, np.array(c) + 10)
        tp0, tp1 = (side * 16.0, 0.0, 0.0), (side * 36.0, 2.0, -1.0)
        parts.add(lambda u, v, w, a=tp0, b=tp1: capsule(u, v, w, a, b, 4.0, 3.0),
                  np.minimum(tp0, tp1) - 5, np.maximum(tp0, tp1) + 5)


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
            if rng.random() < 0.75:  # a broad base on the rim, tapering to a beak towards the disc
                parts.add(lambda u, v, w, a=a, b=b: capsule(u, v, w, a, b, 2.6, 0.7),
                          np.minimum(a, b) - 4, np.maximum(a, b) + 4, 0.7)


def render_body(canvas: Canvas, vt: Vertebra, rng: np.random.Generator, texture: BoneTexture | None = None) -> None:
    """The body: a thin cortical shell (label = body), thicker at the endplates and their rim
    (ring apophysis), around cancellous bone: a trabecular maze, denser under the endplates.
    The outer surface is exact (the ground truth's solid); the cortex's inner surface is
    irregular when `texture` is given."""
    body = vt.body
    if body is None:
        return
    v0, v1, w0, w1 = body.extent_vw()
    hw = body.half_width_mm + 1.0
    box = local_box(canvas.grid, vt.centre_mm, vt.axes, (-hw, v0, w0), (hw, v1, w1))
    if box is None:
        return
    u, v, w = box.local(vt.centre_mm, vt.axes)
    grid = canvas.grid
    h = grid.voxel_mm
    # the shell: ~0.45 mm walls, thicker endplates (real at 3 mm: the rim adds ~+130..200 HU over the core)
    t_wall = 0.45 * vt.size.cortical_mm
    t_end = 0.75 * vt.size.cortical_mm
    outer = coverage(body.signed_distance(u, v, w), h)
    d_inner = body.signed_distance(u, v, w, t_wall, t_end, extra_round_mm=1.2)
    if texture is not None:
        d_inner += F(0.3 * vt.size.cortical_mm) * texture.thickness.at(box.index, box.shape)
    inner = coverage(d_inner, h)
    del d_inner
    # cancellous bone: the maze, a finer grain, and slow variations (the centre a little sparser).
    # Real bodies at 1 mm: core SD ~40 HU (30-70) about a median near the patient's density;
    # osteoporotic bone keeps its vertical trabeculae (coarser, striated texture)
    T = F(vt.trabecular_hu)
    sparse = float(np.clip((170.0 - vt.trabecular_hu) / 100.0, 0.0, 1.0))
    net = trabecular_network(rng, box.shape, grid.spacing_mm, scale_mm=float(rng.uniform(0.8, 1.1)) * (1 + 0.25 * sparse),
                             vertical=1.8 + 1.4 * sparse)
    fine = smooth_noise(rng, box.shape, sigma_vox((0.5, 0.5, 0.8), grid.spacing_mm))
    coarse = smooth_noise(rng, box.shape, sigma_vox((3.0, 3.0, 3.5), grid.spacing_mm))
    amp = F(40.0) + F(0.08) * T  # texture SD before the scanner blurs it (relatively coarser when sparse)
    depth = float(body.points_vw_mm[4, 0] - body.points_vw_mm[0, 0])
    central = np.exp(-(u / F(0.45 * body.half_width_mm)) ** 2 - (v / F(0.3 * depth)) ** 2 - (w / F(6.0)) ** 2)
    trab = T * (F(1.0) - F(0.12) * central) + amp * (F(0.8) * net + F(0.45) * fine) + F(26.0) * coarse
    # denser subchondral bone just under each endplate
    w_sup, w_inf = body.endplate_w(u, v, True), body.endplate_w(u, v, False)
    near = np.minimum(w_sup - w, w - w_inf)
    trab += F(0.6) * T * np.exp(-np.maximum(near, 0) / F(2.0))
    if vt.sclerosis_hu > 0:  # impacted trabeculae under the collapsed endplate of a fracture
        trab += F(vt.sclerosis_hu) * np.exp(-np.maximum(w_sup - w, 0) / F(4.0))
    sc_sup, sc_inf = vt.endplate_sclerosis_hu
    if sc_sup > 0 or sc_inf > 0:  # sclerosis under the endplates of a worn disc (irregular)
        patchy = F(0.6) + F(0.4) * np.clip(fine, -1, 1)
        trab += patchy * (F(sc_sup) * np.exp(-np.maximum(w_sup - w, 0) / F(3.5))
                          + F(sc_inf) * np.exp(-np.maximum(w - w_inf, 0) / F(3.5)))
    for sup, fu, fv, rad in vt.schmorl:  # disc pushed into the body through the endplate, sclerotic rim
        w_ep = body.endplate_w(np.float32(fu * body.half_width_mm), np.float32(fv * 0.5 * depth), sup)
        c = (fu * body.half_width_mm, fv * 0.5 * depth, float(w_ep))
        dn = ellipsoid(u - F(c[0]), v - F(c[1]), w - F(c[2]), (rad, rad * 0.9, rad * 1.1))
        trab += (F(vt.cortical_hu * 0.55) - trab) * coverage(np.abs(dn + F(0.6)) - F(0.6), h)  # the rim
        trab += (F(95.0) - trab) * coverage(dn + F(1.2), h)
    # basivertebral vein: a dark channel entering the back wall at mid-height, through a gap in
    # the cortex (the basivertebral foramen)
    vb = float(max(body.points_vw_mm[4, 0], body.points_vw_mm[5, 0]))
    wm = 0.5 * (body.points_vw_mm[4, 1] + body.points_vw_mm[5, 1])
    vein = coverage(ellipsoid(u, v - F(vb - 3.0), w - F(wm), (2.5, 8.0, 1.6)), h)
    trab += (F(45.0) - trab) * vein * F(0.75)
    canvas.paint(box, outer, vt.cortical_hu, labels.body(vt.index))
    canvas.paint(box, np.maximum(inner, vein * outer), trab)
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
    bulge = F(1.2 + 2.5 * (1 - min(disc.height_factor, 1.0)))
    d = np.maximum(np.maximum(d_top, d_bottom), walls - bulge * np.sin(np.pi * t))
    h = canvas.grid.voxel_mm
    occ = coverage(d, h)
    if disc.fused:
        canvas.paint(box, occ, up.cortical_hu * 0.7, labels.disc(up.index))
        canvas.paint(box, coverage(d + F(1.0), h), up.trabecular_hu * 1.1)
        return
    # the annulus denser than the nucleus, the difference fading as a disc dries out with age
    wear = float(np.clip((1.0 - disc.height_factor) / 0.5, 0, 1))
    nucleus = coverage(walls + F(6.0), 3.0)
    tex = smooth_noise(rng, box.shape, sigma_vox((1.5, 1.5, 1.0), canvas.grid.spacing_mm))
    value = F(disc.hu + 12 + 8 * wear) - F(30.0 * (1 - 0.6 * wear)) * nucleus + F(6.0 + 6.0 * wear) * tex
    canvas.paint(box, occ, value, labels.disc(up.index))
    if disc.vacuum:  # gas in clefts of a degenerated disc: a few thin, flat pockets near mid-height
        depth = pu[4, 0] - pu[0, 0]
        gas_d = None
        for _ in range(int(rng.integers(1, 4))):
            c = (rng.uniform(-0.45, 0.45) * hw, rng.uniform(-0.4, 0.15) * depth)
            ang = rng.uniform(0, np.pi)
            du, dv = u1 - F(c[0]), v1 - F(c[1])
            pu_, pv_ = du * F(np.cos(ang)) + dv * F(np.sin(ang)), -du * F(np.sin(ang)) + dv * F(np.cos(ang))
            one = ellipse_2d(pu_, pv_, F(rng.uniform(4, 11)), F(rng.uniform(1.2, 3.5)))
            gas_d = one if gas_d is None else np.minimum(gas_d, one)
        flat = np.abs(t - F(rng.uniform(0.35, 0.65))) * np.maximum(-(d_top + d_bottom), F(0.5)) - F(rng.uniform(0.8, 2.0))
        gas_d = np.maximum(np.maximum(gas_d, flat), np.maximum(d_top, d_bottom) + F(0.5))
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
    """The canal's contents, each vertebra's piece reaching 8 mm beyond its body so the pieces
    overlap into one tube: epidural fat (plenty in the lumbar canal, little higher up), the
    ligamentum flavum lining the canal's back (thicker with age), the CSF-filled thecal sac
    lying towards the front, the cord down to L1; beside it, under each pedicle, the neural
    foramen: fat round the exiting root. Painted before the bones, which cut the shapes."""
    s = vt.size
    reg = region(vt.level)
    v_back, w_top, w_bot = _posterior_wall(vt)
    ext = 8.0
    vc = v_back + s.canal_ap_mm / 2
    a, b = s.canal_width_mm / 2, s.canal_ap_mm / 2
    lat = a + s.pedicle_width_mm + 6.0
    disc_h = s.disc_height_mm
    box = local_box(canvas.grid, vt.centre_mm, vt.axes, (-lat, vc - b - 2, w_bot - ext - disc_h),
                    (lat, vc + b + 6, w_top + ext))
    if box is None:
        return
    u, v, w = box.local(vt.centre_mm, vt.axes)
    h = canvas.grid.voxel_mm
    if vt.body is not None and reg in "TLS":
        g = arch_geometry(vt)
        ph = min(s.pedicle_height_mm, 0.8 * g["H"]) / 2
        w_hi, w_lo = g["w_ped"] - ph + 1.0, w_bot - 0.7 * disc_h
        for side in (-1.0, 1.0):
            c = (side * (a + s.pedicle_width_mm * 0.45), v_back + 0.4 * s.pedicle_length_mm, (w_hi + w_lo) / 2)
            rad = (s.pedicle_width_mm * 0.5 + 3.0, 0.45 * s.pedicle_length_mm + 2.0, max((w_hi - w_lo) / 2, 3.0))
            canvas.paint(box, coverage(ellipsoid(u - F(c[0]), v - F(c[1]), w - F(c[2]), rad), h), -85.0, labels.FAT)
            root = (c[0], v_back + 3.5, w_hi - 3.5)
            canvas.paint(box, coverage(ellipsoid(u - F(root[0]), v - F(root[1]), w - F(root[2]), (3.0, 2.6, 3.2)), h), 32.0)
    ww = np.abs(w - F((w_top + w_bot) / 2)) - F((w_top - w_bot) / 2 + ext)
    e_canal = ellipse_2d(u, v - F(vc), F(a), F(b))
    canal = np.maximum(e_canal, ww)
    canvas.paint(box, coverage(canal, h), {"L": -80.0, "S": -85.0, "T": -35.0}.get(reg, 0.0), labels.SPINAL_CANAL)
    t_lf = {"L": 3.0, "S": 2.5, "T": 2.0}.get(reg, 1.5) + 0.3 * vt.osteophyte_mm
    lf = np.maximum(np.maximum(ellipse_2d(u, v - F(vc), F(a + 1.0), F(b + 1.0)), -ellipse_2d(u, v - F(vc), F(a - t_lf), F(b - t_lf))),
                    F(vc + 0.15 * b) - v)
    canvas.paint(box, coverage(np.maximum(lf, ww), h), 62.0)
    sac = np.maximum(ellipse_2d(u, v - F(vc - 0.12 * b), F(a * 0.72), F(b * 0.74)), ww)
    canvas.paint(box, coverage(sac, h), 9.0, labels.SPINAL_CANAL)
    if reg in "CT" or vt.level == "L1":
        cord = np.maximum(ellipse_2d(u, v - F(vc - 0.1 * b), F(min(a * 0.42, 6.0)), F(b * 0.36)), ww)
        canvas.paint(box, coverage(cord, h), 33.0, labels.SPINAL_CORD)
