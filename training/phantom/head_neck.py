"""Neck and skull base for cervical scans: airway, thyroid, neck vessels, mandible, occiput.

The neck outline itself comes from torso (plan.outline_at narrows to the neck above C7).
Above C1 the skull base sits on the atlas: occipital bone around the posterior fossa with the
foramen magnum over the canal, mastoids with air cells at the sides, the mandible in front.
"""
from __future__ import annotations

import numpy as np

from . import labels
from .grid import Canvas
from .organs import hu_of, paint_tube
from .plan import BodyPlan
from .raster import BoneParts
from .sdf import capsule, coverage, ellipsoid
from .spine import Vertebra

F = np.float32


def render_neck(canvas: Canvas, plan: BodyPlan, rng: np.random.Generator) -> None:
    s = plan.habitus.width_scale
    ph = plan.habitus.contrast
    # pharynx -> larynx -> trachea: air column in front of the cervical spine
    air = np.stack([plan.at_level(e, 0, y) for e, y in [(-0.5, -22), (1.5, -20), (3.5, -26), (5.5, -24), (7.5, -26)]])
    paint_tube(canvas, air, np.array([9, 9, 8, 8, 8.5]) * s + 2, 30.0, labels.AIRWAY)
    paint_tube(canvas, air, np.array([9, 9, 8, 8, 8.5]) * s, -990.0, labels.AIRWAY)
    # thyroid lobes beside the trachea, bright from their iodine
    for side in (-1, 1):
        c = plan.at_level(5.6, side * 18 * s, -26)
        box_etc = BoneParts(canvas.grid, c, np.eye(3), (-12, -12, -25), (12, 12, 25))
        box_etc.add(lambda u, v, w: ellipsoid(u, v, w, (8 * s, 9 * s, 20 * s)), (-10, -10, -22), (10, 10, 22), 0.0)
        if box_etc.box is not None:
            canvas.paint(box_etc.box, box_etc.outer, 100.0 + (40.0 if ph != "none" else 0.0), labels.VESSEL)
        # carotid artery and jugular vein
        art = np.stack([plan.at_level(e, side * 26 * s, -18) for e in (-1.0, 3.0, 7.5)])
        paint_tube(canvas, art, 4.0 * s, hu_of("aorta", ph, rng), labels.VESSEL)
        vein = np.stack([plan.at_level(e, side * 34 * s, -14) for e in (-1.0, 3.0, 7.5)])
        paint_tube(canvas, vein, 6.0 * s, hu_of("ivc", ph, rng), labels.VESSEL)


def render_skull_base(canvas: Canvas, plan: BodyPlan, c1: Vertebra, rng: np.random.Generator) -> None:
    s = plan.habitus.width_scale
    c = c1.to_world(np.array([0.0, 15.0, 42.0]))
    parts = BoneParts(canvas.grid, c, c1.axes, (-80, -90, -50), (80, 80, 90))
    radii = (62 * s, 70 * s, 60 * s)
    # occipital and temporal bone: a thick shell over the posterior fossa, open below
    def fossa(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        shell = np.maximum(ellipsoid(u, v, w, radii), -ellipsoid(u, v, w, tuple(r - 6 for r in radii)))
        floor = F(-35) - w  # cut off below the skull base
        # the foramen magnum: a 17 mm hole over the canal through the lowest part of the floor
        foramen = np.where(w < -20, F(17) - np.sqrt(u * u + (v + F(12)) ** 2), F(-1e3))
        return np.maximum(np.maximum(shell, floor), foramen)

    parts.add(fossa, (-70, -80, -45), (70, 75, 65), 2.0)
    for side in (-1.0, 1.0):  # occipital condyles on the atlas, mastoids behind the ears
        cond = np.array([side * 13, -10.0, -38.0])
        parts.add(lambda u, v, w, q=cond: ellipsoid(u - F(q[0]), v - F(q[1]), w - F(q[2]), (7, 10, 6)),
                  cond - 12, cond + 12, 1.5)
        mast = np.array([side * 50 * s, 0.0, -25.0])
        parts.add(lambda u, v, w, q=mast: ellipsoid(u - F(q[0]), v - F(q[1]), w - F(q[2]), (12, 14, 18)),
                  mast - 20, mast + 20, 1.0)
    parts.paint(canvas, float(rng.uniform(900, 1300)), 350.0, labels.SKULL)
    for side in (-1.0, 1.0):  # mastoid air cells
        q = c1.to_world(np.array([side * 50 * s, 15.0, 20.0]))
        box = canvas.grid.box(q - 12, q + 12)
        if box is not None:
            u, v, w = box.local(q, c1.axes)
            cells = np.sin(F(0.9) * u) * np.sin(F(0.8) * v) * np.sin(F(0.7) * w)
            canvas.paint(box, coverage(ellipsoid(u, v, w, (9, 10, 13)), 1.0) * (cells > 0.1), -800.0)
    # mandible: a U-shaped bar in front of C2-C3, with teeth on top
    pts = [c1.to_world(np.array([side * 48 * s, -25.0, -20.0])) for side in (-1.0, 1.0)]
    chin = c1.to_world(np.array([0.0, -85 * s, -35.0]))
    mand = BoneParts(canvas.grid, np.zeros(3), np.eye(3), np.minimum.reduce([*pts, chin]) - 30, np.maximum.reduce([*pts, chin]) + 30)
    for side, p in zip((-1.0, 1.0), pts):
        angle = c1.to_world(np.array([side * 45 * s, -20.0, -40.0]))
        ramus_top = c1.to_world(np.array([side * 48 * s, -15.0, 0.0]))
        for a, b in ((ramus_top, angle), (angle, chin)):
            mand.add(lambda x, y, z, a=a, b=b: capsule(x, y, z, a, b, 6.0), np.minimum(a, b) - 8, np.maximum(a, b) + 8, 2.0)
    mand.paint(canvas, float(rng.uniform(1000, 1400)), 400.0, labels.SKULL)
