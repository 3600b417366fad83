"""The spine of one phantom: which vertebrae, their shapes, where they are and how they turn.

Layout (all LPS mm): the column is walked from its top vertebra down. Each step between two
consecutive levels has a direction (sagittal angle alpha, coronal angle beta) taken from a real
spine of the VID set (or the level pair's mean over all of them when that spine lacks the pair),
then modified: overall kyphosis/lordosis scaled, a scoliosis curve added in the coronal plane,
and a kink at every wedge-shaped fracture (the column above tilts forward by the angle the
fracture added, as real wedge fractures cause local kyphosis). The step length is the bodies'
half-heights plus the disc between, so fractured (shorter) bodies shorten the column. Each
vertebra's frame: w along the local tangent, u the patient's left made orthogonal to it and
turned by the vertebra's axial rotation, v = w x u (posterior).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .body_shape import BodyShape
from .fractures import FractureSpec, apply_fracture, wedge_angle_rad
from .grading import quantify
from .levels import LevelSize, level_size, region, scaled, size_position
from .priors import Priors

NO_FRACTURE_LEVELS = {"C1", "C2", "S1"}


@dataclass
class Vertebra:
    index: int
    level: str
    size: LevelSize
    centre_mm: np.ndarray  # mean of the six points (LPS)
    axes: np.ndarray  # rows: u (left), v (posterior), w (superior), LPS unit vectors
    body: BodyShape | None  # None for the atlas (C1), which has no body
    fracture: FractureSpec | None = None  # what was asked for this vertebra
    normal_points_vw_mm: np.ndarray | None = None  # the shape before any fracture
    trabecular_hu: float = 180.0
    cortical_hu: float = 850.0
    cement: bool = False
    screws: bool = False
    osteophyte_mm: float = 0.0  # length of the marginal spurs (0 = none)
    sclerosis_hu: float = 0.0  # extra density of a healing fracture's impaction band
    endplate_sclerosis_hu: tuple[float, float] = (0.0, 0.0)  # (superior, inferior): next to worn discs
    schmorl: tuple = ()  # Schmorl's nodes: (superior?, u/half-width, v/half-depth, radius mm)

    def to_world(self, uvw: np.ndarray) -> np.ndarray:
        """Local (u, v, w) mm -> LPS mm."""
        return self.centre_mm + np.asarray(uvw, float) @ self.axes

    def points_mm(self) -> np.ndarray:
        """The six points AS, AI, MS, MI, PS, PI in LPS mm (mid-sagittal plane, u = 0)."""
        assert self.body is not None
        p = self.body.points_vw_mm
        return self.to_world(np.stack([np.zeros(6), p[:, 0], p[:, 1]], axis=1))


@dataclass
class Disc:
    upper: int  # index of the vertebra above
    lower: int
    height_factor: float = 1.0  # < 1: degenerated, narrowed
    vacuum: bool = False  # gas in the disc (-900 HU)
    calcified: bool = False
    fused: bool = False  # bony fusion (block vertebra): rendered as bone
    bridged: bool = False  # bridging osteophytes in front (DISH-like)
    hu: float = 85.0


@dataclass
class SpineModel:
    vertebrae: list[Vertebra]
    discs: list[Disc]
    patient_scale: float
    cobb_deg: float
    rods: list[np.ndarray] = field(default_factory=list)  # polylines (LPS mm) of fixation rods
    sacrum_dir: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.6, -0.8]))  # down the sacrum

    def by_level(self, level: str) -> Vertebra:
        for v in self.vertebrae:
            if v.level == level:
                return v
        raise KeyError(level)


@dataclass
class SpineOptions:
    levels: list[str]  # modelled levels, top -> bottom
    fractures: dict[str, FractureSpec]  # level -> fracture asked
    patient_scale: float = 1.0
    trabecular_hu: float = 180.0
    cobb_deg: float = 0.0
    curvature_scale: float = 1.0
    osteophytes: float = 0.0  # 0..1 how common and large
    vacuum_rate: float = 0.0
    calcified_rate: float = 0.0
    fused_pair: int | None = None  # index of the disc to fuse
    bridging: bool = False
    cement_levels: tuple[str, ...] = ()
    screw_levels: tuple[str, ...] = ()
    disc_degeneration: float = 0.0  # 0..1


def _mean_pair_angles(priors: Priors) -> dict[tuple[str, str], tuple[float, float]]:
    """Mean (alpha, beta) of each consecutive level pair over all real spines."""
    acc: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for sp in priors.spines:
        c = np.asarray(sp["body_mm"], float)
        for i in range(len(c) - 1):
            d = c[i] - c[i + 1]
            acc.setdefault((sp["levels"][i], sp["levels"][i + 1]), []).append(
                (float(np.arctan2(d[1], d[2])), float(np.arctan2(d[0], d[2]))))
    return {k: tuple(np.mean(v, axis=0)) for k, v in acc.items()}  # type: ignore[misc]


_DEFAULT_ALPHA_DEG = {"C": -12.0, "T": 0.0, "L": 12.0}


def _pair_angles(priors: Priors, levels: list[str], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sagittal and coronal step angles (radians) for each consecutive pair of `levels`."""
    means = _mean_pair_angles(priors)
    pairs = list(zip(levels, levels[1:]))
    # the real spine that shares the most steps with this one
    scores = [sum(1 for a, b in pairs if a in sp["levels"] and b in sp["levels"]) for sp in priors.spines]
    best = np.flatnonzero(np.asarray(scores) == max(scores))
    case = priors.spines[int(rng.choice(best))]
    pos = {lv: np.asarray(c, float) for lv, c in zip(case["levels"], case["body_mm"])}
    alpha, beta = np.zeros(len(pairs)), np.zeros(len(pairs))
    drift = np.cumsum(rng.normal(0, np.radians(1.0), len(pairs)))  # smooth deviation where guessed
    for i, (a, b) in enumerate(pairs):
        key = (a.replace("T13", "T12").replace("L6", "L5"), b.replace("T13", "L1").replace("L6", "S1"))
        if a in pos and b in pos:
            d = pos[a] - pos[b]
            alpha[i], beta[i] = np.arctan2(d[1], d[2]), np.arctan2(d[0], d[2])
        elif (a, b) in means or key in means:
            m = means.get((a, b), means.get(key))
            alpha[i], beta[i] = m[0] + drift[i], m[1] + drift[i] * 0.3
        elif b == "S1":
            # S1 lies behind and below L5 (the VID set has no sacrum): across the wedged L5-S1
            # disc, about square to it; the real abdomen's S1 centre lies 43 degrees back
            alpha[i], beta[i] = np.radians(rng.uniform(-46, -26)), 0.0
        else:
            alpha[i], beta[i] = np.radians(_DEFAULT_ALPHA_DEG[region(a)]) + drift[i], 0.0
    return alpha, beta


