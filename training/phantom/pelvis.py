"""The sacrum below S1, the iliac wings, and the hips when the scan reaches them.

The sacrum's segments S2-S5 follow the sacral axis (spine.sacrum_dir) from the S1 body,
narrowing; the alae reach from S1 out to the sacroiliac joints. Each iliac wing is a curved
plate on an ellipse around the pelvis (like the scapula on the rib cage), spanning from the
sacroiliac joint round to the anterior iliac spine at the crest, narrowing down to the hip.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Canvas
from .plan import BodyPlan
from .raster import BoneParts, local_box
from .sdf import basis, capsule, coverage, ellipse_2d, ellipsoid, oriented_box
from .spine import Vertebra

F = np.float32

# where the hip bones sit, in level coordinates (plan.BodyPlan.ell: S1 = 24); the abdomen
# preset's longest scans reach below all of them
HIP_LEVELS = {"femoral head": 27.2, "pubis": 28.3, "ischium": 28.8}


def render_sacrum(canvas: Canvas, plan: BodyPlan, s1: Vertebra, rng: np.random.Generator) -> None:
    """Below S1: the fused segments S2-S5 and the coccyx as one curved, narrowing bone (a
    remnant disc between S1 and S2, below it one marrow cavity with faint dense lines where
    the discs were, not the double cortex of a vertebra's endplates), curving forwards; behind
    them the sacral canal, closed by the fused laminae with the median crest, open at the
    hiatus; the alae out to the sacroiliac joints."""
    s = plan.habitus.width_scale
    if s1.body is None:
        return
    p = s1.body.points_vw_mm
    hw = s1.body.half_width_mm
    down = (plan.spine.sacrum_dir @ s1.axes.T)  # in S1's frame
    down /= np.linalg.norm(down)
    # segments: (height, depth, half-width, canal depth behind, curve forward before it, degrees)
    segs = [(22, 24, 24, 11, 4), (19, 20, 19, 9, 10), (16, 16, 14, 6, 14), (13, 12, 10, 3.5, 16), (10, 9, 7, 0, 16),
            (8, 8, 6, 0, 14), (7, 7, 5, 0, 10), (6, 6, 4, 0, 8)]
    segs = [(a * s, b * s, c * s, d * s, e) for a, b, c, d, e in segs]
    bottom = np.array([0.0, float(np.mean(p[[1, 5], 0])), float(np.mean(p[[1, 5], 1]))])
    parts = BoneParts(canvas.grid, s1.centre_mm, s1.axes, (-hw - 70, -60, -190), (hw + 70, 80, 20))
    canal = BoneParts(canvas.grid, s1.centre_mm, s1.axes, (-hw, -40, -190), (hw, 80, 20))
    tangent = down.copy()
    pos = bottom + tangent * 1.5  # the S1-S2 remnant disc
    remnants = []  # (centre, axes, half sizes) of the fused joints below S2
    for i, (hgt, dep, half_w, c_dep, bend) in enumerate(segs):
        ang = np.radians(bend + rng.normal(0, 2))
        # turn the axis forwards (towards -v) about the left-right axis
        t_vw = np.array([tangent[1], tangent[2]])
        rot = np.array([[np.cos(ang), np.sin(ang)], [-np.sin(ang), np.cos(ang)]])
        t_vw = rot @ t_vw
        tangent = np.array([0.0, t_vw[0], t_vw[1]])
        tangent /= np.linalg.norm(tangent)
        centre = pos + tangent * (hgt / 2)
        ax = basis(tangent, (0.0, 1.0, 0.0))  # rows: along the sacrum, posterior, lateral
        half = (hgt / 2, dep / 2, half_w)
        ext = np.abs(ax.T) @ np.asarray(half) + 2
        parts.add(lambda u, v, w, c=centre, ax=ax, h=half: oriented_box(u, v, w, c, ax, h, min(h[1], 3.0) * 0.8),
                  centre - ext, centre + ext, 0.8 if i < 5 else 0.6)
        if i > 0:
            # fused below S2: one marrow cavity across the joint (no cortex there, unlike a
            # vertebra's endplates) with only a faint dense line where the disc was
            prev_dep, prev_w = segs[i - 1][1], segs[i - 1][2]
            joint = (2.5, min(dep, prev_dep) / 2 - 1.5, min(half_w, prev_w) - 1.5)
            if min(joint) > 0.5:
                parts.add(lambda u, v, w, c=pos.copy(), ax=ax, h=joint: oriented_box(u, v, w, c, ax, h, min(h[1], 2.0) * 0.8),
                          pos - 30, pos + 30, 0.0)
                remnants.append((pos.copy(), ax, (0.4, joint[1], joint[2])))
        if c_dep > 0:  # canal, then the fused laminae behind it, with the median crest
            back = centre + ax[1] * (dep / 2 + c_dep / 2)
            ch = (hgt / 2 + 1.0, c_dep / 2, half_w * 0.55)
            canal.add(lambda u, v, w, c=back, ax=ax, h=ch: oriented_box(u, v, w, c, ax, h, 1.0),
                      back - 30, back + 30, 0.0)
            plate = centre + ax[1] * (dep / 2 + c_dep + 2.5)
            ph = (hgt / 2 + 2.0, 2.5, half_w * 0.8)  # overlapping: the fused laminae form one plate
            parts.add(lambda u, v, w, c=plate, ax=ax, h=ph: oriented_box(u, v, w, c, ax, h, 1.5),
                      plate - 30, plate + 30, 0.8)
            crest = centre + ax[1] * (dep / 2 + c_dep + 6.5)
            kh = (hgt * 0.3, 3.0, 3.0)
            parts.add(lambda u, v, w, c=crest, ax=ax, h=kh: oriented_box(u, v, w, c, ax, h, 2.0),
                      crest - 12, crest + 12, 0.8)
        pos = centre + tangent * (hgt / 2)  # fused: the next segment starts where this one ends
    # alae: from the sides of S1 out to the sacroiliac joints, and down the lateral masses
    for side in (-1.0, 1.0):
        a = np.array([side * hw * 0.7, p[4, 0] - 2, p[4, 1] - 6])
        b = np.array([side * (hw + 30 * s), p[4, 0] + 12, p[4, 1] - 10])
        c = b + down * 38 * s + np.array([-side * 10 * s, 0, 0])
        for q0, q1, r0, r1 in ((a, b, 11.0, 13.0), (b, c, 13.0, 9.0)):
            parts.add(lambda u, v, w, q0=q0, q1=q1, r0=r0 * s, r1=r1 * s: capsule(u, v, w, q0, q1, r0, r1),
                      np.minimum(q0, q1) - 16 * s, np.maximum(q0, q1) + 16 * s, 1.0)
    if canal.box is not None:
        canvas.paint(canal.box, canal.outer, -60.0, labels.SPINAL_CANAL)
    parts.paint(canvas, s1.cortical_hu * 0.75, s1.trabecular_hu * 0.95, labels.SACRUM)
    for c, ax, h in remnants:
        reach = max(h) + 2.0
        box = local_box(canvas.grid, s1.centre_mm, s1.axes, c - reach, c + reach)
        if box is not None:
            u, v, w = box.local(s1.centre_mm, s1.axes)
            line = coverage(oriented_box(u, v, w, c, ax, h, 0.3), canvas.grid.voxel_mm) * np.float32(0.5)
            canvas.paint(box, line, s1.trabecular_hu * 0.95 + 120.0)


def render_iliac_wings(canvas: Canvas, plan: BodyPlan, rng: np.random.Generator) -> None:
    g = canvas.grid
    s = plan.habitus.width_scale
    e_top, e_bot = 22.4 + rng.normal(0, 0.3), 26.6
    z_hi, z_lo = float(plan.z_of(e_top)), float(plan.z_of(e_bot))
    for side in (-1.0, 1.0):
        sx, sy = plan.spine_xy((z_hi + z_lo) / 2)
        box = g.box(np.array([sx + min(side, 0) * 170 * s, sy - 150, z_lo - 2]),
                    np.array([sx + max(side, 0) * 170 * s, sy + 70, z_hi + 2]))
        if box is None:
            continue
        xy = plan.spine_xy(box.z[:, 0, 0])
        t = np.clip((box.z - F(z_lo)) / F(z_hi - z_lo), 0, 1)  # 1 at the crest
        r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
        A = (F(78.0) + F(40.0) * t) * F(s)  # the wings flare outwards towards the crest
        B = (F(70.0) + F(10.0) * t) * F(s)
        cx, cy = r(xy[:, 0]), r(xy[:, 1]) - F(25.0)
        dx, dy = box.x - cx, box.y - cy
        k = np.sqrt((dx / A) ** 2 + (dy / B) ** 2)
        phi = np.degrees(np.arctan2(F(side) * dx / A, dy / B))
        phi_post = F(32.0) + F(10.0) * (1 - t)
        phi_ant = F(78.0) + F(50.0) * np.sqrt(t)
        crest = np.clip((t - F(0.9)) * F(10.0), 0, 1)
        back_thick = np.clip((phi_post + 25 - phi) / 25, 0, 1)
        thick = F(4.0) + F(5.0) * crest + F(10.0) * back_thick + F(8.0) * (1 - t) ** 3  # half-thickness
        d = np.maximum(np.abs((k - 1) * B) - thick, np.maximum(phi_post - phi, phi - phi_ant) * B * F(np.pi / 180))
        d = np.maximum(d, np.maximum(F(z_lo) - box.z, box.z - F(z_hi)))
        occ = coverage(d, g.voxel_mm)
        inner = coverage(d + F(1.5), g.voxel_mm)
        canvas.paint(box, occ, float(rng.uniform(650, 850)), labels.PELVIS)
        canvas.paint(box, inner, float(rng.uniform(150, 250)))
        _hip(canvas, plan, side, rng)


def _hip(canvas: Canvas, plan: BodyPlan, side: float, rng: np.random.Generator) -> None:
    """Femoral head in its acetabulum, the neck and the top of the shaft; pubic ramus to the front."""
    s = plan.habitus.width_scale
    head = plan.at_level(HIP_LEVELS["femoral head"], side * 92 * s, -30 * s)
    r = 23.0 * s
    parts = BoneParts(canvas.grid, np.zeros(3), np.eye(3), head - 120, head + 120)
    parts.add(lambda x, y, z: np.maximum(capsule(x, y, z, head, head, r + 9), F(r + 2) - np.sqrt(
        (x - F(head[0])) ** 2 + (y - F(head[1])) ** 2 + (z - F(head[2])) ** 2)), head - r - 12, head + r + 12, 1.2)
    pubis = plan.at_level(HIP_LEVELS["pubis"], side * 18 * s, -85 * s)
    ischium = plan.at_level(HIP_LEVELS["ischium"], side * 55 * s, 5 * s)
    for q in (pubis, ischium):
        parts.add(lambda x, y, z, q=q: capsule(x, y, z, head, q, 12 * s, 8 * s), np.minimum(head, q) - 20, np.maximum(head, q) + 20, 1.2)
    parts.paint(canvas, float(rng.uniform(650, 850)), float(rng.uniform(150, 250)), labels.PELVIS)
    fem = BoneParts(canvas.grid, np.zeros(3), np.eye(3), head - 120, head + 120)
    fem.add(lambda x, y, z: capsule(x, y, z, head, head, r), head - r - 2, head + r + 2, 1.0)
    troch = head + np.array([side * 45 * s, 5, -30 * s])
    shaft = troch + np.array([-side * 8, 5, -80])
    fem.add(lambda x, y, z: capsule(x, y, z, head, troch, 15 * s, 17 * s), np.minimum(head, troch) - 20, np.maximum(head, troch) + 20, 1.5)
    fem.add(lambda x, y, z: capsule(x, y, z, troch, shaft, 16 * s, 14 * s), np.minimum(troch, shaft) - 20, np.maximum(troch, shaft) + 20, 3.0)
    fem.paint(canvas, float(rng.uniform(700, 900)), float(rng.uniform(120, 250)), labels.FEMUR)
