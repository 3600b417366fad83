"""The trunk and neck outline: skin, subcutaneous fat, body-wall muscle, back muscles, the table.

Each axial slice's outline is an ellipse around the spine whose size comes from plan.outline_at
(lean sizes by level) plus the patient's fat, flattened at the back where the patient lies on
the table. The layers are offsets of one signed distance, so one evaluation gives all of them.
`Trunk` keeps the per-slice numbers for the organs and ribs, which sit inside the wall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import labels
from .grid import Box, Canvas
from .noise import CoarseField, TileField
from .plan import BodyPlan, fat_at, outline_at
from .sacral_axis import SEGMENTS_MM, crest_line_mm
from .sdf import coverage, ellipse_2d

F = np.float32


@dataclass
class Trunk:
    z_mm: np.ndarray  # (nz,) render slice positions
    centre_x: np.ndarray  # per slice
    centre_y: np.ndarray
    half_width: np.ndarray  # outer (skin) semi-axes
    half_depth: np.ndarray
    back_flat_y: np.ndarray  # the back is cut flat here (table side)
    fat: np.ndarray
    muscle: np.ndarray
    table_y: float  # top of the table
    cleft_depth_mm: np.ndarray  # per slice: how far the natal cleft reaches in front of the back's skin (0: none)
    cleft_x_mm: float  # the cleft's midline (the coccyx's)

    def cavity(self, k: "int | np.ndarray", margin_mm: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(cx, cy, a, b) of the ellipse inside the body wall of slice(s) k."""
        inset = self.fat[k] + self.muscle[k] + margin_mm
        return (self.centre_x[k], self.centre_y[k], np.maximum(self.half_width[k] - inset, 5.0),
                np.maximum(self.half_depth[k] - inset, 5.0))


SACRUM_COVER_MM = 22.0  # muscle and skin over the sacrum's crest, besides the fat


def back_skin_y(plan: BodyPlan, z_mm: np.ndarray) -> np.ndarray:
    """y (posterior) of the skin straight behind the spine at each z, before the soft tissue
    sags towards the table: the lean back's depth and a little of the fat (less fat over the
    back, where the patient lies on it); below S1 at least the sacrum's cover behind its crest
    (the real abdomen's sacrum lies 33-39 mm under the skin; `python3 -m models.back_depth`)."""
    ell = plan.ell(z_mm)
    _, _, back = outline_at(ell, plan.habitus)
    fat_back = fat_at(ell, plan.habitus) * 0.6
    return np.maximum(plan.spine_xy(z_mm)[:, 1] + back + fat_back, sacrum_back_y(plan, z_mm) + SACRUM_COVER_MM + fat_back)


def sacrum_back_y(plan: BodyPlan, z_mm: np.ndarray) -> np.ndarray:
    """y of the sacrum's furthest-back bone at each z between S1's inferior endplate and the
    coccyx (sacral_axis.crest_line_mm), -inf elsewhere and in spines without S1."""
    z = np.asarray(z_mm, float)
    try:
        s1 = plan.spine.by_level("S1")
    except KeyError:
        return np.full(z.shape, -np.inf)
    if s1.body is None:
        return np.full(z.shape, -np.inf)
    crest = crest_line_mm(s1, plan.spine.sacrum_dir, plan.habitus.width_scale)
    order = np.argsort(crest[:, 2])
    zc, yc = crest[order, 2], crest[order, 1]
    s1_bottom_z = float(s1.to_world(np.array([0.0, 0.0, float(np.min(s1.body.points_vw_mm[:, 1]))]))[2])
    y = np.interp(z, zc, yc)
    return np.where((z >= zc[0]) & (z <= max(s1_bottom_z, zc[-1])), y, -np.inf)


