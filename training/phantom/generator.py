"""generate(seed, preset, **overrides) -> Phantom: a CT volume in HU with exact ground truth.

Conventions (see README.md in this folder): arrays are [slice][row][column]; column -> +x
(patient Left), row -> +y (Posterior); by default slice -> +z (Superior), i.e. slice 0 is the
most inferior ("inferior_first"); `slice_order="superior_first"` flips the array and gives
direction.slice = (0, 0, -1). The origin is the centre of voxel [0][0][0], as in the TS Volume.

Determinism: one numpy SeedSequence per seed, split into independent streams for anatomy,
acquisition, textures and noise, so the same seed and overrides give the same volume and JSON
bit for bit, and an acquisition override does not change the anatomy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import acquisition as acq
from . import labels
from .fractures import FractureSpec
from .grading import TYPES
from .grid import Canvas, Grid
from .head_neck import render_neck, render_skull_base
from .implants import plan_implants, render_implants
from .levels import ALL_LEVEL_NAMES, level_sequence, region, size_position
from .noise import CoarseField, TileField
from .organs import render_abdomen, render_lungs, render_mediastinum
from .pelvis import render_iliac_wings, render_sacrum
from .plan import BodyPlan, Habitus, sample_habitus
from .posture import turn_to_rest
from .presets import get_preset
from .priors import load_priors
from .raster import BoneTexture
from .spine import SpineModel, SpineOptions, build_spine, patient_density_hu
from .thorax import render_ribs, render_shoulder_girdle, render_sternum
from .torso import build_trunk, render_back_muscles, render_crura, render_table, render_trunk
from .truth import Geometry, build_ground_truth
from .vertebra import (render_body, render_canal, render_disc, render_posterior_elements, render_rod,
                       render_screws)

# Bump whenever the same seed would give a different volume or ground truth: trainers cache
# phantoms under this name.
GENERATOR_VERSION = "phantom-0.23"

ANATOMY_KEYS = {"fractures", "random_fractures", "fracture_mix", "scan_levels", "jitter", "n_thoracic", "n_lumbar", "cobb_deg",
                "curvature_scale", "trabecular_hu", "patient_scale", "contrast", "fat_mm", "cement_levels",
                "screw_levels", "osteophytes", "vacuum_rate", "bridging", "fused", "surroundings", "disc_degeneration",
                "implants"}
ACQ_KEYS = {"spacing_mm", "matrix", "fov_mm", "slice_mm", "kernel", "noise_hu", "pad_hu", "slice_order",
            "fov_centre_xy_mm", "metal_streaks", "beam_hardening"}


@dataclass
class Phantom:
    hu: np.ndarray  # int16, (slices, rows, columns)
    labels: np.ndarray  # uint16, same shape: labels.py values (the structure covering >= half a voxel)
    geometry: Geometry
    ground_truth: dict
    spine: SpineModel = field(repr=False)


def _fracture_specs(items) -> dict[str, FractureSpec]:
    out = {}
    for it in items:
        level, grade, typ = it[0], int(it[1]), str(it[2])
        plana = bool(it[3]) if len(it) > 3 else False
        if level not in ALL_LEVEL_NAMES:
            raise ValueError(f"unknown level {level!r}")
        out[level] = FractureSpec(grade, typ, plana)
    return out


# How random fractures are drawn. "population": as in a screened population, about half the
# spines without any, most fractures mild or moderate, crushes rare. "severe": every spine with
# two or more, most of them severe, crushes and vertebra plana common; for training phantoms
# that add the rare severe shapes the population mix holds too few of (training/README.md).
FRACTURE_MIXES = {
    "population": {"none": 0.45, "at_least": 1, "extra_mean": 0.6, "grades": [0.4, 0.35, 0.25], "types": [0.55, 0.3, 0.15], "plana": 0.08},
    "severe": {"none": 0.0, "at_least": 2, "extra_mean": 1.0, "grades": [0.1, 0.3, 0.6], "types": [0.4, 0.25, 0.35], "plana": 0.15},
}


def _random_fractures(rng: np.random.Generator, levels: list[str], mix: str = "population") -> dict[str, FractureSpec]:
    """Population mix: about half the spines have none; the rest one to four, most often at
    T7-T8 and T11-L2. FRACTURE_MIXES holds the rates of each mix."""
    m = FRACTURE_MIXES[mix]
    if rng.random() < m["none"]:
        return {}
    cands = [lv for lv in levels if region(lv) in "TL" and lv not in ("T1", "T2")]
    if not cands:
        return {}
    pos = np.array([size_position(lv) for lv in cands])
    w = 0.4 + np.exp(-0.5 * ((pos - 13.5) / 1.5) ** 2) + 1.5 * np.exp(-0.5 * ((pos - 18.5) / 1.2) ** 2)
    n = min(len(cands), m["at_least"] + int(rng.poisson(m["extra_mean"])))
    chosen = rng.choice(len(cands), size=n, replace=False, p=w / w.sum())
    out = {}
    for i in chosen:
        grade = int(rng.choice([1, 2, 3], p=m["grades"]))
        typ = str(rng.choice(TYPES, p=m["types"]))
        plana = grade == 3 and rng.random() < m["plana"]
        out[cands[int(i)]] = FractureSpec(grade, typ, plana)
    return out


def _model_levels(rng: np.random.Generator, ov: dict) -> list[str]:
    n_t = int(ov.get("n_thoracic", rng.choice([11, 12, 13], p=[0.02, 0.94, 0.04])))
    n_l = int(ov.get("n_lumbar", rng.choice([4, 5, 6], p=[0.02, 0.93, 0.05])))
    return level_sequence(n_t, n_l)


def generate(seed: int, preset: str = "chest", **overrides) -> Phantom:
    unknown = set(overrides) - ANATOMY_KEYS - ACQ_KEYS
    if unknown:
        raise TypeError(f"unknown overrides: {sorted(unknown)}")
    ov = overrides
    pre = get_preset(preset)
    # spawn(n)'s first children are spawn(n - 1)'s: streams were added without moving the others
    streams = np.random.SeedSequence(int(seed)).spawn(8)
    rng_anat, rng_scan, rng_tex, rng_noise, rng_detail, rng_range, rng_implants, rng_hips = (
        np.random.default_rng(s) for s in streams)
    priors = load_priors()

    # ---- which levels: the scan range (level coordinates), the modelled spine beyond it
    all_levels = _model_levels(rng_anat, ov)
    if "scan_levels" in ov:
        top, bottom = ov["scan_levels"]
        ell_top, ell_bot = size_position(top) - 0.6, size_position(bottom) + 0.6
    else:
        ell_top, ell_bot = pre.scan_ell(float(rng_range.uniform()))
    if ov.get("jitter", True):
        ell_top += float(rng_anat.uniform(-pre.jitter_levels, pre.jitter_levels))
        ell_bot += float(rng_anat.uniform(-pre.jitter_levels, pre.jitter_levels))
    ell_top = max(ell_top, -2.0)
    positions = np.array([size_position(lv) for lv in all_levels])
    keep = (positions >= ell_top - 2.5) & (positions <= ell_bot + 2.5)
    levels = [lv for lv, k in zip(all_levels, keep) if k]

    # ---- anatomy options
    mix = ov.get("fracture_mix", "population")
    if "fractures" in ov:
        fractures = _fracture_specs(ov["fractures"])
        if ov.get("random_fractures", False):
            fractures = {**_random_fractures(rng_anat, levels, mix), **fractures}
    else:
        fractures = _random_fractures(rng_anat, levels, mix) if ov.get("random_fractures", True) else {}
    for lv in fractures:
        if lv not in levels:
            raise ValueError(f"fracture at {lv} is outside this phantom's spine ({levels[0]}-{levels[-1]})")
    age_like = float(rng_anat.uniform(0, 1))  # one number makes bone loss, spurs and disc wear go together
    fractured = list(fractures)
    opts = SpineOptions(
        levels=levels,
        fractures=fractures,
        patient_scale=float(ov.get("patient_scale", np.clip(rng_anat.normal(1.0, 0.07), 0.82, 1.2))),
        trabecular_hu=float(ov.get("trabecular_hu", patient_density_hu(rng_anat, age_like))),  # drawn either way
        cobb_deg=float(ov.get("cobb_deg", rng_anat.uniform(10, 60) if rng_anat.random() < 0.12 else 0.0)),
        curvature_scale=float(ov.get("curvature_scale", np.clip(rng_anat.normal(1.0, 0.25), 0.4, 1.8))),
        osteophytes=float(ov.get("osteophytes", age_like * 0.8 if rng_anat.random() < 0.6 else 0.0)),
        vacuum_rate=float(ov.get("vacuum_rate", 0.25 * age_like)),
        calcified_rate=0.05 * age_like,
        disc_degeneration=float(ov.get("disc_degeneration", age_like)),
        bridging=bool(ov.get("bridging", rng_anat.random() < 0.06 * age_like)),
        fused_pair=None,
        cement_levels=tuple(ov.get("cement_levels", [lv for lv in fractured if rng_anat.random() < 0.1])),
        screw_levels=tuple(ov.get("screw_levels", ())),
    )
    if "fused" in ov and ov["fused"] in levels:
        opts.fused_pair = levels.index(ov["fused"])
    elif "fused" not in ov and rng_anat.random() < 0.04 and len(levels) > 3:
        opts.fused_pair = int(rng_anat.integers(1, len(levels) - 2))
    if "screw_levels" not in ov and rng_anat.random() < 0.04:
        cands = [lv for lv in levels if region(lv) in "TL"]
        if len(cands) >= 3:
            i = int(rng_anat.integers(0, len(cands) - 2))
            opts.screw_levels = tuple(cands[i:i + int(rng_anat.integers(2, 4))])
    spine = build_spine(priors, opts, rng_anat, rng_detail)
    habitus = sample_habitus(rng_anat, opts.patient_scale, age_like, rng_detail)
    if "contrast" in ov or "fat_mm" in ov:
        habitus = Habitus(**{**habitus.__dict__, **{k: ov[k] for k in ("contrast",) if k in ov},
                             **({"fat_mm": float(ov["fat_mm"])} if "fat_mm" in ov else {})})

    # ---- place the patient: resting on the table (posture.py), the scan centre near the
    # isocentre, z like a real scanner's
    rest_turn_deg = turn_to_rest(spine, habitus)
    plan = BodyPlan(spine, habitus)
    z_top, z_bot = float(plan.z_of(ell_top)), float(plan.z_of(ell_bot))
    mid_xy = plan.spine_xy((z_top + z_bot) / 2)
    shift = np.array([rng_anat.normal(0, 8) - mid_xy[0], rng_anat.uniform(25, 70) - mid_xy[1],
                      rng_anat.uniform(-350, 50) - (z_top + z_bot) / 2])
    for v in spine.vertebrae:
        v.centre_mm = v.centre_mm + shift
    spine.rods = [r + shift for r in spine.rods]
    plan = BodyPlan(spine, habitus)
    z_top, z_bot = z_top + shift[2], z_bot + shift[2]

    # ---- acquisition and the render grid
    trunk_mid = build_trunk(plan, np.array([(z_top + z_bot) / 2]), np.random.default_rng(0))
    centre_xy = (float(trunk_mid.centre_x[0]), float(trunk_mid.centre_y[0]))
    if preset == "cervical":
        centre_xy = tuple(plan.spine_xy((z_top + z_bot) / 2) + np.array([0.0, -15.0]))
    proto = acq.sample_protocol(rng_scan, pre.fov_mm, centre_xy, {k: ov[k] for k in ACQ_KEYS if k in ov},
                                size_factor=float(np.exp((habitus.fat_mm - 18.0) / 60.0)), slices_mm=pre.slices_mm)
    n_out = max(1, int(round((z_top - z_bot) / proto.slice_mm)))
    n_sub = proto.sub_slices
    fine = proto.slice_mm / n_sub
    n = proto.matrix
    sp = proto.spacing_mm
    cx, cy = proto.fov_centre_xy_mm
    grid = Grid((n_out * n_sub, n, n), (cx - (n - 1) / 2 * sp, cy - (n - 1) / 2 * sp, z_bot + fine / 2), (sp, sp, fine))
    z_mm = grid.axis_mm(2).astype(float)

    canvas = _render(grid, spine, plan, z_mm, bool(ov.get("surroundings", True)), rng_tex, rng_hips)
    implants: list[str] = []
    if ov.get("surroundings", True):  # metal away from the spine (implants.py), last: it is on top
        asked = ov.get("implants")
        implants, rods = plan_implants(plan, z_bot, z_top, rng_implants, None if asked is None else tuple(asked))
        render_implants(canvas, rods)

    # ---- the scanner
    lab = canvas.labels if n_sub == 1 else canvas.labels[n_sub // 2::n_sub][:n_out].copy()
    out_spacing = (sp, sp, proto.slice_mm)
    hu16, outside = acq.scan(canvas.hu, lab == labels.METAL, n_sub, out_spacing, proto, rng_noise,
                             streaks=bool(ov.get("metal_streaks", True)))
    del canvas
    lab[:, outside] = 0

    origin = (grid.origin_mm[0], grid.origin_mm[1], z_bot + proto.slice_mm / 2)
    direction = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    if proto.slice_order == "superior_first":
        hu16, lab = hu16[::-1].copy(), lab[::-1].copy()
        origin = (origin[0], origin[1], origin[2] + (n_out - 1) * proto.slice_mm)
        direction = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, -1.0))
    geom = Geometry((n, n, n_out), origin, out_spacing, direction)
    extra = {
        "sliceOrder": proto.slice_order,
        "levelsModelled": levels,
        "acquisition": {"kernel": proto.kernel, "noiseHu": round(proto.noise_hu, 2), "sliceThicknessMm": proto.slice_mm,
                        "padHu": proto.pad_hu, "fovMm": round(n * sp, 2), "contrast": habitus.contrast,
                        "beamHardening": round(proto.beam_hardening, 2)},
        "spineModel": {"cobbDeg": round(spine.cobb_deg, 1), "patientScale": round(spine.patient_scale, 3),
                       "restTurnDeg": round(rest_turn_deg, 1),
                       "fusedDisc": None if opts.fused_pair is None else f"{levels[opts.fused_pair]}-{levels[opts.fused_pair + 1]}",
                       "vacuumDiscs": [f"{levels[d.upper]}-{levels[d.lower]}" for d in spine.discs if d.vacuum],
                       "screwLevels": list(opts.screw_levels), "cementLevels": list(opts.cement_levels)},
        "implants": implants,
    }
    gt = build_ground_truth(spine, geom, int(seed), preset, extra)
    return Phantom(hu16, lab, geom, gt, spine)


def _render(grid: Grid, spine: SpineModel, plan: BodyPlan, z_mm: np.ndarray, surroundings: bool,
            rng: np.random.Generator, rng_hips: np.random.Generator) -> Canvas:
    canvas = Canvas(grid, background_hu=-1000.0 if surroundings else 40.0)
    verts = spine.vertebrae
    ell = plan.ell(z_mm)
    ell_lo, ell_hi = float(ell.min()), float(ell.max())  # ell grows downwards
    if surroundings:
        step = tuple(max(1, int(round(3.0 / s))) for s in (grid.spacing_mm[2], grid.spacing_mm[1], grid.spacing_mm[0]))
        texture = CoarseField(rng, grid.shape, step, sigma=1.0)
        sp = grid.spacing_mm
        block = tuple(max(8, int(round(mm / d))) for mm, d in ((30.0, sp[2]), (48.0, sp[1]), (48.0, sp[0])))
        marble = TileField(rng, block, (5.0 / sp[2], 1.0 / sp[1], 1.0 / sp[0]))  # fat streaks along the fibres
        trunk = build_trunk(plan, z_mm, rng)
        render_table(canvas, trunk, rng)
        render_trunk(canvas, trunk, plan, texture)
        render_back_muscles(canvas, trunk, plan, texture, marble)
        if ell_hi > 15.0:
            render_abdomen(canvas, trunk, plan, rng)
        if ell_lo < 21.5 and ell_hi > 16.0:
            render_crura(canvas, plan)
        if ell_lo < 19.5 and ell_hi > 5.0:
            render_lungs(canvas, trunk, plan, rng)
            render_mediastinum(canvas, trunk, plan, rng)
        if ell_lo < 8.0:
            render_neck(canvas, plan, rng)
    for v in verts:
        render_canal(canvas, v)
    for d in spine.discs:
        render_disc(canvas, verts[d.upper], verts[d.lower], d, rng)
    if surroundings:
        if ell_lo < 19.5 and ell_hi > 6.0:
            render_ribs(canvas, trunk, plan, rng)
            if ell_lo < 15.5:
                render_sternum(canvas, trunk, plan, rng)
            if ell_lo < 13.5:
                render_shoulder_girdle(canvas, trunk, plan, rng)
        if verts[-1].level == "S1":
            render_sacrum(canvas, plan, verts[-1], rng)
        if ell_hi > 22.0:
            render_iliac_wings(canvas, plan, rng, rng_hips)
        if verts[0].level == "C1" and ell_lo < 1.5:
            render_skull_base(canvas, plan, verts[0], rng)
    bone_tex = BoneTexture(rng, grid.spacing_mm)
    for i, v in enumerate(verts):
        render_posterior_elements(canvas, v, rng, verts[i - 1] if i > 0 else None, verts[i + 1] if i + 1 < len(verts) else None,
                                  texture=bone_tex)
    for v in verts:
        render_body(canvas, v, rng, texture=bone_tex)
    for v in verts:
        if v.screws:
            render_screws(canvas, v)
    for rod in spine.rods:
        render_rod(canvas, rod)
    return canvas
