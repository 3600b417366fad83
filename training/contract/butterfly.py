"""Exact Butterfly-IoU (twin of src/core/quantify/butterflyIoU.ts and geometry/polygon.ts)."""
from __future__ import annotations

from typing import Sequence

Vec2 = tuple[float, float]


def signed_area(polygon: Sequence[Vec2]) -> float:
    total = 0.0
    for i, (x0, y0) in enumerate(polygon):
        x1, y1 = polygon[(i + 1) % len(polygon)]
        total += x0 * y1 - x1 * y0
    return total / 2


def area(polygon: Sequence[Vec2]) -> float:
    return abs(signed_area(polygon))


def clip_convex(subject: Sequence[Vec2], clip: Sequence[Vec2]) -> list[Vec2]:
    """Sutherland–Hodgman: the part of `subject` inside the convex polygon `clip`."""
    c = list(clip) if signed_area(clip) >= 0 else list(reversed(clip))
    output = list(subject)
    for i in range(len(c)):
        if not output:
            break
        a, b = c[i], c[(i + 1) % len(c)]

        def side(p: Vec2) -> float:
            return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])

        source, output = output, []
        for j, p in enumerate(source):
            q = source[(j + 1) % len(source)]
            sp, sq = side(p), side(q)
            if sp >= 0:
                output.append(p)
            if (sp >= 0) != (sq >= 0):
                t = sp / (sp - sq)
                output.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return output


def triangulate_quad(q: Sequence[Vec2]) -> list[list[Vec2]]:
    """Two triangles covering a simple quadrilateral: split along the diagonal inside it."""
    whole = signed_area(q)
    split02 = [[q[0], q[1], q[2]], [q[0], q[2], q[3]]]
    sign = (whole > 0) - (whole < 0)
    if all(((signed_area(t) > 0) - (signed_area(t) < 0)) == sign or signed_area(t) == 0 for t in split02):
        return split02
    return [[q[1], q[2], q[3]], [q[1], q[3], q[0]]]


def wings(p: Sequence[Vec2]) -> list[list[Vec2]]:
    """AS–MS–MI–AI and MS–PS–PI–MI, points in the fixed order AS, AI, MS, MI, PS, PI."""
    return [[p[0], p[2], p[3], p[1]], [p[2], p[4], p[5], p[3]]]


def _triangles(p: Sequence[Vec2]) -> list[list[Vec2]]:
    return [t for wing in wings(p) for t in triangulate_quad(wing)]


def butterfly_area(p: Sequence[Vec2]) -> float:
    return sum(area(t) for t in _triangles(p))


def butterfly_iou(a: Sequence[Vec2], b: Sequence[Vec2]) -> float:
    a = [tuple(map(float, x)) for x in a]
    b = [tuple(map(float, x)) for x in b]
    inter = 0.0
    tb = _triangles(b)
    for ta in _triangles(a):
        for t in tb:
            clipped = clip_convex(ta, t)
            if len(clipped) >= 3:
                inter += area(clipped)
    union = butterfly_area(a) + butterfly_area(b) - inter
    return inter / union if union > 0 else 0.0