def build_trunk(plan: BodyPlan, z_mm: np.ndarray, rng: np.random.Generator) -> Trunk:
    hab = plan.habitus
    ell = plan.ell(z_mm)
    hw, front, _ = outline_at(ell, hab)
    fat = fat_at(ell, hab)
    xy = plan.spine_xy(z_mm)
    y_front = xy[:, 1] - front - fat
    y_back = back_skin_y(plan, z_mm)
    trunk_part = (ell > 6) & (ell < 26)
    table_y = float(np.max(y_back[trunk_part]) if np.any(trunk_part) else np.max(y_back))
    # The soft tissue sags a little towards the table, but the back keeps its shape: where the
    # lumbar lordosis lifts the spine off the table, the back stays lifted too (a real supine
    # abdomen: its skin lies 90-108 mm behind the centres of T12-S1, lordosis or not;
    # `python3 -m models.back_depth`). Filling that gap down to the table put 120-145 mm of
    # muscle behind L3-L5 and 50-90 mm behind the sacrum.
    # The buttocks, though, are soft and carry the pelvis: below the sacrum's top they rest on it.
    sag_share = np.maximum(rng.uniform(0.0, 0.3), np.clip((ell - 24.5) / 1.5, 0.0, 1.0))
    sag = sag_share * np.maximum(table_y - y_back, 0.0)
    y_back = np.where(ell > 6.5, y_back + sag, y_back)
    # a little extra where the back lies on the table, so that it is pressed flat there; lifted
    # off it (over the lordosis) the back stays round
    on_table = np.clip(1.0 - (table_y - y_back) / 10.0, 0.0, 1.0)
    half_depth = (y_back - y_front) / 2 * (1.0 + 0.06 * on_table)
    centre_y = y_front + half_depth
    back_flat = np.minimum(y_back, table_y)
    muscle = hab.muscle_mm * np.interp(ell, [0, 6, 8, 18, 22, 26], [2.0, 1.8, 1.3, 1.0, 0.9, 1.2])
    cleft_depth, cleft_x = natal_cleft(plan, z_mm, back_flat)
    return Trunk(z_mm, xy[:, 0] + rng.normal(0, 2), centre_y, hw + fat, half_depth, back_flat, fat, muscle,
                 table_y + float(rng.uniform(0, 1.5)), cleft_depth, cleft_x)


def render_table(canvas: Canvas, trunk: Trunk, rng: np.random.Generator) -> None:
    """A curved carbon-fibre shell (two skins around a foam core) and a thin pad on top."""
    g = canvas.grid
    x = g.axis_mm(0)
    width = float(rng.uniform(420, 520))
    cx = float(np.median(trunk.centre_x))
    curve = 0.0006 * (x - cx) ** 2  # mm: the shell is a cradle, its sides curved up (towards -y)
    y_top = trunk.table_y
    pad = float(rng.uniform(0, 10))  # a foam mattress, often absent
    layers = [(y_top, y_top + pad, -750.0), (y_top + pad, y_top + pad + 2.0, 200.0),
              (y_top + pad + 2.0, y_top + pad + 38.0, -920.0), (y_top + pad + 38.0, y_top + pad + 40.0, 200.0)]
    box = g.box(np.array([cx - width / 2, y_top - 0.0006 * (width / 2) ** 2 - 5, g.origin_mm[2] - 1]),
                np.array([cx + width / 2, y_top + pad + 45, g.origin_mm[2] + g.spacing_mm[2] * g.shape[0]]))
    if box is None:
        return
    yy = box.y + F(curve[box.index[2]].reshape(1, 1, -1))  # until phantom-0.21 the sides curved down
    inside_x = coverage(np.abs(box.x - F(cx)) - F(width / 2), g.voxel_mm)
    # the same in every slice, and painted first: blend one slice, then copy it to all
    first = Box((slice(box.index[0].start, box.index[0].start + 1), box.index[1], box.index[2]), box.x, box.y, box.z[:1])
    for y0, y1, hu in layers:
        d = np.abs(yy - F((y0 + y1) / 2)) - F((y1 - y0) / 2)
        canvas.paint(first, coverage(d, g.spacing_mm[1]) * inside_x, hu, labels.TABLE)
    canvas.hu[box.index] = canvas.hu[first.index]
    canvas.labels[box.index] = canvas.labels[first.index]


