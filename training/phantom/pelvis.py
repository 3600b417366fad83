"""The sacrum below S1, the iliac wings, and the hips when the scan reaches them.

The sacrum's segments S2-S5 follow the sacral axis (spine.sacrum_dir) from the S1 body,
narrowing; the alae reach from S1 out to the sacroiliac joints. Each iliac wing is, slice by
slice, a plate along a shallow arc from the sacroiliac joint (at the crest, the posterior
superior iliac spine) forwards and out to the anterior iliac spines, so that sacrum, joints and
ilia make the ring that axial CT shows; it narrows down to the hip.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Box, Canvas
from .plan import BodyPlan
from .noise import TileField, trabecular_tile
from .raster import BoneParts, BoneSolid, local_box
from .sdf import basis, capsule, coverage, ellipsoid, oriented_box
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
    # alae: from the sides of S1 out to the sacroiliac joints (sacral_ala_reach_mm, where the
    # ilium's joint surface begins), and down the lateral masses, narrowing; world-aligned blocks
    # at the offsets from the S1 centre that the ilium's joint follows (_P: further back lower down)
    reach = sacral_ala_reach_mm(plan.habitus.width_scale)
    inner = hw * 0.5
    for side in (-1.0, 1.0):
        for dz, dy, taper, half_y, half_z in ((-6.0, 12.0, 0.0, 16.0, 15.0), (-28.0, 19.0, 1.0, 15.0, 14.0), (-48.0, 25.0, 10.0, 11.0, 11.0)):
            half_x = (reach - taper - inner) / 2
            if half_x <= 2:
                continue
            c = s1.centre_mm + np.array([side * (inner + half_x), dy * s, dz * s])
            half = (half_x, half_y * s, half_z * s)
            parts.add(lambda u, v, w, c=c, h=half: oriented_box(u, v, w, c, np.eye(3), h, min(9.0, *h)),
                      c - np.array(half) - 8, c + np.array(half) + 8, 1.0, centre_mm=np.zeros(3), axes=np.eye(3))
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


# The ilium per axial slice, from its bottom above the hip joint (t = 0, ILIUM_LEVELS[1]) to the
# crest (t = 1): a plate along a shallow arc from the posterior end P (the sacroiliac joint, then
# the posterior superior iliac spine) to the anterior end Q (the anterior iliac spines), bulging
# back and out, so the iliac fossa faces forwards and in. Offsets from the spine centre at that
# height (the S1 body's centre below it), mm before the habitus' width scale; x is lateral.
ILIUM_LEVELS = (22.4, 26.6)  # crest, bottom (the crest's level is jittered per phantom)
_T = [0.0, 0.24, 0.4, 0.62, 1.0]
_P = {"x": [62, 62, 62, 62, 68], "y": [16, 26, 20, 12, 36]}
_Q = {"x": [78, 100, 114, 124, 136], "y": [-20, -34, -42, -46, -44]}
_BULGE = [2, 6, 9, 11, 12]  # sagitta of the arc
_HALF_THICK = [9, 3, 2, 2, 2.5]  # the fossa: thin; at the bottom, the ilium's body
_HALF_THICK_POSTERIOR = [5, 11, 11, 10, 7]  # extra at P: the joint's and the tuberosity's bone
SI_JOINT_GAP_MM = 2.5


def sacral_ala_reach_mm(s: float) -> float:
    """How far the sacrum's alae reach from the S1 centre: to the ilium's joint surface, less the
    joint space. The joint surface is P less the ilium's half-thickness there, taken at the
    joint's middle (knot 2, about S2)."""
    return (_P["x"][2] - _HALF_THICK[2] - _HALF_THICK_POSTERIOR[2]) * s - SI_JOINT_GAP_MM


