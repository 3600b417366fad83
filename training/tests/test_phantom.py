"""Phantom generator: determinism, exact ground truth, grades, centreline, geometry.

Volumes are kept small (a 160 mm field of view around the spine, 1 mm voxels) so the whole
file runs in well under a minute on two cores.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from training.phantom import labels  # noqa: E402
from contract.genant import grade_from_ratio  # noqa: E402
from training.phantom.grading import quantify  # noqa: E402
from training.phantom.generator import generate  # noqa: E402

SMALL = dict(spacing_mm=1.0, matrix=160, fov_centre_xy_mm=(0.0, 45.0), slice_mm=1.0, cement_levels=(), screw_levels=())


def _label_at(ph, points_mm: np.ndarray) -> np.ndarray:
    """Labels at LPS points (nearest voxel); -1 outside the array."""
    vox = np.rint(ph.geometry.mm_to_voxel(np.asarray(points_mm, float))).astype(int)
    shape = ph.labels.shape  # (slices, rows, columns)
    c, r, s = vox[..., 0], vox[..., 1], vox[..., 2]
    ok = (c >= 0) & (c < shape[2]) & (r >= 0) & (r < shape[1]) & (s >= 0) & (s < shape[0])
    out = np.full(c.shape, -1)
    out[ok] = ph.labels[s[ok], r[ok], c[ok]]
    return out


@pytest.fixture(scope="module")
def fractured():
    """Three phantoms, one per grade, each with a wedge, a biconcave and a crush fracture."""
    out = {}
    for grade in (1, 2, 3):
        out[grade] = generate(100 + grade, "thoracolumbar", scan_levels=("T7", "L2"), surroundings=False,
                              fractures=[("T8", grade, "wedge"), ("T11", grade, "biconcave"), ("L1", grade, "crush")],
                              **SMALL)
    return out


@pytest.fixture(scope="module")
def realistic():
    return generate(7, "chest", scan_levels=("T9", "L1"), **SMALL)


def test_same_seed_same_volume_and_json():
    a = generate(11, "chest", scan_levels=("T10", "L1"), surroundings=False, **SMALL)
    b = generate(11, "chest", scan_levels=("T10", "L1"), surroundings=False, **SMALL)
    c = generate(12, "chest", scan_levels=("T10", "L1"), surroundings=False, **SMALL)
    assert a.hu.dtype == np.int16
    assert np.array_equal(a.hu, b.hu) and np.array_equal(a.labels, b.labels)
    assert json.dumps(a.ground_truth, sort_keys=True) == json.dumps(b.ground_truth, sort_keys=True)
    assert a.hu.shape != c.hu.shape or not np.array_equal(a.hu, c.hu)
    assert json.dumps(a.ground_truth, sort_keys=True) != json.dumps(c.ground_truth, sort_keys=True)


def test_ground_truth_is_json_and_geometry_matches_array(realistic):
    ph = realistic
    gt = json.loads(json.dumps(ph.ground_truth))
    cols, rows, slices = gt["geometry"]["dimensions"]
    assert ph.hu.shape == (slices, rows, cols) == ph.labels.shape
    assert gt["volume_voxel_order"] == "[slice][row][column]"
    assert np.allclose(gt["geometry"]["originMm"], ph.geometry.origin_mm, atol=1e-3)
    z = ph.geometry.slice_z_mm()
    assert np.allclose([p[2] for p in gt["centrelineMm"]], z[gt["centrelineSliceIndices"]], atol=1e-3)
    zs, zi = gt["limitsMm"]
    assert zs >= zi and z.min() - 1e-3 <= zi and zs <= z.max() + 1e-3
    for v in gt["vertebrae"]:
        pts = np.array(v["pointsMm"])
        vox = ph.geometry.mm_to_voxel(pts)
        assert np.all(vox >= -0.5) and np.all(vox <= np.array([cols, rows, slices]) - 0.5)


def test_points_in_mid_sagittal_plane_and_anterior_is_front(realistic):
    for v in realistic.ground_truth["vertebrae"]:
        pts = np.array(v["pointsMm"])
        left = np.array(v["axesLps"]["left"])
        assert np.allclose((pts - pts.mean(axis=0)) @ left, 0, atol=1e-3)  # coplanar, u = 0
        # anterior points are in front (smaller y) of the posterior ones for a supine patient
        assert pts[[0, 1], 1].mean() < pts[[4, 5], 1].mean() - 10
        assert pts[0, 2] > pts[1, 2] and pts[2, 2] > pts[3, 2] and pts[4, 2] > pts[5, 2]  # superior first


def _mask_fraction(ph, points_mm: np.ndarray, label: int) -> np.ndarray:
    """Trilinear interpolation of the binary mask `labels == label` at LPS points."""
    from scipy import ndimage

    vox = ph.geometry.mm_to_voxel(np.asarray(points_mm, float))  # (column, row, slice)
    lo = np.floor(vox.min(axis=0)).astype(int) - 1
    hi = np.ceil(vox.max(axis=0)).astype(int) + 2
    lo = np.maximum(lo, 0)
    sub = ph.labels[lo[2]:hi[2], lo[1]:hi[1], lo[0]:hi[0]] == label
    coords = (vox - lo)[:, ::-1].T  # (slice, row, column) rows
    return ndimage.map_coordinates(sub.astype(np.float32), coords, order=1, mode="constant")


def _inward(pts: np.ndarray, mm: float) -> np.ndarray:
    """Each point moved `mm` inside every body surface it lies on: along its height segment
    (endplate) and, for the front and back points, towards the middle segment (wall)."""
    out = pts.copy()
    for k in range(6):
        partner = pts[k ^ 1]
        out[k] += (partner - pts[k]) / np.linalg.norm(partner - pts[k]) * mm
        if k < 2 or k > 3:
            mid = pts[2 + (k % 2)]
            seg = pts[k ^ 1] - pts[k]
            across = mid - pts[k]
            across -= across @ seg / (seg @ seg) * seg
            out[k] += across / np.linalg.norm(across) * mm
    return out


def _inside_body_checks(ph):
    verts = ph.ground_truth["vertebrae"]
    assert len(verts) >= 3
    for v in verts:
        pts = np.array(v["pointsMm"])
        c = np.array(v["centroidMm"])
        inward = _inward(pts, 1.0)
        frac = _mask_fraction(ph, inward, v["label"])
        assert np.all(frac >= 0.5), (v["level"], frac.round(2), _label_at(ph, inward))
        assert _label_at(ph, c[None])[0] == v["label"]


def test_keypoints_inside_their_body(fractured, realistic):
    for ph in (*fractured.values(), realistic):
        _inside_body_checks(ph)


def test_heights_and_grades_recomputed_from_points(realistic):
    for v in realistic.ground_truth["vertebrae"]:
        g = quantify(np.array(v["pointsMm"]))
        assert np.allclose(list(v["heightsMm"].values()), g.heights_mm, atol=2e-3)
        assert v["grade"] == g.grade and v["type"] == g.type
        assert abs(v["genantRatio"] - g.ratio) < 1e-4


def test_grade_boundaries_go_to_the_higher_grade():
    assert grade_from_ratio(0.80) == 1 and grade_from_ratio(0.8001) == 0
    assert grade_from_ratio(0.75) == 2 and grade_from_ratio(0.60) == 3 and grade_from_ratio(0.61) == 2


@pytest.mark.parametrize("grade", [1, 2, 3])
def test_requested_fractures_have_their_grade_and_type(fractured, grade):
    gt = fractured[grade].ground_truth
    by_level = {v["level"]: v for v in gt["vertebrae"]}
    for level, typ in (("T8", "wedge"), ("T11", "biconcave"), ("L1", "crush")):
        v = by_level[level]
        assert v["fracture"] == {"grade": grade, "type": typ, "plana": False}
        assert (v["grade"], v["type"]) == (grade, typ)
        assert {"level": level, "grade": grade, "type": typ} in gt["patient"]["fractures"]
    others = [v for v in gt["vertebrae"] if v["fracture"] is None]
    assert others and all(v["grade"] == 0 for v in others)
    assert gt["patient"]["worstGrade"] == grade


def _height_lines(v, shift_mm: float = 2.0):
    """For each segment: the line through it moved `shift_mm` inside the walls (the middle one
    is not moved), sampled every 0.05 mm from 4 mm below the inferior point to 4 mm above."""
    pts = np.array(v["pointsMm"])
    c = np.array(v["centroidMm"])
    lines = []
    for k in range(3):
        sup, inf = pts[2 * k], pts[2 * k + 1]
        toward = c - (sup + inf) / 2
        toward -= toward @ (sup - inf) / np.dot(sup - inf, sup - inf) * (sup - inf)  # across the segment
        off = toward / max(np.linalg.norm(toward), 1e-9) * (0.0 if k == 1 else shift_mm)
        axis = (sup - inf) / np.linalg.norm(sup - inf)
        t = np.arange(-4.0, np.linalg.norm(sup - inf) + 4.0, 0.05)
        lines.append(inf + off + axis * t[:, None])
    return lines


def _measured_heights(ph, v) -> list[float]:
    """Body extent along each height line, from the rendered label mask (interpolated)."""
    return [float(_mask_fraction(ph, line, v["label"]).sum() * 0.05) for line in _height_lines(v)]


def _shape_heights(ph, v) -> list[float]:
    """The same extents from the body's analytic solid (what the renderer rasterised)."""
    vt = next(x for x in ph.spine.vertebrae if x.level == v["level"])
    out = []
    for line in _height_lines(v):
        u, vv, w = ((line - vt.centre_mm) @ vt.axes.T).astype(np.float32).T
        out.append(float((vt.body.signed_distance(u, vv, w) <= 0).sum() * 0.05))
    return out


