"""The sacrum below S1, the iliac wings, and the hips when the scan reaches them.

The sacrum's segments S2-S5 follow the sacral axis (spine.sacrum_dir) from the S1 body,
narrowing; the alae reach from S1 out to the sacroiliac joints. Each iliac wing is, slice by
slice, a plate along a shallow arc from the sacroiliac joint (at the crest, the posterior
superior iliac spine) forwards and out to the anterior iliac spines, so that sacrum, joints and
ilia make the ring that axial CT shows; it narrows down to the hip.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from . import labels
from .grid import Box, Canvas
from .plan import BodyPlan
from .noise import TileField, trabecular_tile
from .raster import BoneParts, BoneSolid, local_box
from .sacral_axis import SEGMENTS_MM, sacral_segments
from .sdf import basis, capsule, coverage, ellipsoid, frame_coords, oriented_box, polygon_2d
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
    hw = s1.body.half_width_mm
    segments = sacral_segments(s1, plan.spine.sacrum_dir, s, rng.normal(0, 2, len(SEGMENTS_MM)))
    parts = BoneParts(canvas.grid, s1.centre_mm, s1.axes, (-hw - 70, -60, -190), (hw + 70, 80, 20))
    canal = BoneParts(canvas.grid, s1.centre_mm, s1.axes, (-hw, -40, -190), (hw, 80, 20))
    remnants = []  # (centre, axes, half sizes) of the fused joints below S2
    upper = []  # S2 ... S5: (their joint with the segment above, centre, axes, height, depth, canal depth)
    for i, seg in enumerate(segments):
        pos, centre, ax = seg.start, seg.centre, seg.axes  # ax rows: along the sacrum, posterior, lateral
        hgt, dep, half_w, c_dep = seg.height_mm, seg.depth_mm, seg.half_width_mm, seg.canal_depth_mm
        half = (hgt / 2, dep / 2, half_w)
        if i < len(SACRAL_LATERAL_MASSES):
            upper.append((pos.copy(), centre, ax, hgt, dep, c_dep))
        ext = np.abs(ax.T) @ np.asarray(half) + 2
        parts.add(lambda u, v, w, c=centre, ax=ax, h=half: oriented_box(u, v, w, c, ax, h, min(h[1], 3.0) * 0.8),
                  centre - ext, centre + ext, 0.8 if i < 5 else 0.6)
        if i > 0:
            # fused below S2: one marrow cavity across the joint (no cortex there, unlike a
            # vertebra's endplates) with only a faint dense line where the disc was
            prev_dep, prev_w = segments[i - 1].depth_mm, segments[i - 1].half_width_mm
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
    # the alae: per axial slice a bar from beside S1's body out to the sacroiliac joint
    # (sacral_ala_reach_mm), its top sloping down laterally as the wings do on a coronal image
    reach = sacral_ala_reach_mm(s)
    inner = hw * 0.5  # where the alae and lateral masses leave the body
    for side in (-1.0, 1.0):
        lo = s1.centre_mm + np.array([min(side, 0.0) * (reach + 4), -10.0 * s, -40.0 * s])
        hi = s1.centre_mm + np.array([max(side, 0.0) * (reach + 4), 40.0 * s, 22.0 * s])
        parts.add(lambda u, v, w, side=side: _ala_distance(u, v, w, s1.centre_mm, side, inner, reach, s),
                  lo, hi, 1.0, centre_mm=np.zeros(3), axes=np.eye(3))
    # below them the lateral masses (the fused costal elements) beside S2-S5, their outer border
    # running in from the joint to the apex, so the sacrum tapers as a coronal image shows it
    shares = [share for share, _ in SACRAL_LATERAL_MASSES] + [SACRAL_APEX_SHARE]
    for i, (_, centre, ax, hgt, dep, _) in enumerate(upper):
        half_depth = dep / 2 * SACRAL_LATERAL_MASSES[i][1]
        rounding = min(LATERAL_MASS_ROUNDING_MM * s, half_depth * 0.6)
        for side in (-1.0, 1.0):
            corners = _lateral_mass_outline(hgt, inner, shares[i] * reach - rounding, shares[i + 1] * reach - rounding)
            parts.add(lambda u, v, w, c=centre, ax=ax, sd=side, k=corners, hd=half_depth - rounding, r=rounding:
                      _slab_distance(u, v, w, c, ax, sd, k, hd) - F(r),
                      centre - shares[i] * reach - hgt, centre + shares[i] * reach + hgt, 1.0)
    parts.paint(canvas, s1.cortical_hu * 0.75, s1.trabecular_hu * 0.95, labels.SACRUM)
    _thin_muscle_behind(canvas, parts, s1.centre_mm, s)
    for c, ax, h in remnants:
        reach = max(h) + 2.0
        box = local_box(canvas.grid, s1.centre_mm, s1.axes, c - reach, c + reach)
        if box is not None:
            u, v, w = box.local(s1.centre_mm, s1.axes)
            line = coverage(oriented_box(u, v, w, c, ax, h, 0.3), canvas.grid.voxel_mm) * np.float32(0.5)
            canvas.paint(box, line, s1.trabecular_hu * 0.95 + 120.0)
    # the canal after the bone, so that the alae's medial ends cannot fill it
    if canal.box is not None:
        canvas.paint(canal.box, canal.outer, -60.0, labels.SPINAL_CANAL)
    # the sacral foramina: at each fused joint a canal (nerve roots and fat) leaves the sacral
    # canal sideways, as an intervertebral foramen does, and behind the body it forks into the
    # anterior foramen, wide and running forwards and a little out to the pelvic surface (the
    # dark holes in rows of a coronal image), and the smaller posterior foramen nearer the midline
    # (until phantom-0.23 each was one straight hole from front to back)
    holes = BoneParts(canvas.grid, s1.centre_mm, s1.axes, (-hw - 40, -60, -190), (hw + 40, 80, 20))
    for (c, _, ax, _, dep, c_dep), (off, radius) in zip(upper, SACRAL_FORAMINA_MM):
        if c_dep <= 0:
            continue
        r = radius * s
        for side in (-1.0, 1.0):
            out = lambda lateral, behind: c + ax[2] * side * lateral + ax[1] * behind  # noqa: E731
            canal_edge = out(0.45 * off * s, dep / 2 + c_dep / 2)
            fork = out(off * s, dep / 2 + min(c_dep / 2, r))
            front = out(off * s * FORAMEN_FLARE, -(dep / 2 + 4))
            back = out(off * s * 0.85, dep / 2 + c_dep + 7)
            for a, b, ra in ((canal_edge, fork, r * 0.8), (fork, front, r), (fork, back, r * 0.7)):
                holes.add(lambda u, v, w, a=a, b=b, ra=ra: capsule(u, v, w, a, b, ra), np.minimum(a, b) - ra - 2,
                          np.maximum(a, b) + ra + 2, 0.0)
    if holes.box is not None:
        canvas.paint(holes.box, holes.outer, -30.0, labels.SPINAL_CANAL)


# Behind the sacrum the back muscles thin out: the multifidus over S1-S2, little below, then the
# natal cleft's fat between the buttocks' gluteal muscle (the torso's erector spinae runs
# straight down to the back's fascia). Muscle further behind the sacrum's posterior-most
# surface (near the slice: _MUSCLE_BEHIND_SPAN_MM) than this becomes fat: mm by height below
# the S1 centre (mm, before the width scale), plus _MUSCLE_BEHIND_SLOPE per mm out from the
# midline beyond 10 mm, a V-shaped cleft whose sides are the gluteal muscle.
_MUSCLE_BEHIND_DZ = [-90, -60, -40, -20, 0, 25]
_MUSCLE_BEHIND_MM = [5, 8, 14, 22, 32, 80]  # (above S1 no limit: no edge where the sacrum starts)
_MUSCLE_BEHIND_SLOPE = 1.2
# The sacrum's back is taken as its furthest extent within this many mm up or down: the crest
# and laminae are drawn per segment, and a limit following them slice by slice cut the muscle
# in steps that showed as dark stripes on sagittal images.
_MUSCLE_BEHIND_SPAN_MM = 8.0
_FAT_HU = -100.0


def _thin_muscle_behind(canvas: Canvas, parts: BoneParts, s1_centre: np.ndarray, s: float) -> None:
    if parts.box is None:
        return
    g = canvas.grid
    box = parts.box
    bone = (parts.outer >= 0.5).any(axis=2)  # (z, y): the sacrum on each slice
    on = bone.any(axis=1)
    if not on.any():
        return
    y_box = g.axis_mm(1)[box.index[1]]
    back = np.where(on, y_box[bone.shape[1] - 1 - np.argmax(bone[:, ::-1], axis=1)], -np.inf)  # (z,)
    span = 2 * int(round(_MUSCLE_BEHIND_SPAN_MM / g.spacing_mm[2])) + 1
    back = ndimage.maximum_filter1d(back, span, mode="nearest")
    back = np.where(np.isfinite(back), back, np.inf)
    z_mm = g.axis_mm(2)[box.index[0]]
    x_mm = g.axis_mm(0)[box.index[2]]
    allowed = np.interp((z_mm - s1_centre[2]) / s, _MUSCLE_BEHIND_DZ, _MUSCLE_BEHIND_MM) * s
    out = np.maximum(np.abs(x_mm - s1_centre[0]) - 10.0 * s, 0.0)
    limit = (back + allowed)[:, None] + _MUSCLE_BEHIND_SLOPE * out[None, :]  # (z, x)
    ys = slice(box.index[1].start, g.shape[1])  # from the box's front to the back of the volume
    region = (box.index[0], ys, box.index[2])
    lab = canvas.labels[region]
    far = (g.axis_mm(1)[ys][None, :, None] > limit[:, None, :]) & (lab == labels.MUSCLE)
    canvas.hu[region][far] = _FAT_HU
    lab[far] = labels.FAT


# Where the sacral foramina open, S1-S2 down to S4-S5: (distance from the midline, radius), mm
# before the habitus' width scale; lateral to the canal, inside the lateral masses.
SACRAL_FORAMINA_MM = ((26.0, 4.5), (22.0, 4.0), (18.0, 3.3), (15.0, 2.6))
FORAMEN_FLARE = 1.12  # the anterior foramina open this much further out than they fork
# The lateral masses' edges front and back are rounded with this radius (mm before the width
# scale): until phantom-0.23 each was a trapezoid extruded front to back, square on axial images.
LATERAL_MASS_ROUNDING_MM = 4.0
# The lateral masses beside S2 ... S5: (how far out at the segment's top, as a share of
# sacral_ala_reach_mm; depth front to back as a share of the segment's), and how far out at the
# bottom of S5
SACRAL_LATERAL_MASSES = ((1.0, 1.0), (0.74, 0.95), (0.52, 0.9), (0.34, 0.85))
SACRAL_APEX_SHARE = 0.2


def _lateral_mass_outline(height: float, inner: float, top: float, bottom: float) -> list[tuple[float, float]]:
    """The lateral mass beside one segment in its (along, lateral) plane: a trapezoid from
    `inner` out to `top` at the segment's top and `bottom` at its foot, counter-clockwise,
    reaching 1 mm into the neighbours so the bars join."""
    h = height / 2 + 1.0
    return [(-h, inner), (h, inner), (h, max(bottom, inner + 1.0)), (-h, max(top, inner + 1.0))]


def _slab_distance(u, v, w, centre, axes, side: float, corners, half_depth: float) -> np.ndarray:
    """Distance to the trapezoid `corners` (along, lateral on `side`) extruded ±half_depth
    front to back in the segment's frame."""
    a, b, c = frame_coords(u, v, w, centre, axes)
    d2 = polygon_2d(a, c * F(side), corners)
    db = np.abs(b) - F(half_depth)
    return (np.sqrt(np.maximum(d2, 0) ** 2 + np.maximum(db, 0) ** 2) + np.minimum(np.maximum(d2, db), 0)).astype(F)