def render_iliac_wings(canvas: Canvas, plan: BodyPlan, rng: np.random.Generator, rng_hips: np.random.Generator) -> None:
    """The wings, and below them the hip joints (drawn from their own stream `rng_hips`, so a
    phantom whose scan stops above the hips is the same whatever they look like)."""
    g = canvas.grid
    s = plan.habitus.width_scale
    e_top, e_bot = ILIUM_LEVELS[0] + rng.normal(0, 0.3), ILIUM_LEVELS[1]
    z_hi, z_lo = float(plan.z_of(e_top)), float(plan.z_of(e_bot))
    for side in (-1.0, 1.0):
        sx, sy = plan.spine_xy((z_hi + z_lo) / 2)
        box = g.box(np.array([sx + min(side, 0) * 150 * s, sy - 90 * s, z_lo - 2]),
                    np.array([sx + max(side, 0) * 150 * s, sy + 70 * s, z_hi + 2]))
        if box is None:
            continue
        cortical, marrow = float(rng.uniform(650, 850)), float(rng.uniform(150, 250))
        d = _ilium_distance(box, plan, side, s, z_lo, z_hi)
        canvas.paint(box, coverage(d, g.voxel_mm), cortical, labels.PELVIS)
        canvas.paint(box, coverage(d + F(1.5), g.voxel_mm), marrow)
    maze = trabecular_tile(rng_hips, canvas.grid.spacing_mm)
    for side in (-1.0, 1.0):
        _hip(canvas, plan, side, rng_hips, maze)


def _ilium_distance(box: Box, plan: BodyPlan, side: float, s: float, z_lo: float, z_hi: float) -> np.ndarray:
    """Signed distance (mm) to one ilium over `box`: per slice, the distance to the arc P-Q less
    the half-thickness there (thicker at P, at the anterior spines and along the crest), cut at
    the bottom and under a crest that is highest in its middle."""
    z = box.z[:, 0, 0]
    t = np.clip((z - z_lo) / (z_hi - z_lo), 0, 1)
    r = lambda q: F(q).reshape(-1, 1, 1)  # noqa: E731
    at = lambda knots, scale=1.0: r(np.interp(t, _T, knots) * scale)  # noqa: E731
    xy = plan.spine_xy(z)
    X = F(side) * (box.x - r(xy[:, 0]))  # lateral, this side
    Y = box.y - r(xy[:, 1])  # posterior
    px, py, qx, qy = at(_P["x"], s), at(_P["y"], s), at(_Q["x"], s), at(_Q["y"], s)
    h = at(_BULGE, s)
    dx, dy = qx - px, qy - py
    chord = np.sqrt(dx * dx + dy * dy)
    nx, ny = dy / chord, -dx / chord  # towards the concave side: forwards and in
    radius = (chord * chord / 4 + h * h) / (2 * h)
    cx, cy = (px + qx) / 2 + nx * (radius - h), (py + qy) / 2 + ny * (radius - h)
    ax, ay, bx, by = px - cx, py - cy, qx - cx, qy - cy
    ux, uy = X - cx, Y - cy
    turn = ax * by - ay * bx
    within = ((ax * uy - ay * ux) * turn >= 0) & ((ux * by - uy * bx) * turn >= 0)
    to_arc = np.where(within, np.abs(np.sqrt(ux * ux + uy * uy) - radius),
                      np.minimum(np.hypot(X - px, Y - py), np.hypot(X - qx, Y - qy)))
    u = np.clip(((X - px) * dx + (Y - py) * dy) / (chord * chord), 0, 1)  # 0 at P, 1 at Q
    crest = r(np.clip((t - 0.92) / 0.08, 0, 1))
    half = at(_HALF_THICK, s) + at(_HALF_THICK_POSTERIOR, s) * (1 - u) ** 2 + F(2.0) * u ** 4 + F(2.5) * crest
    d = to_arc - half
    top = F(z_hi) - (1 - 4 * u * (1 - u)) * F(10.0 * s)
    return np.maximum(d, np.maximum(box.z - top, F(z_lo) - box.z))