def test_keypoints_lie_on_the_rendered_solid(fractured):
    for ph in fractured.values():
        for v in ph.ground_truth["vertebrae"]:
            vt = next(x for x in ph.spine.vertebrae if x.level == v["level"])
            u, vv, w = ((np.array(v["pointsMm"]) - vt.centre_mm) @ vt.axes.T).astype(np.float32).T
            assert np.all(np.abs(vt.body.signed_distance(u, vv, w)) < 1e-3)


def test_rendered_heights_match_ground_truth(fractured):
    """The rendered mask's heights (2 mm inside the walls) equal the solid's within a voxel, and
    the solid's there differ from the ground truth's corner heights only by the wedge's slope."""
    for ph in fractured.values():
        voxel = max(ph.geometry.spacing_mm)
        for v in ph.ground_truth["vertebrae"]:
            want = np.array(list(v["heightsMm"].values()))
            shape = np.array(_shape_heights(ph, v))
            got = np.array(_measured_heights(ph, v))
            assert np.allclose(got, shape, atol=voxel), (v["level"], got, shape)
            # 2 mm in from a corner a wedge's height has changed by about 2 mm x its slope
            pts = np.array(v["pointsMm"])
            mids = [(pts[2 * k] + pts[2 * k + 1]) / 2 for k in range(3)]
            slope = [abs(want[k] - want[1]) / np.linalg.norm(mids[k] - mids[1]) for k in (0, 2)]
            tol = np.array([1.0 + 2.0 * slope[0], 0.1, 1.0 + 2.0 * slope[1]])
            assert np.all(np.abs(shape - want) < tol), (v["level"], shape, want, tol)


def test_centreline_runs_through_bodies_and_discs(fractured):
    ph = fractured[2]
    gt = ph.ground_truth
    lab = _label_at(ph, np.array(gt["centrelineMm"]))
    bodies = {v["label"] for v in gt["vertebrae"]} | {p["label"] for p in gt["partialVertebrae"] if "label" in p}
    discs = {labels.disc(b - 1) for b in bodies}
    inside = np.isin(lab, list(bodies | discs))
    assert inside.mean() > 0.97, inside.mean()