CHUNK_SLICES = 16  # full-grid layers are painted one slab at a time to bound memory


def _slabs(grid) -> list[tuple[int, int]]:
    n = grid.shape[0]
    return [(k, min(k + CHUNK_SLICES, n)) for k in range(0, n, CHUNK_SLICES)]


def _slab_box(grid, z0: int, z1: int) -> Box:
    return Box((slice(z0, z1), slice(None), slice(None)), grid.axis_mm(0).reshape(1, 1, -1),
               grid.axis_mm(1).reshape(1, -1, 1), grid.axis_mm(2)[z0:z1].reshape(-1, 1, 1))


def render_trunk(canvas: Canvas, trunk: Trunk, plan: BodyPlan, texture: CoarseField) -> None:
    """Skin, fat, the muscle wall and (as a base for the organs) the inside of the wall."""
    g = canvas.grid
    h = g.voxel_mm
    ell_all = plan.ell(trunk.z_mm)
    for z0, z1 in _slabs(g):
        # the slab's part that the body covers (the air round it stays as it is)
        sl = slice(z0, z1)
        cx, cy, hw, hd = trunk.centre_x[sl], trunk.centre_y[sl], trunk.half_width[sl], trunk.half_depth[sl]
        bxy = g.box(np.array([np.min(cx - hw) - 2, np.min(cy - hd) - 2, g.origin_mm[2]]),
                    np.array([np.max(cx + hw) + 2, np.max(cy + hd) + 2, g.origin_mm[2]]))
        if bxy is None:
            continue
        box = Box((slice(z0, z1), bxy.index[1], bxy.index[2]), bxy.x, bxy.y, g.axis_mm(2)[z0:z1].reshape(-1, 1, 1))
        tex = texture.chunk(z0, z1, box.index[1], box.index[2])
        r = lambda a: F(a[z0:z1]).reshape(-1, 1, 1)  # noqa: E731  per-slice parameter
        dx, dy = box.x - r(trunk.centre_x), box.y - r(trunk.centre_y)
        d_outer = skin_distance(box, trunk, plan, z0, z1)
        # subcutaneous fat: thicker in front of the belly and on the flanks than on the back
        angle_front = np.clip(-dy / r(trunk.half_depth), -1, 1)
        fat_local = r(trunk.fat) * (F(1.0) + F(0.25) * angle_front)
        canvas.paint(box, coverage(d_outer, h), 25.0 + 10.0 * tex, labels.SKIN)
        canvas.paint(box, coverage(d_outer + F(2.0), h), -108.0 + 12.0 * tex, labels.FAT)
        d_muscle = d_outer + fat_local
        # the wall muscle: all round the chest (pectorals, latissimus, trapezius); in the belly
        # only in front and at the sides, the back being the erector spinae (painted later)
        back = np.clip((dy / r(trunk.half_depth) - F(0.25)) * F(3.0), 0, 1)
        belly = np.clip((r(ell_all) - F(17.0)) / F(2.0), 0, 1)
        thick = r(trunk.muscle) * (F(1.0) - belly * back)
        canvas.paint(box, coverage(np.maximum(d_muscle, F(1.0) - thick), h), plan.habitus.muscle_hu + 2.0 + 8.0 * tex,
                     labels.MUSCLE)
        d_cavity = d_muscle + r(trunk.muscle)
        ell = r(ell_all)
        # inside the wall: mediastinal/visceral fat; organs and lungs are painted over it
        canvas.paint(box, coverage(d_cavity, h), -100.0 + 18.0 * tex + 30.0 * (1 - plan.habitus.visceral_fat) * (ell > 17),
                     labels.FAT)
        if np.any(ell_all[z0:z1] < 17.5):
            # the chest wall between the wall muscle and the ribs, all round: intercostal, serratus,
            # rhomboid and scapular muscles (the lungs fill the cage inside it)
            from .thorax import cage_at

            ccx, ccy, ca, cb = cage_at(plan, trunk, np.arange(z0, z1))
            q = lambda a: F(a).reshape(-1, 1, 1)  # noqa: E731  already per slab
            d_wall = np.maximum(d_cavity, -ellipse_2d(box.x - q(ccx), box.y - q(ccy), q(ca + 5.0), q(cb + 5.0)))
            thor = np.clip(F(17.5) - ell, 0, 1)
            canvas.paint(box, coverage(d_wall, h) * thor, plan.habitus.muscle_hu - 2.0 + 8.0 * tex, labels.MUSCLE)