def _scoliosis_beta(n_pairs: int, cobb_deg: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Extra coronal angle per step for a C- or S-shaped curve of about `cobb_deg`, and the
    lateral offset profile (normalised) used for the vertebrae's axial rotation."""
    if cobb_deg <= 0 or n_pairs < 4:
        return np.zeros(n_pairs), np.zeros(n_pairs + 1)
    s = np.arange(n_pairs + 1, dtype=float)
    apex = rng.uniform(0.3, 0.7) * n_pairs
    sigma = rng.uniform(0.25, 0.4) * n_pairs  # a smooth arc over several vertebrae
    offset = np.exp(-0.5 * ((s - apex) / sigma) ** 2) * rng.choice([-1.0, 1.0])
    if rng.random() < 0.4:  # double (S-shaped) curve
        offset -= 0.6 * np.sign(offset[int(apex)]) * np.exp(-0.5 * ((s - apex - 2.2 * sigma) / sigma) ** 2)
    tilt = np.diff(offset)
    # the Cobb angle is the largest difference between tilts of the end vertebrae
    span = tilt.max() - tilt.min()
    beta = tilt / span * np.radians(cobb_deg) if span > 0 else np.zeros(n_pairs)
    return beta - beta.mean(), offset


def patient_density_hu(rng: np.random.Generator, age: float) -> float:
    """A patient's L1 trabecular density (HU) for `age` in 0..1 (young to old): ~215 young,
    ~150 at middle age, ~80 old, +-28 between people of one age, as in opportunistic-screening
    norms of adults having CT (below ~110 HU: osteoporosis likely; above ~160: normal)."""
    return float(np.clip(215.0 - 135.0 * age ** 1.1 + rng.normal(0.0, 28.0), 40.0, 320.0))


def level_density(level: str) -> float:
    """Trabecular density relative to L1 (the level opportunistic screening measures): about
    constant through the lumbar spine, rising by ~2.5 % a level up the thoracic spine and into
    the cervical one (T12 ~ +2.5 %, T6 ~ +17 %, T1 ~ +30 %)."""
    return 1.0 + 0.025 * float(np.clip(19.0 - size_position(level), 0.0, 12.0))


def _frame(tangent: np.ndarray, twist_rad: float) -> np.ndarray:
    w = tangent / np.linalg.norm(tangent)
    u = np.array([1.0, 0.0, 0.0]) - w[0] * w
    u /= np.linalg.norm(u)
    v = np.cross(w, u)
    c, s = np.cos(twist_rad), np.sin(twist_rad)
    u, v = c * u + s * v, -s * u + c * v
    return np.stack([u, v, w])


def _body_for(level: str, size: LevelSize, priors: Priors, rng: np.random.Generator,
              detail: np.random.Generator) -> BodyShape:
    """A normal body of `level`: a real annotated shape scaled to this patient's sizes."""
    shape_level = {"C2": "C3", "S1": "L2", "L6": "L2", "T13": "T12"}.get(level, level)
    if region(shape_level) == "L" and int(shape_level[1:]) > 2:
        shape_level = "L2"  # the annotations stop at L3; L2 shapes stand in for the lower lumbar
    idx = priors.shapes.indices(shape_level, max_loss=0.16)
    for _ in range(30):
        p = priors.shapes.points_vw_mm[int(rng.choice(idx))].copy()
        depth = p[4:6, 0].mean() - p[0:2, 0].mean()
        h = quantify(p).heights_mm
        p[:, 0] *= size.body_depth_mm / depth
        p[:, 1] *= size.body_height_mm / max(h)
        if level in ("L4", "L5"):  # lumbar lordosis: the lower bodies are taller in front
            p[0, 1] += size.body_height_mm * rng.uniform(0.02, 0.06)
            p[1, 1] -= size.body_height_mm * rng.uniform(0.0, 0.04)
        p -= p.mean(axis=0)
        if quantify(p).grade == 0:
            break
    reg = region(level)
    return BodyShape(points_vw_mm=p, half_width_mm=size.body_width_mm / 2,
                     waist_mm=float(rng.uniform(*{"C": (0.2, 0.5), "T": (0.4, 0.8), "L": (0.6, 1.0)}.get(reg, (0.5, 0.9)))),
                     posterior_concavity_mm=float(rng.uniform(0.5, 2.5) if reg in "TL" else 0.5),
                     endplate_power=float(rng.uniform(1.3, 2.2)),
                     front_fraction=float(rng.uniform(0.5, 0.6) if reg in "LS" else rng.uniform(0.42, 0.52)),
                     corner_radius_mm=float(detail.uniform(*{"C": (0.8, 1.3), "T": (1.2, 2.0)}.get(reg, (1.5, 2.2)))),
                     lateral_waist=float(detail.uniform(0.04, 0.09)))


def _rim_points(v: Vertebra, superior: bool) -> np.ndarray:
    """World points on an endplate rim: the three sagittal points and two lateral rim points."""
    assert v.body is not None
    p = v.body.points_vw_mm
    k = [0, 2, 4] if superior else [1, 3, 5]
    pts = [np.array([0.0, p[j, 0], p[j, 1]]) for j in k]
    mid = p[k[1]]
    rim_w = (p[k[0], 1] + p[k[2], 1]) / 2
    for side in (-1, 1):
        pts.append(np.array([side * v.body.half_width_mm * 0.9, mid[0], rim_w]))
    return v.to_world(np.stack(pts))


def build_spine(priors: Priors, opts: SpineOptions, rng: np.random.Generator,
                detail: np.random.Generator | None = None) -> SpineModel:
    """`rng` draws everything that places and sizes the column; `detail` (its own stream) the
    finer shape features added later, so adding one never moves a seed's spine."""
    detail = np.random.default_rng(0) if detail is None else detail
    levels = opts.levels
    n = len(levels)
    sizes = [scaled(level_size(lv), opts.patient_scale * rng.normal(1.0, 0.025)) for lv in levels]

    # bodies: real normal shapes, then the fractures asked for
    bodies: list[BodyShape | None] = []
    normals: list[np.ndarray | None] = []
    extra_wedge = np.zeros(n)
    for lv, size in zip(levels, sizes):
        if lv == "C1":
            bodies.append(None)
            normals.append(None)
            continue
        body = _body_for(lv, size, priors, rng, detail)
        normals.append(body.points_vw_mm.copy())
        spec = opts.fractures.get(lv)
        if spec is not None:
            pts, _ = apply_fracture(body.points_vw_mm, spec, rng)
            pts = pts - pts.mean(axis=0)
            extra_wedge[levels.index(lv)] = wedge_angle_rad(pts) - wedge_angle_rad(body.points_vw_mm)
            body = BodyShape(pts, body.half_width_mm * rng.uniform(1.0, 1.06), body.waist_mm,
                             body.posterior_concavity_mm,
                             endplate_power=float(rng.uniform(1.8, 3.0)) if spec.type == "biconcave" else body.endplate_power,
                             front_fraction=body.front_fraction,
                             corner_radius_mm=min(body.corner_radius_mm, 0.12 * min(quantify(pts).heights_mm)),
                             lateral_waist=body.lateral_waist)
        bodies.append(body)

    # step directions
    alpha, beta = _pair_angles(priors, levels, rng)
    alpha = np.mean(alpha) + opts.curvature_scale * (alpha - np.mean(alpha)) + rng.normal(0, np.radians(2.5))
    scol_beta, offset = _scoliosis_beta(n - 1, opts.cobb_deg, rng)
    beta = beta + scol_beta + rng.normal(0, np.radians(1.5))
    for i in range(n):  # a wedge fracture tilts the column above it forward
        if extra_wedge[i] != 0:
            alpha[:i] -= extra_wedge[i] * 0.5 * 0.8
            alpha[i:] += extra_wedge[i] * 0.5 * 0.8
    dirs = np.stack([np.tan(beta), np.tan(alpha), np.ones(n - 1)], axis=1)
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)

    # sacrum below S1: steeply inclined (sacral slope ~ 30-50 degrees)
    sacrum_alpha = np.radians(rng.uniform(-58, -38))
    sacrum_dir_up = np.array([0.0, np.sin(sacrum_alpha), np.cos(sacrum_alpha)])
    below = [*dirs, sacrum_dir_up if levels[-1] == "S1" else (dirs[-1] if n > 1 else np.array([0, 0, 1.0]))]
    above = [dirs[0] if n > 1 else below[0], *dirs]

    # axial rotation: follows the scoliosis (apex most rotated) plus a little of its own
    twist = np.radians(opts.cobb_deg * 0.4) * offset + rng.normal(0, np.radians(1.5), n)
    frames = [_frame(above[i] + below[i], float(twist[i])) for i in range(n)]

    # discs
    discs: list[Disc] = []
    for i in range(n - 1):
        # no disc between the atlas and the axis: nothing to degenerate there
        degenerate = levels[i] != "C1" and rng.random() < opts.disc_degeneration * (0.7 if region(levels[i]) == "L" else 0.4)
        discs.append(Disc(i, i + 1,
                          height_factor=float(rng.uniform(0.35, 0.75)) if degenerate else float(rng.uniform(0.9, 1.1)),
                          vacuum=degenerate and rng.random() < opts.vacuum_rate * 2.5,
                          calcified=levels[i] != "C1" and rng.random() < opts.calcified_rate,
                          hu=float(rng.uniform(75, 100)) + 5.0))
    if opts.fused_pair is not None and 0 <= opts.fused_pair < n - 1:
        discs[opts.fused_pair].fused = True
        discs[opts.fused_pair].height_factor = 0.5

    # walk down the column
    vertebrae: list[Vertebra] = []
    centre = np.zeros(3)
    for i, lv in enumerate(levels):
        v = Vertebra(i, lv, sizes[i], centre.copy(), frames[i], bodies[i], opts.fractures.get(lv), normals[i])
        if i > 0:
            up = vertebrae[i - 1]
            disc = discs[i - 1]
            gap = sizes[i - 1].disc_height_mm * disc.height_factor
            if up.body is not None and v.body is not None:
                bottom = -np.mean(up.body.points_vw_mm[[1, 5], 1])
                top = np.mean(v.body.points_vw_mm[[0, 4], 1])
            else:  # C1-C2: the atlas sits on the axis' lateral masses
                bottom, top = sizes[i - 1].body_height_mm * 0.35, sizes[i].body_height_mm * 0.5 + 2.0
            step = bottom + gap + top
            v.centre_mm = up.centre_mm - step * dirs[i - 1]
            if up.body is not None and v.body is not None:
                t_mid = up.axes[2] + v.axes[2]
                t_mid /= np.linalg.norm(t_mid)
                min_gap = max(1.5, 0.45 * gap)
                for _ in range(3):  # push down until no point of the disc is thinner than min_gap
                    clearance = (_rim_points(up, False) - _rim_points(v, True)) @ t_mid
                    deficit = min_gap - clearance.min()
                    if deficit <= 0.05:
                        break
                    v.centre_mm = v.centre_mm - dirs[i - 1] * deficit / max(float(dirs[i - 1] @ t_mid), 0.3)
        vertebrae.append(v)
        centre = v.centre_mm

    # bone: one density for the patient, varied a little per level
    for v in vertebrae:
        v.trabecular_hu = float(opts.trabecular_hu * rng.normal(1.0, 0.06) * level_density(v.level))
        v.cortical_hu = float(rng.uniform(950, 1300))
        v.osteophyte_mm = float(rng.uniform(1.5, 6.0) * opts.osteophytes) if rng.random() < opts.osteophytes else 0.0
        if v.fracture is not None and rng.random() < 0.6:
            v.sclerosis_hu = float(rng.uniform(40, 160))
        v.cement = v.level in opts.cement_levels
        v.screws = v.level in opts.screw_levels
    # degenerative endplate changes next to worn discs, and Schmorl's nodes (detail stream)
    for i, v in enumerate(vertebrae):
        if v.body is None:
            continue
        wear = [0.0, 0.0]
        for k, d in ((0, discs[i - 1] if i > 0 else None), (1, discs[i] if i < len(discs) else None)):
            if d is not None and not d.fused:
                wear[k] = float(np.clip((0.85 - d.height_factor) / 0.45, 0, 1))
        v.endplate_sclerosis_hu = tuple(float(w * detail.uniform(60, 220)) for w in wear)
        nodes = []
        for sup in (True, False):
            if detail.random() < 0.04 + 0.25 * opts.disc_degeneration:
                side = detail.choice([-1.0, 1.0])
                nodes.append((sup, float(side * detail.uniform(0.25, 0.55)), float(detail.uniform(-0.3, 0.35)),
                              float(detail.uniform(2.0, 4.5))))
        v.schmorl = tuple(nodes)
    if opts.bridging:
        for d in discs:
            if region(levels[d.upper]) == "T" and rng.random() < 0.6:
                d.bridged = True

    rods = []
    screwed = [v for v in vertebrae if v.screws]
    if len(screwed) >= 2:
        for side in (-1, 1):
            pts = [v.to_world(np.array([side * (v.size.canal_width_mm / 2 + v.size.pedicle_width_mm * 0.6),
                                        v.body.points_vw_mm[4, 0] + v.size.pedicle_length_mm + 8.0, 2.0]))
                   for v in screwed if v.body is not None]
            if len(pts) >= 2:
                top = pts[0] + (pts[0] - pts[1]) / np.linalg.norm(pts[0] - pts[1]) * 8
                bottom = pts[-1] + (pts[-1] - pts[-2]) / np.linalg.norm(pts[-1] - pts[-2]) * 8
                rods.append(np.stack([top, *pts, bottom]))

    down = -sacrum_dir_up if levels[-1] == "S1" else -below[-1]
    return SpineModel(vertebrae, discs, opts.patient_scale, opts.cobb_deg, rods, down / np.linalg.norm(down))