def _hip(canvas: Canvas, plan: BodyPlan, side: float, rng: np.random.Generator, maze: TileField) -> None:
    """The hip joint as axial CT shows it (the real abdomen's right hip read as spine until the
    phantoms had one): the hip bone round the socket, then the femur in it."""
    s = plan.habitus.width_scale
    head = plan.at_level(HIP_LEVELS["femoral head"], side * 92 * s, -30 * s)
    r = float(rng.uniform(21.0, 25.0)) * s
    gap = float(rng.uniform(2.0, 3.5))  # the joint space (cartilage)
    wall = float(rng.uniform(6.0, 9.0)) * s
    _hip_bone(canvas, plan, side, head, r, gap, wall, rng, maze)
    _femur(canvas, side, head, r, s, rng, maze)


def _hip_bone(canvas: Canvas, plan: BodyPlan, side: float, head: np.ndarray, r: float, gap: float, wall: float,
              rng: np.random.Generator, maze: TileField) -> None:
    """The acetabulum, a cup of textured bone over the upper, inner and back of the femoral head
    (radius r, the joint space `gap` between), its wall `wall` thick; the columns either side of
    it meeting medially; the ilium's body rising from it into the wing; the ischium down and back
    to its tuberosity; the pubic rami forward to the symphysis, closing the obturator ring."""
    s = plan.habitus.width_scale
    mid = r + gap + wall / 2
    # the socket opens laterally, forwards and downwards
    opening = np.array([side * 0.75, -0.35, -0.55])
    opening /= np.linalg.norm(opening)
    hc = head.astype(F)

    def cup(x, y, z):
        dist = np.sqrt((x - hc[0]) ** 2 + (y - hc[1]) ** 2 + (z - hc[2]) ** 2)
        shell = np.abs(dist - F(mid)) - F(wall / 2)
        cut = (x - hc[0]) * F(opening[0]) + (y - hc[1]) * F(opening[1]) + (z - hc[2]) * F(opening[2]) - F(0.1 * r)
        return np.maximum(shell, cut)

    reach = mid + wall
    wing_foot = plan.at_level(26.4, side * 66 * s, 12.0)
    above = head + np.array([-side * 10 * s, 8.0, r + gap + 4])
    back = head + np.array([-side * 6 * s, 0.75 * r, -0.55 * r])
    ischium = plan.at_level(HIP_LEVELS["ischium"], side * 55 * s, 5 * s)
    front = head + np.array([-side * 0.7 * r, -0.65 * r, -4.0])
    pubis = plan.at_level(HIP_LEVELS["pubis"], side * 14 * s, -80 * s)
    under_pubis = pubis + np.array([side * 6 * s, 8.0, -22 * s])
    under_ischium = ischium + np.array([-side * 6 * s, -12.0, -6 * s])
    bone = BoneSolid(canvas.grid, np.zeros(3), np.eye(3), np.minimum.reduce([head - reach, ischium - 30, pubis - 40, wing_foot - 20]),
                     np.maximum.reduce([head + reach, ischium + 30, pubis + 30, wing_foot + 20]), fillet_mm=5.0)
    bone.add(cup, head - reach, head + reach)
    # (start, end, radius at start, at end): ilium's body, ischium, superior and inferior rami
    rods = [(above, wing_foot, 15 * s, 11 * s), (back, ischium, 13 * s, 12 * s), (front, pubis, 9 * s, 8 * s),
            (under_pubis, under_ischium, 6 * s, 7 * s)]
    for a, b, ra, rb in rods:
        bone.add(lambda x, y, z, a=a, b=b, ra=ra, rb=rb: capsule(x, y, z, a, b, ra, rb),
                 np.minimum(a, b) - max(ra, rb) - 2, np.maximum(a, b) + max(ra, rb) + 2)
    # the columns either side of the socket, meeting medially in the quadrilateral plate: the "V"
    # that axial slices through the socket show
    apex = head + np.array([-side * (r + 28 * s), 0.25 * r, 0.2 * r])
    for rim in (head + np.array([-side * 0.45 * r, -(r + gap + 0.5 * wall), 0.0]),
                head + np.array([-side * 0.25 * r, r + gap + 0.5 * wall, -0.1 * r])):
        centre = (rim + apex) / 2
        axes = basis(apex - rim, (0.0, 0.0, 1.0))
        half = (float(np.linalg.norm(apex - rim)) / 2, 0.9 * r, 3.0 * s)
        bone.add(lambda x, y, z, c=centre, ax=axes, h=half: oriented_box(x, y, z, c, ax, h, 2.5),
                 centre - max(half) - 3, centre + max(half) + 3)
    for c, radii in ((ischium, (13 * s, 17 * s, 16 * s)), (pubis, (8 * s, 11 * s, 17 * s))):  # tuberosity, pubic body
        bone.add(lambda x, y, z, c=c, radii=radii: ellipsoid(x - F(c[0]), y - F(c[1]), z - F(c[2]), radii),
                 c - max(radii) - 2, c + max(radii) + 2)
    bone.add(lambda x, y, z: capsule(x, y, z, pubis, under_pubis, 8 * s, 6 * s),
             np.minimum(pubis, under_pubis) - 12, np.maximum(pubis, under_pubis) + 12)
    marrow = float(rng.uniform(140, 240))
    bone.paint(canvas, float(rng.uniform(550, 800)), marrow, labels.PELVIS, cortex_mm=float(rng.uniform(1.2, 2.0)),
               maze=maze, maze_sd_hu=0.3 * marrow + 25)