def skin_distance(box: Box, trunk: Trunk, plan: BodyPlan, z0: int, z1: int) -> np.ndarray:
    """Signed distance (mm, < 0 inside) to the skin over `box`, which spans slices z0:z1: the
    slice's ellipse, pressed flat where it lies on the table, the furrow down the back."""
    r = lambda a: F(a[z0:z1]).reshape(-1, 1, 1)  # noqa: E731  per-slice parameter
    dx, dy = box.x - r(trunk.centre_x), box.y - r(trunk.centre_y)
    d = np.maximum(ellipse_2d(dx, dy, r(trunk.half_width), r(trunk.half_depth)), box.y - r(trunk.back_flat_y))
    d = d + _back_furrow(box, trunk, plan, z0, z1)
    cleft = natal_cleft_distance(box, trunk, plan, z0, z1)
    return d if cleft is None else np.maximum(d, -cleft)


# The natal cleft between the buttocks: from the coccyx's first segment down it deepens over
# CLEFT_RAMP_MM to (CLEFT_DEPTH_MM + CLEFT_DEPTH_PER_FAT × the fat) × the width scale, at most
# CLEFT_MAX_MM; CLEFT_BONE_MM behind the sacrum's crest line (drawn without the bends' noise)
# down to the coccyx's tip, without that limit below it. Its lips are rounded: the
# half-width falls from CLEFT_LIP_MM (+ a share of the fat) at the skin as the square of the
# depth to a closed fold (CLEFT_FOLD_MM a side: the thin dark line of a supine patient's cleft).
CLEFT_RAMP_MM = 35.0
CLEFT_DEPTH_MM = 22.0
CLEFT_DEPTH_PER_FAT = 0.9
CLEFT_MAX_MM = 60.0
CLEFT_BONE_MM = 8.0
CLEFT_LIP_MM = 7.0
CLEFT_FOLD_MM = 0.5


def natal_cleft(plan: BodyPlan, z_mm: np.ndarray, back_y: np.ndarray) -> tuple[np.ndarray, float]:
    """Per z, the mm the natal cleft reaches in front of the back's skin (`back_y`, the
    midline's), and the x of its midline (the coccyx's); no cleft (zeros) in spines without S1."""
    z = np.asarray(z_mm, float)
    try:
        s1 = plan.spine.by_level("S1")
    except KeyError:
        return np.zeros(z.shape), 0.0
    if s1.body is None:
        return np.zeros(z.shape), 0.0
    s = plan.habitus.width_scale
    crest = crest_line_mm(s1, plan.spine.sacrum_dir, s)
    top_z = float(crest[len(SEGMENTS_MM) - 4, 2])  # the coccyx's first segment: SEGMENTS_MM is S2-S5, then the coccyx's four
    ramp = np.clip((top_z - z) / (CLEFT_RAMP_MM * s), 0.0, 1.0)
    depth = np.minimum((CLEFT_DEPTH_MM + CLEFT_DEPTH_PER_FAT * plan.habitus.fat_mm) * s, CLEFT_MAX_MM) * np.sqrt(ramp)
    depth = np.clip(np.minimum(depth, back_y - sacrum_back_y(plan, z) - CLEFT_BONE_MM), 0.0, None)
    return depth, float(crest[-1, 0])