def test_superior_first_flips_array_not_anatomy():
    kw = dict(scan_levels=("T11", "L1"), surroundings=False, **SMALL)
    a = generate(21, "thoracolumbar", **kw)
    b = generate(21, "thoracolumbar", slice_order="superior_first", **kw)
    assert np.array_equal(a.hu[::-1], b.hu)
    assert b.ground_truth["geometry"]["direction"]["slice"] == [0.0, 0.0, -1.0]
    assert a.ground_truth["vertebrae"] == b.ground_truth["vertebrae"]
    _inside_body_checks(b)


def test_unknown_override_and_bad_fracture_are_refused():
    with pytest.raises(TypeError):
        generate(1, "chest", no_such_option=1)
    with pytest.raises(ValueError):
        generate(1, "chest", fractures=[("T8", 4, "wedge")])


@pytest.mark.parametrize("preset", ["chest", "abdomen", "thoracolumbar", "whole", "cervical"])
def test_every_preset_generates_consistent_truth(preset):
    ph = generate(200, preset, spacing_mm=2.0, matrix=100, fov_centre_xy_mm=(0.0, 45.0), slice_mm=4.0)
    gt = ph.ground_truth
    assert gt["preset"] == preset and gt["vertebrae"] and gt["centrelineMm"]
    z = [v["centroidMm"][2] for v in gt["vertebrae"]]
    assert z == sorted(z, reverse=True)  # listed top -> bottom
    assert set(np.unique(ph.labels)) >= {v["label"] for v in gt["vertebrae"]}
    assert ph.hu.min() >= -3024 and ph.hu.max() <= 3071


