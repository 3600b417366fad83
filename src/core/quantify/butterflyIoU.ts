/**
 * Butterfly-IoU (../shared/DESIGN.md): a vertebra's butterfly is its two wings, the
 * quadrilaterals AS–MS–MI–AI and MS–PS–PI–MI; the IoU of two vertebrae is the area of the
 * intersection of their butterflies over the area of their union. Computed exactly: each wing
 * is cut into two triangles and triangle pairs are clipped.
 */
import { area, convexIntersectionArea, triangulateQuad, type Vec2 } from '../geometry/polygon';
import { AI, AS, MI, MS, PI, PS, type SixPoints } from './sixPoints';

export type SixPoints2D = SixPoints<Vec2>;

export function butterflyWings(p: SixPoints2D): [[Vec2, Vec2, Vec2, Vec2], [Vec2, Vec2, Vec2, Vec2]] {
  return [
    [p[AS], p[MS], p[MI], p[AI]],
    [p[MS], p[PS], p[PI], p[MI]],
  ];
}

function triangles(p: SixPoints2D): Vec2[][] {
  return butterflyWings(p).flatMap((wing) => triangulateQuad(wing));
}

export function butterflyArea(p: SixPoints2D): number {
  return triangles(p).reduce((sum, t) => sum + area(t), 0);
}

export function butterflyIntersectionArea(a: SixPoints2D, b: SixPoints2D): number {
  const tb = triangles(b);
  let sum = 0;
  for (const ta of triangles(a)) for (const t of tb) sum += convexIntersectionArea(ta, t);
  return sum;
}

export function butterflyIoU(a: SixPoints2D, b: SixPoints2D): number {
  const inter = butterflyIntersectionArea(a, b);
  const union = butterflyArea(a) + butterflyArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