def natal_cleft_distance(box: Box, trunk: Trunk, plan: BodyPlan, z0: int, z1: int) -> np.ndarray | None:
    """Signed distance (mm, < 0 inside) to the cleft's wedge of air over `box` (slices z0:z1);
    None where no slice of the slab has one."""
    depth = trunk.cleft_depth_mm[z0:z1]
    if not np.any(depth > 0.5):
        return None
    r = lambda a: F(a).reshape(-1, 1, 1)  # noqa: E731  per slice of the slab
    t = r(trunk.back_flat_y[z0:z1]) - box.y  # mm in front of the back's skin
    share = np.clip(F(1.0) - t / np.maximum(r(depth), F(1e-3)), 0.0, 1.0)
    lip = r(np.full(z1 - z0, (CLEFT_LIP_MM + 0.2 * plan.habitus.fat_mm) * plan.habitus.width_scale))
    half_width = lip * share ** 2 + F(CLEFT_FOLD_MM)
    d = np.maximum(np.abs(box.x - F(trunk.cleft_x_mm)) - half_width, t - r(depth))
    return np.where(r(depth) > 0.5, d, F(1e4)).astype(F)  # (far outside it where a slice has none)


def _back_furrow(box: Box, trunk: Trunk, plan: BodyPlan, z0: int, z1: int) -> np.ndarray:
    """mm the skin sinks at the back's midline: the furrow over the spinous processes between
    the erector spinae's bellies, deepest over the lumbar spine of a lean, muscular back, and
    evened out by fat (at most 0.8 of the fat over the back plus 1 mm; render_back_muscles keeps
    the muscle under the fat). Where the back lies on the table it is pressed nearly flat: the
    fade is measured from the table's top, which lies up to 1.5 mm below the deepest back."""
    ell = plan.ell(trunk.z_mm[z0:z1])
    fat_back = trunk.fat[z0:z1] * 0.6
    depth = np.clip(8.0 - 0.25 * plan.habitus.fat_mm, 1.0, 6.0) * np.interp(ell, [6, 10, 16, 22, 24.5, 26], [0, 0.5, 0.8, 1, 1, 0])
    depth = np.minimum(depth, 0.8 * fat_back + 1.0) * np.clip((trunk.table_y - trunk.back_flat_y[z0:z1]) / 5.0, 0.0, 1.0)
    sigma = 11.0 * plan.habitus.width_scale
    xy = plan.spine_xy(trunk.z_mm[z0:z1])
    r = lambda a: F(a).reshape(-1, 1, 1)  # noqa: E731  per slice of the slab
    across = np.exp(-F(0.5) * ((box.x - r(xy[:, 0])) / F(sigma)) ** 2)
    behind = np.clip((box.y - r(trunk.centre_y[z0:z1])) / r(trunk.half_depth[z0:z1]) * F(2.0) - F(1.0), 0, 1)
    return r(depth) * across * behind


def _superellipse(dx: np.ndarray, dy: np.ndarray, a: np.ndarray, b: np.ndarray, p: "float | np.ndarray" = 3.0) -> np.ndarray:
    """Approximate signed distance to |x/a|^p + |y/b|^p <= 1 (p > 2: a rounded box)."""
    p = F(p) if np.isscalar(p) else p
    k = (np.abs(dx / a) ** p + np.abs(dy / b) ** p) ** (F(1.0) / p)
    return (k - F(1.0)) * np.minimum(a, b)


def _rotated_ellipse(dx: np.ndarray, dy: np.ndarray, a, b, cos_t, sin_t) -> np.ndarray:
    """Ellipse with half-axes a (along (cos, sin)) and b, centred at the origin."""
    p = dx * cos_t + dy * sin_t
    q = -dx * sin_t + dy * cos_t
    return ellipse_2d(p, q, a, b)