def _femur(canvas: Canvas, side: float, head: np.ndarray, r: float, s: float, rng: np.random.Generator, maze: TileField) -> None:
    """Head, neck and greater trochanter as one solid with a thin cortex round trabecular bone
    like a vertebral body's; below them the shaft with its thick cortex round fatty marrow."""
    troch = head + np.array([side * 45 * s, 5, -30 * s])  # implants.hip_prosthesis follows this course
    shaft = troch + np.array([-side * 8, 5, -80])
    fem = BoneSolid(canvas.grid, np.zeros(3), np.eye(3), head - 80, head + 80, fillet_mm=4.0)
    fem.add(lambda x, y, z: capsule(x, y, z, head, head, r, r), head - r - 2, head + r + 2)
    neck_end = head + np.array([side * 30 * s, 3, -20 * s])
    fem.add(lambda x, y, z: capsule(x, y, z, head, neck_end, 14 * s, 16 * s), np.minimum(head, neck_end) - 20, np.maximum(head, neck_end) + 20)
    gt = troch + np.array([side * 6 * s, 6, 8 * s])
    gt_r = (13 * s, 17 * s, 22 * s)
    fem.add(lambda x, y, z: ellipsoid(x - F(gt[0]), y - F(gt[1]), z - F(gt[2]), gt_r), gt - 25, gt + 25)
    fem.add(lambda x, y, z: capsule(x, y, z, neck_end, troch, 16 * s, 17 * s), np.minimum(neck_end, troch) - 20, np.maximum(neck_end, troch) + 20)
    head_marrow = float(rng.uniform(180, 300))
    fem.paint(canvas, float(rng.uniform(500, 750)), head_marrow, labels.FEMUR, cortex_mm=float(rng.uniform(0.9, 1.5)),
              maze=maze, maze_sd_hu=0.3 * head_marrow + 25)
    shaft_bone = BoneParts(canvas.grid, np.zeros(3), np.eye(3), troch - 120, troch + 120)
    shaft_bone.add(lambda x, y, z: capsule(x, y, z, troch + np.array([-side * 3.0, 0, -28.0]), shaft, 14 * s, 14 * s),
                   np.minimum(troch, shaft) - 20, np.maximum(troch, shaft) + 20, 4.0)
    shaft_bone.paint(canvas, float(rng.uniform(900, 1300)), float(rng.uniform(-40, 60)), labels.FEMUR)