# The alae per axial slice (_ala_distance): knots in height above the S1
# centre (mm before the width scale, lowest first), each a bar's half-thickness front to back,
# its depth behind the S1 centre, and how far out it reaches as a share of sacral_ala_reach_mm.
_ALA_DZ = [-24, -6, 4, 12]
_ALA_HALF_THICK = [10, 14, 9, 0]
_ALA_DY = [15, 12, 10, 10]
_ALA_REACH = [0.95, 1.0, 0.95, 0.9]
_ALA_TOP_SLOPE = 0.25  # mm lower per mm out: the wings' tops fall away from the promontory


def _ala_distance(x: np.ndarray, y: np.ndarray, z: np.ndarray, s1_centre: np.ndarray, side: float,
                  inner: float, reach: float, s: float) -> np.ndarray:
    """Signed distance (mm, close to one near the surface) to one ala: in each slice a bar
    (a 2D capsule) from `inner` beside the body out to the joint, its size from the knots above
    at the slice's height, taken lower the further out the point is."""
    X = F(side) * (x - F(s1_centre[0]))
    Y = y - F(s1_centre[1])
    dz = (z - F(s1_centre[2])) / F(s) + F(_ALA_TOP_SLOPE) * np.maximum(X - F(inner), F(0.0)) / F(s)
    at = lambda knots: F(np.interp(dz, _ALA_DZ, knots))  # noqa: E731
    r = at(_ALA_HALF_THICK) * F(s)
    cy = at(_ALA_DY) * F(s)
    end = np.maximum(at(_ALA_REACH) * F(reach) - r, F(inner))
    along = np.clip(X, F(inner), end)
    d = np.sqrt((X - along) ** 2 + (Y - cy) ** 2) - r
    # above the top and below the bottom knot the bar has no thickness: outside
    return np.where((dz > _ALA_DZ[-1]) | (dz < _ALA_DZ[0]), np.maximum(d, F(1.0)), d).astype(F)


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