def muscle_value(hab, tex: np.ndarray, marble: np.ndarray | None) -> np.ndarray:
    """Muscle HU: lean muscle plus, with age, streaks of fat between the fibre bundles."""
    value = F(hab.muscle_hu) + F(6.0) * tex
    if marble is not None and hab.marbling > 0:
        frac = np.clip((marble - F(1.6 - 1.1 * hab.marbling)) * F(0.7), 0, F(0.45))
        value = value + frac * (F(-85.0) - value)
    return value


def render_back_muscles(canvas: Canvas, trunk: Trunk, plan: BodyPlan, texture: CoarseField,
                        marble: "TileField | None" = None) -> None:
    """The muscles that frame the spine on axial images: the erector spinae and multifidus
    filling the gutters either side of the spinous processes from the laminae and transverse
    processes back to the fascia; the psoas against the lumbar bodies, growing downwards; the
    quadratus lumborum beyond the transverse processes; the diaphragm's crura climbing the front
    of L1-L3 on both sides of the aorta. Bones, canal and organs are painted later and cut them."""
    g = canvas.grid
    h = g.voxel_mm
    hab = plan.habitus
    z = trunk.z_mm
    ell = plan.ell(z)
    xy = plan.spine_xy(z)
    sz = plan.sizes(z)
    s = hab.width_scale
    half_d = sz["body_depth_mm"] / 2
    half_w = sz["body_width_mm"] / 2
    y_pw = xy[:, 1] + half_d  # posterior wall of the bodies
    y_tp = y_pw + sz["pedicle_length_mm"] - 1.0  # the transverse processes' plane
    back_limit = trunk.back_flat_y - trunk.fat * 0.6  # the fascia under the back's fat
    # erector spinae and multifidus: width per side by level
    # below the sacrum's top the mass turns into the gluteus maximus: broad, reaching out behind
    # the hips and forwards to them (no paraspinal bellies beside a midline at the hip joints)
    er_w = np.interp(ell, [0, 6, 8, 12, 16, 19, 22, 24, 25.5, 27.5], [24, 24, 22, 26, 32, 42, 50, 46, 40, 85]) * s
    er_in = np.interp(ell, [25.5, 27.5], [0, 30]) * s  # fat (the ischioanal fossae) between them
    lat_front = y_tp + np.interp(ell, [0, 10, 18, 22, 25.5, 27.5], [-6, 0, 2, 4, 4, -5])
    # the mass ends at the fascia, or (thoracic spine, where it is slimmer) a little behind the
    # spinous processes' tips
    sp_tip = y_pw + sz["canal_ap_mm"] + sz["spinous_length_mm"] * np.cos(np.radians(sz["spinous_angle_deg"]))
    er_back = np.minimum(back_limit, np.where(ell < 17.5, sp_tip + np.interp(ell, [0, 8, 14, 17.5], [14, 12, 14, 40]) * s,
                                              back_limit))
    er_p = np.interp(ell, [8, 16, 19, 25.5, 27.5], [2.3, 2.5, 3.0, 3.0, 2.2])  # thoracic bellies rounder, lumbar boxier
    # psoas (ell >= 17.6): half-axes, and its offset in front of the body centre
    ps_a = np.interp(ell, [17.6, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 25, 27], [0, 7, 11, 15, 18, 21, 23, 24, 20]) * s
    ps_b = ps_a * np.interp(ell, [18, 21, 24, 27], [0.6, 0.68, 0.75, 0.85])
    ps_dy = np.interp(ell, [18, 20, 22, 24, 26, 27.5], [6, 3, 0, -5, -18, -32])
    # quadratus lumborum (L1 to the iliac crest)
    ql_a = np.interp(ell, [19.0, 20, 22, 23.5, 24.3], [0, 9, 16, 18, 0]) * s
    ql_b = np.interp(ell, [19.0, 20, 22, 23.5, 24.3], [0, 4, 6.5, 7.5, 0]) * s
    ql_x = sz["canal_width_mm"] / 2 + sz["pedicle_width_mm"] + 0.8 * sz["transverse_length_mm"] + ql_a * 0.55
    c20, s20 = F(np.cos(np.radians(20))), F(np.sin(np.radians(20)))
    c55, s55 = F(np.cos(np.radians(55))), F(np.sin(np.radians(55)))
    x_reach = float(np.max(er_w + half_w + ps_a * 2 + 40))
    for z0, z1 in _slabs(g):
        r = lambda a: F(a[z0:z1]).reshape(-1, 1, 1)  # noqa: E731
        lo = np.array([float(np.min(xy[z0:z1, 0])) - x_reach, float(np.min(xy[z0:z1, 1] - half_d[z0:z1])) - 60, g.origin_mm[2]])
        hi = np.array([float(np.max(xy[z0:z1, 0])) + x_reach, float(np.max(back_limit[z0:z1])) + 2, g.origin_mm[2]])
        bxy = g.box(lo, hi)
        if bxy is None:
            continue
        box = Box((slice(z0, z1), bxy.index[1], bxy.index[2]), bxy.x, bxy.y, g.axis_mm(2)[z0:z1].reshape(-1, 1, 1))
        tex = texture.chunk(z0, z1, box.index[1], box.index[2])
        mtex = marble.at(box.index, box.shape) if marble is not None else None
        muscle = muscle_value(hab, tex, mtex)
        dx = box.x - r(xy[:, 0])
        dy = box.y
        d = None
        for side in (-1.0, 1.0):
            # the main mass: a rounded box from the transverse processes back to the fascia
            cy = (r(lat_front) + r(er_back)) / 2
            bd = np.maximum((r(er_back) - r(lat_front)) / 2, F(3.0))
            e = _superellipse(dx - F(side) * (F(1.2) + r(er_in) + r(er_w) / 2), dy - cy, r(er_w) / 2, bd, r(er_p))
            # the medial gutter beside the spinous process, down onto the laminae
            gut_front = r(y_pw + sz["canal_ap_mm"] * 0.5)
            gw = r((sz["canal_width_mm"] / 2 + sz["pedicle_width_mm"] * 0.8) * np.interp(ell, [25.0, 26.0], [1.0, 0.0]))
            gutter = np.maximum(np.maximum(gut_front - dy, dy - cy), np.maximum(F(1.2) - F(side) * dx, F(side) * dx - gw))
            e = np.minimum(e, gutter)
            d = e if d is None else np.minimum(d, e)
        if np.any(ell[z0:z1] < 17.5):  # (the chest wall behind the ribs is render_trunk's)
            # a fat plane round the erector spinae
            thor = np.clip(r(17.5 - ell), 0, 1)
            canvas.paint(box, coverage(np.abs(d) - F(0.8), h) * thor * F(0.6), -80.0)
        # under the back's fat wherever the skin curves (a lifted back is round, not cut flat)
        d = np.maximum(d, skin_distance(box, trunk, plan, z0, z1) + r(trunk.fat * 0.6))
        canvas.paint(box, coverage(d, h), muscle, labels.MUSCLE)
        # the septum between multifidus and longissimus: a faint fat plane
        sep = np.abs(np.abs(dx) - r(er_w) * F(0.42)) - F(0.6)
        sep = np.maximum(sep, r(y_tp + 6.0) - dy)
        canvas.paint(box, coverage(np.maximum(sep, d), h) * F(0.3), -70.0)
        on = (ps_a[z0:z1] > 0.5) | (ql_a[z0:z1] > 0.5)
        if not np.any(on):
            continue
        onf = F(on.astype(np.float32)).reshape(-1, 1, 1)
        for side in (-1.0, 1.0):
            px = r(half_w + np.maximum(ps_a, 0.1) * 0.72)
            d_ps = _rotated_ellipse(dx - F(side) * px, dy - r(xy[:, 1] + ps_dy), r(np.maximum(ps_a, 0.1)),
                                    r(np.maximum(ps_b, 0.1)), c55, F(side) * s55)
            canvas.paint(box, coverage(d_ps, h) * onf * F(ps_a[z0:z1] > 0.5).reshape(-1, 1, 1), muscle, labels.MUSCLE)
            d_ql = _rotated_ellipse(dx - F(side) * r(ql_x), dy - r(y_tp - 2.0), r(np.maximum(ql_a, 0.1)),
                                    r(np.maximum(ql_b, 0.1)), c20, -F(side) * s20)
            canvas.paint(box, coverage(d_ql, h) * F(ql_a[z0:z1] > 0.5).reshape(-1, 1, 1), muscle, labels.MUSCLE)


