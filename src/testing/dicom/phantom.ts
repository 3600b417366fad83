/**
 * The CT phantom every synthetic series samples: simple solids of known size and HU, placed in
 * patient space (DICOM LPS, millimetres: +x patient Left, +y Posterior, +z Superior). Because
 * the truth is defined in patient mm and not in voxels, a test can check an ingested volume's
 * geometry by asking what the phantom holds at any voxel's patient position.
 *
 * Contents (later entries win where they overlap; none overlap as placed):
 * - air, -1000 HU, everywhere else;
 * - a water cylinder, 0 HU, radius 120 mm, axis along z through x = y = 0, infinite in z;
 * - a bone rod, +700 HU, radius 15 mm, along z at x = 0, y = +60 (posterior: like a spine);
 * - two dense beads, +2000 HU, radius 3 mm, in the mid-sagittal plane x = 0, exactly 80 mm
 *   apart: bead B lies 64 mm superior and 48 mm anterior of bead A (48-64-80 triangle);
 * - an orientation marker, +400 HU, a box in the patient's Left-Anterior-Superior octant, so a
 *   flip of any axis moves it to another octant and a test catches it.
 *
 * All coordinates are multiples of 4 mm so that the default grid (4 mm pixels, 2 mm slices,
 * centred on the origin) puts the bead centres exactly on voxel centres.
 *
 * Values are point-sampled: a point exactly on a surface counts as inside. Voxel-by-voxel tests
 * should skip voxels within a hair of a surface (see `distanceToNearestSurfaceMm`), since a
 * reader that computes positions along a different float path may land on the other side.
 */
import type { Vec3 } from '../../core/volume';

export const HU = {
  air: -1000,
  water: 0,
  bone: 700,
  bead: 2000,
  marker: 400,
} as const;

export const WATER_CYLINDER = { centerXYMm: [0, 0] as [number, number], radiusMm: 120 } as const;
export const BONE_ROD = { centerXYMm: [0, 60] as [number, number], radiusMm: 15 } as const;

export interface Bead {
  name: 'A' | 'B';
  centerMm: Vec3;
  radiusMm: number;
}

/** Bead A (inferior, posterior of B) and bead B (64 mm superior, 48 mm anterior): 80 mm apart. */
export const BEADS: readonly Bead[] = [
  { name: 'A', centerMm: [0, 20, -32], radiusMm: 3 },
  { name: 'B', centerMm: [0, -28, 32], radiusMm: 3 },
];

export const BEAD_DISTANCE_MM = 80;

/** Left (+x), anterior (-y), superior (+z) box; min/max corners in LPS mm. */
export const ORIENTATION_MARKER = {
  minMm: [20, -44, 4] as Vec3,
  maxMm: [44, -20, 36] as Vec3,
} as const;

const WATER_R2 = WATER_CYLINDER.radiusMm ** 2;
const ROD_R2 = BONE_ROD.radiusMm ** 2;

/** Ground truth: the HU at patient position (x, y, z) in LPS mm. */
export function sampleHU(xMm: number, yMm: number, zMm: number): number {
  for (const b of BEADS) {
    const dx = xMm - b.centerMm[0];
    const dy = yMm - b.centerMm[1];
    const dz = zMm - b.centerMm[2];
    if (dx * dx + dy * dy + dz * dz <= b.radiusMm * b.radiusMm) return HU.bead;
  }
  const m = ORIENTATION_MARKER;
  if (
    xMm >= m.minMm[0] && xMm <= m.maxMm[0] &&
    yMm >= m.minMm[1] && yMm <= m.maxMm[1] &&
    zMm >= m.minMm[2] && zMm <= m.maxMm[2]
  ) {
    return HU.marker;
  }
  const rx = xMm - BONE_ROD.centerXYMm[0];
  const ry = yMm - BONE_ROD.centerXYMm[1];
  if (rx * rx + ry * ry <= ROD_R2) return HU.bone;
  const wx = xMm - WATER_CYLINDER.centerXYMm[0];
  const wy = yMm - WATER_CYLINDER.centerXYMm[1];
  if (wx * wx + wy * wy <= WATER_R2) return HU.water;
  return HU.air;
}

/** Distance in mm from a point to the nearest material boundary (for edge-tolerant comparisons). */
export function distanceToNearestSurfaceMm(xMm: number, yMm: number, zMm: number): number {
  let d = Math.abs(Math.hypot(xMm - WATER_CYLINDER.centerXYMm[0], yMm - WATER_CYLINDER.centerXYMm[1]) - WATER_CYLINDER.radiusMm);
  d = Math.min(d, Math.abs(Math.hypot(xMm - BONE_ROD.centerXYMm[0], yMm - BONE_ROD.centerXYMm[1]) - BONE_ROD.radiusMm));
  for (const b of BEADS) {
    const r = Math.hypot(xMm - b.centerMm[0], yMm - b.centerMm[1], zMm - b.centerMm[2]);
    d = Math.min(d, Math.abs(r - b.radiusMm));
  }
  // Box: distance to its surface (outside: Euclidean distance to the box; inside: to the nearest face).
  const m = ORIENTATION_MARKER;
  const p = [xMm, yMm, zMm];
  let outside2 = 0;
  let insideMin = Infinity;
  for (let i = 0; i < 3; i++) {
    const below = m.minMm[i] - p[i];
    const above = p[i] - m.maxMm[i];
    const o = Math.max(below, above, 0);
    outside2 += o * o;
    insideMin = Math.min(insideMin, -below, -above);
  }
  d = Math.min(d, outside2 > 0 ? Math.sqrt(outside2) : insideMin);
  return d;
}
