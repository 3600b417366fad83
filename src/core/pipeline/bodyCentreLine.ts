/**
 * The second look: a centreline through the detected bodies' centres (training/models/
 * body_centre_line.py, checked by golden vectors).
 *
 * The detector was trained on images straightened along the true centreline, which runs straight
 * from one body's centroid to the next and so bends at every body, most at a wedged or crushed
 * one. The localizer's line is smooth and does not bend there, so in the first image a fractured
 * body looks unlike any training view and reads milder than it is. Straightened once more along a
 * line through the centres of the bodies found, the detector sees the kind of image it learned
 * from. An addition to step 2 of ../shared/DESIGN.md (read-only here), written down in the
 * detector card's `straightening.secondLook` and training/README.md ("Conventions").
 */
import { add, centroid, cross, dot, norm, scale, sub } from '../geometry/vec3';
import type { Vec3 } from '../volume';

/** The six points' outline, around the body: AS, MS, PS, PI, MI, AI. */
const OUTLINE = [0, 2, 4, 5, 3, 1] as const;

/**
 * The area centroid of the six-point outline, as a phantom's centroid is its body's (a wedge's
 * lies nearer its tall back than the mean of its points). Triangles fan from the mean point and
 * are signed along the outline's normal (Newell's), so a concave outline (a biconcave body)
 * counts right. A degenerate outline gives the mean of the points.
 */
export function bodyCentre(pointsMm: readonly Vec3[]): Vec3 {
  const p = OUTLINE.map((i) => pointsMm[i]);
  const o = centroid(p);
  const q = p.map((x) => sub(x, o));
  const crosses = q.map((x, i) => cross(x, q[(i + 1) % q.length]));
  const normal = crosses.reduce(add, [0, 0, 0] as Vec3);
  const length = norm(normal);
  if (length < 1e-9) return o;
  const areas = crosses.map((c) => dot(c, normal) / length / 2);
  const total = areas.reduce((a, b) => a + b, 0);
  if (Math.abs(total) < 1e-9) return o;
  let centre: Vec3 = [0, 0, 0];
  q.forEach((x, i) => {
    const triangle = add(o, scale(add(x, q[(i + 1) % q.length]), 1 / 3));
    centre = add(centre, scale(triangle, areas[i] / total));
  });
  return centre;
}

/** How the second look picks its centres and joins the first line (card `straightening.secondLook`). */
export interface SecondLookSettings {
  /** A body steers the line only when its points' mean column lies this close to the first line. */
  maxOffsetMm: number;
  /** Leave out the top and bottom bodies: beyond them the line has no next body to bend towards. */
  innerOnly: boolean;
  /** Beyond the end centres the line returns to the first one over this distance along z. */
  blendMm: number;
  /** The second look stands only when each body of the first has one of its own this close (sameBodies). */
  sameBodyMm: number;
}

/**
 * The centres the second line runs through, superior first: of the bodies whose points' mean
 * column lies within `maxOffsetMm` of the first line (a detection further forward or back is not
 * a body on the spine's line and would drag the line off it), without the top and bottom ones
 * when `innerOnly`.
 */
export function centresOnLine(bodies: readonly { pointsPx: readonly (readonly number[])[]; pointsMm: readonly Vec3[] }[], centreColumn: number, stepMm: number, settings: Pick<SecondLookSettings, 'maxOffsetMm' | 'innerOnly'>): Vec3[] {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const kept = bodies
    .filter((b) => Math.abs(mean(b.pointsPx.map((p) => p[0])) - centreColumn) * stepMm <= settings.maxOffsetMm)
    .map((b) => ({ row: mean(b.pointsPx.map((p) => p[1])), centre: bodyCentre(b.pointsMm) }))
    .sort((a, b) => a.row - b.row); // image rows run superior → inferior
  const centres = kept.map((k) => k.centre);
  return settings.innerOnly ? centres.slice(1, -1) : centres;
}

/**
 * Superior first: straight from centre to centre between the top and bottom centres; beyond them
 * the first line, moved by where it missed that end's centre, the move fading linearly to nothing
 * over `blendMm` along z (about one vertebra), so that the line neither jumps at the end centre
 * nor leaves the first line's course further out. Needs two centres; the input line may run
 * either way.
 */
export function bodyCentreLine(centrelineMm: readonly Vec3[], centresMm: readonly Vec3[], blendMm: number): Vec3[] {
  if (centresMm.length < 2) throw new Error('a line through the bodies needs two of them');
  const bySuperior = (a: Vec3, b: Vec3) => b[2] - a[2];
  const line = [...centrelineMm].sort(bySuperior);
  const centres = [...centresMm].sort(bySuperior);
  const top = centres[0];
  const bottom = centres[centres.length - 1];
  const moved = (points: Vec3[], end: Vec3): Vec3[] => {
    const [x, y] = lineAt(line, end[2]);
    return points.map((p) => {
      const fade = blendMm > 0 ? Math.min(Math.max(1 - Math.abs(p[2] - end[2]) / blendMm, 0), 1) : 1;
      return [p[0] + fade * (end[0] - x), p[1] + fade * (end[1] - y), p[2]];
    });
  };
  return [...moved(line.filter((p) => p[2] > top[2]), top), ...centres.map((c) => [...c] as Vec3), ...moved(line.filter((p) => p[2] < bottom[2]), bottom)];
}

/**
 * Whether the second look found the bodies the first did: as many, and each of the first's with
 * one of the second's six-point means within `withinMm` of its own. Otherwise the first look
 * stands: the second is a closer reading of the same bodies, never a different set (it lost a
 * vertebra plana the first had found, a severe fracture).
 */
export function sameBodies(first: readonly { pointsMm: readonly Vec3[] }[], second: readonly { pointsMm: readonly Vec3[] }[], withinMm: number): boolean {
  if (first.length !== second.length) return false;
  const means = second.map((b) => centroid(b.pointsMm));
  return first.every((b) => {
    const m = centroid(b.pointsMm);
    return means.some((n) => norm(sub(m, n)) <= withinMm);
  });
}

/** (x, y) of a superior-first line at height z, linear in z, held at the end values beyond it (numpy's interp). */
function lineAt(line: readonly Vec3[], z: number): [number, number] {
  const last = line.length - 1;
  if (z >= line[0][2]) return [line[0][0], line[0][1]];
  if (z <= line[last][2]) return [line[last][0], line[last][1]];
  let i = 0;
  while (line[i + 1][2] > z) i++;
  const [a, b] = [line[i], line[i + 1]];
  const t = a[2] === b[2] ? 0 : (a[2] - z) / (a[2] - b[2]);
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}
