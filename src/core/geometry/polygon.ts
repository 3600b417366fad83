/**
 * Exact areas of simple polygons and intersections of convex ones, in the plane. Butterfly-IoU
 * builds on these by cutting each wing into triangles, which are always convex.
 */
export type Vec2 = readonly [number, number];

export function signedArea(polygon: readonly Vec2[]): number {
  let sum = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x0, y0] = polygon[i];
    const [x1, y1] = polygon[(i + 1) % polygon.length];
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

export function area(polygon: readonly Vec2[]): number {
  return Math.abs(signedArea(polygon));
}

function counterClockwise(polygon: readonly Vec2[]): Vec2[] {
  return signedArea(polygon) < 0 ? [...polygon].reverse() : [...polygon];
}

/** Sutherland–Hodgman: the part of `subject` inside the convex polygon `clip`. */
export function clipConvex(subject: readonly Vec2[], clip: readonly Vec2[]): Vec2[] {
  const c = counterClockwise(clip);
  let output: Vec2[] = [...subject];
  for (let i = 0; i < c.length && output.length > 0; i++) {
    const a = c[i];
    const b = c[(i + 1) % c.length];
    const side = (p: Vec2) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j++) {
      const p = input[j];
      const q = input[(j + 1) % input.length];
      const sp = side(p);
      const sq = side(q);
      if (sp >= 0) output.push(p);
      if ((sp >= 0) !== (sq >= 0)) {
        const t = sp / (sp - sq);
        output.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return output;
}

export function convexIntersectionArea(a: readonly Vec2[], b: readonly Vec2[]): number {
  const clipped = clipConvex(a, b);
  return clipped.length < 3 ? 0 : area(clipped);
}

/**
 * Two triangles covering a quadrilateral exactly. A simple quadrilateral always has one
 * diagonal inside it: the one whose two triangles turn the same way as the whole.
 */
export function triangulateQuad(q: readonly [Vec2, Vec2, Vec2, Vec2]): [Vec2[], Vec2[]] {
  const whole = Math.sign(signedArea(q));
  const split02: [Vec2[], Vec2[]] = [[q[0], q[1], q[2]], [q[0], q[2], q[3]]];
  if (split02.every((t) => Math.sign(signedArea(t)) === whole || signedArea(t) === 0)) return split02;
  return [[q[1], q[2], q[3]], [q[1], q[3], q[0]]];
}