def render_crura(canvas: Canvas, plan: BodyPlan) -> None:
    """The diaphragm's crura: muscular bands from the front of L1-L3 (the right one longer) up
    beside the aorta to the median arcuate ligament in front of it at T12, then out into the
    diaphragm."""
    from .organs import paint_tube

    s = plan.habitus.width_scale

    def at(ell, dx, dy_front):
        z = float(plan.z_of(ell))
        sz = plan.sizes(z)
        p = plan.at_level(ell, dx * s, 0.0)
        p[1] += -float(sz["body_depth_mm"]) / 2 + dy_front
        return p

    # the retrocrural and paravertebral space is fat: organs that reached it give way
    g = canvas.grid
    z0, z1 = float(plan.z_of(22.0)), float(plan.z_of(16.3))
    k = np.flatnonzero((g.axis_mm(2) >= z0) & (g.axis_mm(2) <= z1))
    if len(k):
        zz = g.axis_mm(2)[k]
        xy = plan.spine_xy(zz)
        sz = plan.sizes(zz)
        hw, hd = sz["body_width_mm"] / 2, sz["body_depth_mm"] / 2
        lo = np.array([xy[:, 0].min() - hw.max() - 40, xy[:, 1].min() - hd.max() - 45, zz.min()])
        hi = np.array([xy[:, 0].max() + hw.max() + 40, xy[:, 1].max() + hd.max(), zz.max()])
        box = g.box(lo, hi)
        if box is not None:
            kk = np.arange(box.index[0].start, box.index[0].stop)
            zb = g.axis_mm(2)[kk]
            xyb, szb = plan.spine_xy(zb), plan.sizes(zb)
            r = lambda a: F(a).reshape(-1, 1, 1)  # noqa: E731
            d = ellipse_2d(box.x - r(xyb[:, 0] + 6.0), box.y - r(xyb[:, 1] - szb["body_depth_mm"] * 0.35),
                           r(szb["body_width_mm"] / 2 + 24.0), r(szb["body_depth_mm"] / 2 + 24.0))
            organs = np.isin(canvas.labels[box.index], [labels.LIVER, labels.SPLEEN, labels.STOMACH, labels.BOWEL])
            canvas.paint(box, coverage(d, g.voxel_mm) * organs, -95.0, labels.FAT)
    m_hu = plan.habitus.muscle_hu
    for side, path in ((-1.0, [(20.9, 12, 3), (19.8, 15, -2), (18.6, 15, -9), (17.7, 12, -19), (17.0, 24, -30), (16.4, 40, -36)]),
                       (1.0, [(20.1, 12, 3), (19.2, 15, -2), (18.4, 15, -9), (17.7, 12, -19), (17.0, 26, -28), (16.4, 42, -34)])):
        pts = np.stack([at(e, side * dx, dy) for e, dx, dy in path])
        paint_tube(canvas, pts, np.array([3.0, 5.5, 6.0, 5.5, 4.5, 3.5]) * s, m_hu + 5.0, labels.MUSCLE)
    arc = np.stack([at(17.65, -12, -20), at(17.6, 0, -23), at(17.65, 12, -20)])
    paint_tube(canvas, arc, 2.2 * s, m_hu + 5.0, labels.MUSCLE)