def test_sacrum_below_s2_is_one_bone_not_a_stack_of_bodies():
    """Below the S1-S2 remnant disc the fused segments share one marrow cavity: down the middle
    of the sacrum no cortex crosses it, only faint lines where the discs were. (A stack of
    boxes each with its own cortex looked like more vertebrae, and the localizer carried the
    spine on through the sacrum.)"""
    ph = generate(43, "abdomen", noise_hu=0.0, **SMALL)
    s1 = next(v for v in ph.ground_truth["vertebrae"] if v["level"] == "S1")
    points = np.asarray(s1["pointsMm"])
    column = int(round(ph.geometry.mm_to_voxel(points.mean(axis=0))[0]))
    # slices from 15 mm below S1's lowest point down (away from S1's alae and its remnant disc)
    below = points[:, 2].min() - 15.0
    values = []
    for z in range(ph.labels.shape[0]):
        z_mm = ph.geometry.voxel_to_mm(column, 0.0, z)[2]
        ys = np.flatnonzero(ph.labels[z, :, column] == labels.SACRUM)
        if z_mm > below or ys.size == 0:
            continue
        end = ys[0]
        while end + 1 < ph.labels.shape[1] and ph.labels[z, end + 1, column] == labels.SACRUM:
            end += 1
        if end - ys[0] >= 6:  # the body's anterior-most run, not a thin plate
            values.append(float(ph.hu[z, (ys[0] + end) // 2, column]))
    assert len(values) >= 20
    marrow = float(np.median(values))
    assert max(values) < marrow + 120.0, f"cortex across the sacrum: {max(values):.0f} HU over marrow {marrow:.0f} HU"


def test_rare_anatomy_transitional_spine_hardware_and_plana():
    ph = generate(300, "thoracolumbar", n_thoracic=13, n_lumbar=6, screw_levels=("L1", "L2", "L3"),
                  cement_levels=("T12",), fractures=[("T12", 3, "wedge", True)], fused="T10", cobb_deg=40,
                  bridging=True, osteophytes=1.0, vacuum_rate=1.0, scan_levels=("T9", "S1"), jitter=False,
                  surroundings=False, **{k: v for k, v in SMALL.items() if k not in ("cement_levels", "screw_levels")})
    gt = ph.ground_truth
    levels = [v["level"] for v in gt["vertebrae"]]
    assert "T13" in levels and "L6" in levels and levels.index("T13") + 1 == levels.index("L1")
    t12 = next(v for v in gt["vertebrae"] if v["level"] == "T12")
    assert t12["fracture"]["plana"] and t12["grade"] == 3 and t12["genantRatio"] <= 0.3
    assert (ph.labels == labels.METAL).any() and ph.hu.max() >= 2000
    assert gt["spineModel"]["fusedDisc"] == "T10-T11" and gt["spineModel"]["cobbDeg"] == 40
    _inside_body_checks(ph)


def test_grading_is_the_contract_twin():
    """The phantom grades through contract.genant (golden-tested against the TypeScript)."""
    from contract.genant import genant

    rng = np.random.default_rng(5)
    for _ in range(200):
        pts = rng.normal(0, 10, (6, 3))
        ours, theirs = quantify(pts), genant(pts)
        assert ours.heights_mm == tuple(theirs["heightsMm"].values())
        assert ours.ratio == theirs["genantRatio"] and ours.grade == theirs["grade"] and ours.type == theirs["type"]


def test_rounded_rim_keeps_the_edge_on_the_surface():
    from training.phantom.body_shape import round_rim

    f = np.float32
    for r in (0.8, 1.5, 2.2):
        assert abs(float(round_rim(f(0), f(0), r))) < 1e-5  # the sharp edge (a corner point) stays on the surface
        assert abs(float(round_rim(f(-3.0), f(-r - 0.5), r)) - (-r - 0.5)) < 1e-6  # farther than r from the rim: unchanged
        assert float(round_rim(f(0.0), f(-r - 0.5), r)) == 0.0
        assert float(round_rim(f(0.3), f(0.3), r)) > 0.3 + 0.05  # beyond the edge: farther than the sharp max(a, b)
        assert float(round_rim(f(0.0), f(-0.5 * r), r)) < 0.0  # beside it the walls swell a little (the rim's lip)


def test_neural_arch_and_canal_where_anatomy_puts_them(realistic):
    """Behind each body: pedicles and the spinous process are its posterior elements' bone, the
    canal between them is not bone."""
    from training.phantom.vertebra import arch_geometry

    ph = realistic
    bone_labels = set(range(1, 121)) | {labels.RIB}
    for v in ph.ground_truth["vertebrae"]:
        vt = next(x for x in ph.spine.vertebrae if x.level == v["level"])
        g = arch_geometry(vt)
        s = vt.size
        ang = np.radians(s.spinous_angle_deg)
        w_j = g["w_bot"] + 0.5 * (g["w_ped"] - g["w_bot"])
        spinous = vt.to_world(np.array([0.0, g["v_junction"] + 0.45 * s.spinous_length_mm * np.cos(ang),
                                        w_j - 0.45 * s.spinous_length_mm * np.sin(ang)]))
        pedicles = [vt.to_world(np.array([side * g["u_ped"], g["v_back"] + 0.5 * s.pedicle_length_mm, g["w_ped"]]))
                    for side in (-1.0, 1.0)]
        canal = vt.to_world(np.array([0.0, g["v_back"] + 0.5 * s.canal_ap_mm, 0.0]))
        got = _label_at(ph, np.stack([spinous, *pedicles, canal]))
        want = labels.posterior(v["label"] - 1)
        assert got[0] == want and got[1] == want and got[2] == want, (v["level"], got)
        assert got[3] in (labels.SPINAL_CANAL, labels.SPINAL_CORD) and got[3] not in bone_labels, (v["level"], got)


def test_thoracic_neural_arch_closes_round_the_canal(realistic):
    """At the pedicles' height the arch of a thoracic (and upper lumbar) vertebra is one ring of
    bone: from the canal's centre no path through non-bone leads out of the vertebra."""
    from scipy import ndimage

    from training.phantom.vertebra import arch_geometry

    ph = realistic
    checked = 0
    for v in ph.ground_truth["vertebrae"]:
        if v["level"][0] != "T" and v["level"] not in ("L1", "L2"):
            continue
        vt = next(x for x in ph.spine.vertebrae if x.level == v["level"])
        g = arch_geometry(vt)
        s = vt.size
        u = np.arange(-25.0, 25.01, 0.5)
        vv = np.arange(g["v_back"] - 3.0, g["v_back"] + s.canal_ap_mm + 22.0, 0.5)
        uu, vvv = np.meshgrid(u, vv, indexing="ij")
        pts = vt.to_world(np.stack([uu, vvv, np.full(uu.shape, g["w_ped"])], axis=-1).reshape(-1, 3))
        lab = _label_at(ph, pts).reshape(uu.shape)
        bone = (lab == v["label"]) | (lab == labels.posterior(v["label"] - 1))
        pieces, _ = ndimage.label(~bone)
        canal = pieces[np.argmin(np.abs(u)), np.argmin(np.abs(vv - (g["v_back"] + s.canal_ap_mm / 2)))]
        assert canal > 0, v["level"]
        edge = np.concatenate([pieces[0], pieces[-1], pieces[:, 0], pieces[:, -1]])
        assert canal not in edge, f"{v['level']}: the canal opens through the arch"
        checked += 1
    assert checked >= 3


def test_vertebral_bone_density_from_healthy_to_osteoporotic(realistic):
    """The patients' L1 densities follow adults' CT norms (median ~150 HU, about one in five
    below the 110 HU of likely osteoporosis, one in five above 190); the rendered core of each
    body sits at its vertebra's density, with the texture of real bone (SD 20-70 HU at 1 mm)."""
    from training.phantom.spine import patient_density_hu

    rng = np.random.default_rng(5)
    l1 = np.array([patient_density_hu(rng, age) for age in rng.uniform(0, 1, 4000)])
    assert 135 < np.median(l1) < 165
    assert 0.12 < np.mean(l1 < 110) < 0.35 and 0.1 < np.mean(l1 > 190) < 0.3
    ph = realistic
    hu = ph.hu.astype(np.float32)
    for v in ph.ground_truth["vertebrae"]:
        vt = next(x for x in ph.spine.vertebrae if x.level == v["level"])
        if vt.fracture is not None:
            continue
        u, w = np.meshgrid(np.arange(-7.0, 7.01, 1.0), np.arange(-3.0, 3.01, 1.0), indexing="ij")
        pts = vt.to_world(np.stack([u, np.zeros_like(u), w], axis=-1).reshape(-1, 3))
        vox = np.rint(ph.geometry.mm_to_voxel(pts)).astype(int)
        core = hu[vox[:, 2], vox[:, 1], vox[:, 0]]
        assert 0.7 * vt.trabecular_hu - 10 < np.median(core) < 1.25 * vt.trabecular_hu + 10, (v["level"], np.median(core))
        assert 15 < core.std() < 80, (v["level"], core.std())


def test_lobulated_organ_surface_follows_its_waves():
    """Organs are ellipsoids whose radius varies smoothly with direction by the waves asked
    for: the surface (distance 0) lies at radius x (1 + bump) along every direction."""
    from training.phantom.organs import lobulated_ellipsoid, organ_waves
    from training.phantom.sdf import ellipsoid

    f = np.float32
    radii = (40.0, 30.0, 50.0)
    rng = np.random.default_rng(1)
    dirs = rng.normal(size=(200, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    assert np.allclose(lobulated_ellipsoid(*(f(dirs[:, i] * 10) for i in range(3)), radii, None),
                       ellipsoid(*(f(dirs[:, i] * 10) for i in range(3)), radii))
    waves = organ_waves(rng, 4, 0.12)
    bump = sum(a * np.cos(dirs @ np.array([kx, ky, kz]) + ph) for kx, ky, kz, ph, a in waves)
    assert bump.std() > 0.02  # a visible deformation, not an ellipsoid
    for scale, sign in ((0.98, -1), (1.02, 1)):
        p = dirs * np.asarray(radii) * (1 + bump)[:, None] * scale
        d = lobulated_ellipsoid(*(f(p[:, i]) for i in range(3)), radii, waves)
        assert np.all(np.sign(d) == sign)


def test_noise_texture_level_and_attenuation():
    """The scanner's noise alone (same seed with and without it): its level, more of it in the
    middle of the body than under the skin, and finer grain with the sharp kernel."""
    kw = dict(scan_levels=("L1", "L3"), jitter=False, spacing_mm=1.0, matrix=400, slice_mm=3.0, fov_centre_xy_mm=(0.0, 0.0),
              metal_streaks=False)

    def noise(kernel):
        a = generate(31, "abdomen", kernel=kernel, noise_hu=20.0, **kw)
        b = generate(31, "abdomen", kernel=kernel, noise_hu=0.0, **kw)
        return a.hu.astype(np.float32) - b.hu.astype(np.float32), b

    soft, clean = noise("soft")
    body = (clean.hu > -500) & (clean.labels != labels.TABLE)
    assert 14.0 < float(soft[body].std()) < 30.0
    # distance into the body: the middle is noisier than the skin's neighbourhood
    from scipy import ndimage

    depth = ndimage.distance_transform_edt(body, sampling=(3.0, 1.0, 1.0))
    inner, outer = soft[depth > 60], soft[(depth > 3) & (depth < 15)]
    assert inner.std() > 1.15 * outer.std(), (inner.std(), outer.std())

    def high_share(n):
        spec = np.abs(np.fft.fft2(n[:, 150:250, 150:250])) ** 2
        f = np.fft.fftfreq(100)
        fr = np.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
        return float(spec[:, fr > 0.3].sum() / spec[:, fr > 0.02].sum())

    sharp, _ = noise("sharp")
    assert high_share(sharp) > 1.5 * high_share(soft)


def test_default_noise_level_matches_real_3mm_abdomen():
    """Real 3 mm abdomen (TotalSegmentator example): ~11-13 HU local SD in fat and liver. The
    protocol sampler's median for a soft kernel at 3 mm sits there."""
    from training.phantom.acquisition import sample_protocol

    rng = np.random.default_rng(0)
    levels = [sample_protocol(rng, (350.0, 400.0), (0.0, 0.0), {"kernel": "soft", "slice_mm": 3.0}).noise_hu
              for _ in range(400)]
    assert 9.0 < float(np.median(levels)) < 13.0


def test_abdomen_scans_run_on_into_the_lower_pelvis_where_the_spine_has_ended():
    """An abdomen-pelvis CT goes on past the hips; the localizer must see such slices with no
    spine in them (truth: the centreline ends at S1), or it finds "spine" in a real pelvis."""
    from training.phantom.pelvis import HIP_LEVELS
    from training.phantom.presets import get_preset
    abdomen = get_preset("abdomen")
    lowest = abdomen.scan_ell(0.999)[1] - abdomen.jitter_levels
    assert lowest > max(HIP_LEVELS.values())  # the longest scans pass the pubis and ischium
    for name in ("chest", "thoracolumbar", "whole", "cervical"):  # the others are as they were
        assert get_preset(name).scan_ell(0.9) == get_preset(name).scan_ell(0.0)
    ph = generate(3, "abdomen", noise_hu=0.0, **{**SMALL, "spacing_mm": 2.0, "matrix": 100, "slice_mm": 4.0})
    gt = ph.ground_truth
    s1 = next(v for v in gt["vertebrae"] if v["level"] == "S1")
    z_bottom = min(ph.geometry.voxel_to_mm(0.0, 0.0, k)[2] for k in (0, ph.hu.shape[0] - 1))
    assert s1["centroidMm"][2] - z_bottom > 100.0  # this seed's scan reaches 10 cm below S1
    assert gt["limitsMm"][1] == pytest.approx(s1["centroidMm"][2], abs=1e-3)
    assert min(p[2] for p in gt["centrelineMm"]) >= s1["centroidMm"][2] - 1e-3


def test_fracture_mixes_population_is_the_default_and_severe_is_richer():
    """The population mix draws exactly what the generator drew before mixes existed (the cache
    of earlier phantoms stays valid); the severe mix gives every spine two or more fractures,
    most of them severe (the training phantoms of conventions.SEVERE_FRACTURE_SEEDS)."""
    from training.phantom.generator import _random_fractures

    levels = [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
    for seed in range(50):
        assert _random_fractures(np.random.default_rng(seed), levels) == _random_fractures(np.random.default_rng(seed), levels, "population")
    drawn = {mix: [_random_fractures(np.random.default_rng(seed), levels, mix) for seed in range(400)] for mix in ("population", "severe")}
    assert all(len(f) >= 2 for f in drawn["severe"])
    assert sum(not f for f in drawn["population"]) > 100  # about 45 % without any
    severe = {mix: sum(spec.grade == 3 for f in fs for spec in f.values()) for mix, fs in drawn.items()}
    crushes = {mix: sum(spec.grade == 3 and spec.type == "crush" for f in fs for spec in f.values()) for mix, fs in drawn.items()}
    assert severe["severe"] > 5 * severe["population"]
    assert crushes["severe"] > 10 * crushes["population"]


def test_metal_away_from_the_spine_leaves_the_spine_as_it_was():
    """Hip screws or a hip prosthesis and surgical clips (implants.py): metal where there is no
    spine, so that the localizer does not learn "metal means spine" (a real abdomen's screws by
    the left hip socket kept its presence up through the pelvis). The spine's truth is the one
    the seed gives without them."""
    kw = dict(noise_hu=0.0, **{**SMALL, "spacing_mm": 2.0, "matrix": 100, "slice_mm": 4.0})
    plain = generate(3, "abdomen", implants=[], **kw)
    hip = generate(3, "abdomen", implants=["hip prosthesis", "clips"], **kw)
    assert hip.ground_truth["implants"] == ["hip prosthesis", "clips"]
    assert hip.ground_truth["vertebrae"] == plain.ground_truth["vertebrae"]
    assert hip.ground_truth["centrelineMm"] == plain.ground_truth["centrelineMm"]
    metal = np.argwhere((hip.labels == labels.METAL) & (plain.labels != labels.METAL))  # (slice, row, column)
    assert len(metal) > 100
    points = np.array([hip.geometry.voxel_to_mm(float(c), float(r), float(s)) for s, r, c in metal[:: max(1, len(metal) // 400)]])
    line = np.asarray(plain.ground_truth["centrelineMm"])
    for p in points:  # every piece at least 30 mm (in-plane) from where the spine is, or below its end
        if p[2] < line[:, 2].min():
            continue
        nearest = line[np.argmin(np.abs(line[:, 2] - p[2]))]
        assert np.hypot(*(p[:2] - nearest[:2])) > 30.0
    assert hip.hu.max() > plain.hu.max() + 1000  # metal, brighter than any bone
    with pytest.raises(ValueError, match="unknown implants"):
        generate(3, "abdomen", implants=["pacemaker"], **kw)


def test_sacrum_tapers_with_foramina_and_thin_muscle_behind():
    """phantom-0.19: the sacrum narrows from the alae to its apex (it was a stack of blocks), four
    foramina a side open beside the canal, and behind the sacrum the back muscle thins out to a
    fat cleft (it ran 70-90 mm deep to the back's fascia)."""
    from scipy import ndimage

    ph = generate(3, "abdomen", noise_hu=0.0, **{**SMALL, "spacing_mm": 1.5, "matrix": 240, "slice_mm": 2.0})
    g = ph.geometry
    centre = np.asarray(next(v for v in ph.ground_truth["vertebrae"] if v["level"] == "S1")["centroidMm"])
    x = np.array([g.voxel_to_mm(float(i), 0.0, 0.0)[0] for i in range(ph.labels.shape[2])]) - centre[0]
    y = np.array([g.voxel_to_mm(0.0, float(j), 0.0)[1] for j in range(ph.labels.shape[1])])
    z = np.array([g.voxel_to_mm(0.0, 0.0, float(k))[2] for k in range(ph.labels.shape[0])]) - centre[2]
    sacrum = ph.labels == labels.SACRUM

    def half_width(lo: float, hi: float) -> float:
        widths = [np.abs(x[sacrum[k].any(axis=0)]).max() for k in np.flatnonzero((z >= lo) & (z <= hi)) if sacrum[k].any()]
        return float(np.mean(widths))

    upper, lower = half_width(-30, -15), half_width(-70, -55)
    assert upper > 1.6 * lower, f"sacrum {upper:.0f} mm a side at S2, {lower:.0f} mm at S4"
    below = ((z <= -5) & (z >= -95))[:, None, None]
    for side in (-1.0, 1.0):
        holes = (ph.labels == labels.SPINAL_CANAL) & ((x * side) > 15.0)[None, None, :] & below
        found, n = ndimage.label(holes)
        sizes = ndimage.sum(holes, found, range(1, n + 1))
        assert (sizes >= 20).sum() >= 3, f"side {side}: foramina of {sorted(sizes.astype(int))} voxels"
    midline = np.abs(x) < 5.0
    for k in np.flatnonzero((z >= -40) & (z <= -20)):
        # behind the sacrum's back within 8 mm up or down: its crest and laminae are drawn per
        # segment, with gaps between them
        near = np.abs(z - z[k]) <= 8.0
        rows = np.flatnonzero(sacrum[near].any(axis=(0, 2)))
        muscle = np.flatnonzero((ph.labels[k][:, midline] == labels.MUSCLE).any(axis=1) & (y > y[rows.max()]))
        depth = y[muscle.max()] - y[rows.max()] if muscle.size else 0.0
        assert depth <= 30.0, f"{depth:.0f} mm of muscle behind the sacrum {z[k]:.0f} mm below S1"


def test_ilium_meets_the_sacrum_and_the_lesser_pelvis_holds_bladder_not_bowel():
    """phantom-0.17: at S1-S2 each ilium reaches the sacrum's ala across a joint a few mm wide
    (the wings were plates far out to the sides until phantom-0.16); through the femoral heads the
    lesser pelvis holds the bladder, and no small bowel (the rectum, in front of the sacrum, is
    the only bowel there)."""
    from training.phantom.pelvis import SI_JOINT_GAP_MM

    ph = generate(3, "abdomen", noise_hu=0.0, **{**SMALL, "spacing_mm": 1.5, "matrix": 240, "slice_mm": 2.0})
    g = ph.geometry
    s1 = next(v for v in ph.ground_truth["vertebrae"] if v["level"] == "S1")
    centre = np.asarray(s1["centroidMm"])
    col_mm = np.array([g.voxel_to_mm(float(c), 0.0, 0.0)[0] for c in range(ph.labels.shape[2])]) - centre[0]
    gaps = {-1.0: [], 1.0: []}
    for k in range(ph.labels.shape[0]):
        z = g.voxel_to_mm(0.0, 0.0, float(k))[2]
        if not centre[2] - 40.0 <= z <= centre[2] - 10.0:
            continue
        for side in gaps:
            lateral = col_mm * side
            sacrum = lateral[((ph.labels[k] == labels.SACRUM).any(axis=0)) & (lateral > 0)]
            ilium = lateral[((ph.labels[k] == labels.PELVIS).any(axis=0)) & (lateral > 0)]
            if sacrum.size and ilium.size:
                gaps[side].append(float(ilium.min() - sacrum.max()))
    for side, found in gaps.items():
        assert len(found) >= 10, f"side {side}: sacrum and ilium on too few slices ({len(found)})"
        assert 0.0 <= np.median(found) <= SI_JOINT_GAP_MM + 4.0, f"side {side}: joint {np.median(found):.1f} mm wide"
    femur = np.flatnonzero((ph.labels == labels.FEMUR).any(axis=(1, 2)))
    assert femur.size, "this seed's scan reaches the hips"
    k = int(femur.max() - round(20.0 / g.spacing_mm[2]))  # through the femoral heads
    assert k >= 0, "the scan ends within 20 mm of the femurs' top"
    assert (ph.labels[k] == labels.BLADDER).sum() * g.spacing_mm[0] * g.spacing_mm[1] > 1500.0  # mm²
    rows = np.flatnonzero((ph.labels[k] == labels.BOWEL).any(axis=1))
    bladder_rows = np.flatnonzero((ph.labels[k] == labels.BLADDER).any(axis=1))
    assert rows.size == 0 or rows.min() > bladder_rows.max() - 5, "bowel in front of or beside the bladder"


def test_the_back_follows_the_lordosis_and_the_sacrum_lies_under_the_skin():
    """phantom-0.20: the back kept its shape where the lumbar lordosis lifts the spine off the
    table (the real abdomen's skin lies 90-108 mm behind the centres of T12-S1, 33-39 mm behind
    the sacrum; `python3 -m models.back_depth`). Until 0.19 the soft tissue filled the gap down
    to the table: this phantom had 117-139 mm behind L2-L5 and 90 mm behind the sacrum."""
    from models.back_depth import depth_row, phantom_abdomen

    # only acquisition overrides (450 mm field of view, coarse grid): the anatomy of seed 2 itself,
    # whose lumbar spine the VID curve tilts well forward of its chest
    row = depth_row(*phantom_abdomen(2, noise_hu=0.0, spacing_mm=1.5, matrix=300, slice_mm=2.0))
    lumbar = [row[level] for level in ("L2", "L3", "L4", "L5")]
    assert max(lumbar) <= 115.0, f"skin {lumbar} mm behind L2-L5"
    assert min(lumbar) >= 70.0, f"skin {lumbar} mm behind L2-L5"
    assert row["S1-30"] is not None and row["S1-30"] <= 55.0, f"sacrum {row['S1-30']} mm under the skin 30 mm below S1"
    # phantom-0.21 turns this seed's pelvis 9 degrees back onto the table (posture.py): the skin
    # still covers the sacrum (torso.back_skin_y; without that cover the turn pushed it through)
    for below in ("S1-30", "S1-50"):
        assert row[below] is not None and row[below] >= 15.0, f"sacrum {row[below]} mm under the skin ({below})"


def test_the_patient_rests_on_the_table_at_the_back_and_the_buttocks_in_its_cradle():
    """phantom-0.21: the column is turned in the sagittal plane until the back above the lumbar
    spine and the back behind the sacrum both rest on the table (posture.py). Until 0.20 the
    table went under the deepest point of the back alone: seed 2's lordosis and sacral slope
    carried its pelvis forwards and its buttocks hung 46-50 mm above the table."""
    # only acquisition overrides: the anatomy of seed 2 itself
    ph = generate(2, "abdomen", noise_hu=0.0, spacing_mm=1.5, matrix=300, slice_mm=2.0)
    g = ph.geometry
    assert ph.ground_truth["spineModel"]["restTurnDeg"] > 3.0, "this seed's pelvis is turned back onto the table"
    femur = np.flatnonzero((ph.labels == labels.FEMUR).any(axis=(1, 2)))
    assert femur.size, "this seed's scan reaches the hips"
    k = int(femur.max() - round(20.0 / g.spacing_mm[2]))  # through the femoral heads
    body_rows = np.flatnonzero(((ph.labels[k] != 0) & (ph.labels[k] != labels.TABLE)).any(axis=1))  # 0: air outside
    table_rows = np.flatnonzero((ph.labels[k] == labels.TABLE).any(axis=1))
    assert table_rows.size, "the table lies under the hips"
    gap_mm = (table_rows.min() - body_rows.max() - 1) * g.spacing_mm[1]
    assert gap_mm <= 4.0, f"the buttocks hang {gap_mm:.0f} mm above the table"
    # phantom-0.22: the table is a cradle, its sides curved up (towards -y) round the patient
    on_table = ph.labels[k] == labels.TABLE
    columns = np.flatnonzero(on_table.any(axis=0))
    top_row = lambda c: int(np.flatnonzero(on_table[:, c]).min())  # noqa: E731
    middle = int(round((columns.min() + columns.max()) / 2))
    side = int(round(100.0 / g.spacing_mm[0]))
    assert top_row(middle - side) < top_row(middle) and top_row(middle + side) < top_row(middle), "the table's sides curve up"


def test_the_turn_levels_the_contacts_and_leaves_spines_without_s1_as_drawn():
    """posture.turn_to_rest makes both contacts equally deep (the rendered cover over the
    sacrum: test_the_back_follows_the_lordosis...); a chest spine, with no sacrum to rest on, is
    not turned."""
    from training.phantom.posture import _contacts, turn_to_rest
    from training.phantom.plan import sample_habitus
    from training.phantom.priors import load_priors
    from training.phantom.spine import SpineOptions, build_spine
    from training.phantom.levels import level_sequence

    priors = load_priors()
    rng = np.random.default_rng(5)
    levels = level_sequence(12, 5)
    whole = build_spine(priors, SpineOptions(levels=levels[levels.index("T6"):], fractures={}), rng)
    habitus = sample_habitus(rng, 1.0)
    turned = turn_to_rest(whole, habitus)
    assert abs(turned) <= 15.0
    (_, y_up), (_, y_sacral) = _contacts(whole, habitus)
    if abs(turned) < 15.0:
        assert abs(y_up - y_sacral) < 1.0, f"contacts {y_up:.1f} and {y_sacral:.1f} mm deep"
    chest = build_spine(priors, SpineOptions(levels=levels[levels.index("T1"):levels.index("T12") + 1], fractures={}), rng)
    before = [v.centre_mm.copy() for v in chest.vertebrae]
    assert turn_to_rest(chest, habitus) == 0.0
    assert all(np.array_equal(a, v.centre_mm) for a, v in zip(before, chest.vertebrae))


def _skin_back_mm(hu_row_by_column: np.ndarray, y_mm: np.ndarray, from_row: int) -> np.ndarray:
    """Per column (axis 1), walking back (+y) from row `from_row` (inside the body), the first y
    (mm) where the image falls under -500 HU, linearly between voxels: the skin against the air
    behind the back (not the table further on)."""
    out = np.full(hu_row_by_column.shape[1], np.nan)
    for c in range(hu_row_by_column.shape[1]):
        column = hu_row_by_column[from_row:, c]
        outside = np.flatnonzero(column <= -500.0)
        if column[0] <= -500.0 or outside.size == 0:
            continue
        j = from_row + outside[0] - 1
        a, b = hu_row_by_column[j, c], hu_row_by_column[j + 1, c]
        out[c] = y_mm[j] + (a + 500.0) / (a - b) * (y_mm[j + 1] - y_mm[j])
    return out


def test_a_lifted_back_is_round_with_a_furrow_down_its_midline():
    """phantom-0.21: where the lordosis lifts the back off the table it stays round, and the skin
    dips over the spinous processes between the erector spinae (torso._back_furrow); until
    phantom-0.20 every slice's back was cut flat."""
    ph = generate(2, "abdomen", noise_hu=0.0, spacing_mm=1.0, matrix=420, slice_mm=3.0, fat_mm=15.0)
    g = ph.geometry
    l3 = next(v for v in ph.ground_truth["vertebrae"] if v["level"] == "L3")
    centre = np.asarray(l3["centroidMm"])
    k = int(np.argmin([abs(g.voxel_to_mm(0.0, 0.0, float(i))[2] - centre[2]) for i in range(ph.hu.shape[0])]))
    x_mm = np.array([g.voxel_to_mm(float(c), 0.0, 0.0)[0] for c in range(ph.hu.shape[2])]) - centre[0]
    y_mm = np.array([g.voxel_to_mm(0.0, float(r), 0.0)[1] for r in range(ph.hu.shape[1])])
    near = np.abs(x_mm) <= 40.0
    row = int(np.argmin(np.abs(y_mm - centre[1])))  # the body's centre: inside, in front of the back
    skin = _skin_back_mm(ph.hu[k].astype(float)[:, near], y_mm, row)
    xs = x_mm[near]
    midline = float(np.interp(0.0, xs, skin))
    assert np.nanmax(skin) - midline >= 1.5, f"the skin at the midline lies {np.nanmax(skin) - midline:.1f} mm in front of the deepest back"
    wide = _skin_back_mm(ph.hu[k].astype(float), y_mm, row)
    flat = np.abs(wide - np.nanmax(wide)) <= 0.5
    assert flat.sum() * g.spacing_mm[0] < 60.0, f"{flat.sum() * g.spacing_mm[0]:.0f} mm of the back lie flat"


def test_the_buttocks_part_at_a_natal_cleft_and_the_sacral_foramina_leave_the_canal():
    """phantom-0.23: below the coccyx's top the skin between the buttocks folds in to a natal
    cleft (torso.natal_cleft_distance; the buttocks were one ellipse), and each sacral foramen
    leaves the sacral canal sideways before it forks to the front and the back (pelvis.py; each
    was a straight hole through the lateral mass, apart from the canal)."""
    from scipy import ndimage

    # only acquisition overrides: seed 7's own anatomy, whose scan reaches the femoral heads
    ph = generate(7, "abdomen", noise_hu=0.0, spacing_mm=1.5, matrix=300, slice_mm=2.0)
    g = ph.geometry
    s1 = np.asarray(next(v for v in ph.ground_truth["vertebrae"] if v["level"] == "S1")["centroidMm"])
    x_mm = np.array([g.voxel_to_mm(float(c), 0.0, 0.0)[0] for c in range(ph.hu.shape[2])]) - s1[0]
    y_mm = np.array([g.voxel_to_mm(0.0, float(r), 0.0)[1] for r in range(ph.hu.shape[1])])
    z_mm = np.array([g.voxel_to_mm(0.0, 0.0, float(k))[2] for k in range(ph.hu.shape[0])]) - s1[2]
    femur = np.flatnonzero((ph.labels == labels.FEMUR).any(axis=(1, 2)))
    k = int(femur.max() - round(20.0 / g.spacing_mm[2]))  # through the femoral heads
    near = np.abs(x_mm) <= 40.0
    row = int(np.argmin(np.abs(y_mm - s1[1])))
    skin = _skin_back_mm(ph.hu[k].astype(float)[:, near], y_mm, row)
    xs = x_mm[near]
    deepest = np.nanmin(skin[np.abs(xs) <= 5.0])
    for side in (-1.0, 1.0):
        lobe = float(np.interp(30.0 * side, xs, skin))
        assert lobe - deepest >= 15.0, f"the cleft reaches {lobe - deepest:.0f} mm in front of the buttock at {30 * side:+.0f} mm"
    # the foramina: one piece with the sacral canal, reaching out beside the lateral masses
    sacral = ((z_mm <= -5.0) & (z_mm >= -95.0))[:, None, None]
    canal = (ph.labels == labels.SPINAL_CANAL) & sacral
    pieces, _ = ndimage.label(canal)
    k_mid = int(np.argmin(np.abs(z_mm + 30.0)))
    midline = np.abs(x_mm) <= 2.0
    inside = pieces[k_mid][:, midline]
    assert inside.any(), "the sacral canal 30 mm below S1"
    main = np.bincount(inside[inside > 0]).argmax()
    reach = x_mm[(pieces == main).any(axis=(0, 1))]
    assert reach.min() <= -20.0 and reach.max() >= 20.0, f"the canal and its foramina reach {reach.min():.0f} to {reach.max():.0f} mm"
