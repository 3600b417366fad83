"""How the patient lies: supine, the back resting on the table above the lumbar spine and at the
sacrum.

A column drawn from the priors keeps its real curves but not how that patient lay. The table
used to go under the deepest point of the back, so where lordosis and sacral slope carried the
pelvis forwards the buttocks and hips hung above the table (up to 70 mm over 20 abdomen
phantoms; the gallery's hips), and where they carried it back the thoracolumbar back did. A
supine patient rests on both, with the lumbar back lifted between them. So the column is turned
in the sagittal plane, about the left-right axis through the upper contact, until the back
behind the sacrum is as deep as the deepest back above the lumbar spine. Spines without S1
(chest, cervical) are left as drawn: they have no second contact.
"""
from __future__ import annotations

import numpy as np

from .levels import size_position
from .plan import BodyPlan, Habitus
from .spine import SpineModel
from .torso import back_skin_y

UPPER_ELL = (6.0, 22.0)  # C7 ... L4 (levels.size_position): the back above the lordosis rests on the table here
SACRAL_ELL = (24.0, 26.0)  # S1 and the sacrum below it
MAX_TURN_DEG = 15.0  # pelvic tilt between supine patients spans about this much
STEP_MM = 2.0


def turn_to_rest(spine: SpineModel, habitus: Habitus) -> float:
    """Turn `spine` in place so that both contacts touch one table; the angle turned (degrees,
    positive: the pelvis back, towards the table). Two passes, as the contacts move a little
    when the column turns."""
    total = 0.0
    for _ in range(2):
        contacts = _contacts(spine, habitus)
        if contacts is None:
            return 0.0
        (z_up, y_up), (z_sac, y_sac) = contacts
        # turn the sacral contact about the upper one onto the same depth
        angle = float(np.arctan2(y_up - y_sac, z_up - z_sac))
        angle = float(np.clip(angle, -np.radians(MAX_TURN_DEG) - total, np.radians(MAX_TURN_DEG) - total))
        _turn(spine, np.array([0.0, y_up, z_up]), angle)
        total += angle
    return float(np.degrees(total))


def _contacts(spine: SpineModel, habitus: Habitus) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """(z, y) of the deepest back point above the lumbar spine and behind the sacrum; None when
    the modelled column lacks one of them."""
    ells = [size_position(v.level) for v in spine.vertebrae]
    if "S1" not in (v.level for v in spine.vertebrae) or min(ells) > UPPER_ELL[1]:
        return None
    plan = BodyPlan(spine, habitus)
    out = []
    for lo, hi in ((max(UPPER_ELL[0], min(ells)), UPPER_ELL[1]), SACRAL_ELL):
        z_hi, z_lo = float(plan.z_of(lo)), float(plan.z_of(hi))  # ell grows downwards, z upwards
        z = np.arange(z_lo, z_hi + STEP_MM, STEP_MM)
        y = back_skin_y(plan, z)
        i = int(np.argmax(y))
        out.append((float(z[i]), float(y[i])))
    return out[0], out[1]


def _turn(spine: SpineModel, pivot_mm: np.ndarray, angle_rad: float) -> None:
    """Rotate every position and direction of the column about the left-right axis through
    `pivot_mm` (LPS: +y posterior, +z superior); a positive angle moves what lies below the
    pivot backwards."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    m = np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    for v in spine.vertebrae:
        v.centre_mm = pivot_mm + m @ (v.centre_mm - pivot_mm)
        v.axes = v.axes @ m.T
    spine.rods = [pivot_mm + (r - pivot_mm) @ m.T for r in spine.rods]
    spine.sacrum_dir = m @ spine.sacrum_dir
