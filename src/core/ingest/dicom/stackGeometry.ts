/**
 * Orders a group's images along the slice normal and works out the regular grid they fill:
 * spacing from the positions (never SliceThickness), duplicates removed, missing slices and
 * uneven spacing resampled to an even grid, and gantry tilt (a sheared stack) straightened.
 */
import type { Vec3, VolumeGeometry } from '../../volume';
import type { DicomImage } from './dicomImage';

export interface SlicePlan {
  /** For each output slice: the two input slices it lies between and the weight of `upper`. */
  lower: number;
  upper: number;
  upperWeight: number;
}

export interface StackGeometry {
  /** Input images, sorted along the slice normal, one per position. */
  images: DicomImage[];
  geometry: VolumeGeometry;
  /** Per input image, its in-plane offset from the first image in pixels [column, row] (tilt). */
  shearPx: [number, number][] | null;
  /** Per output slice, how to interpolate it; null when output slice k is input image k. */
  plan: SlicePlan[] | null;
  warnings: string[];
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Positions closer than this along the normal are the same slice. */
const duplicateToleranceMm = 0.01;
/** Below this, tilt is rounding noise in the positions, not a tilted gantry. */
const tiltToleranceDeg = 0.05;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function planStack(input: DicomImage[]): StackGeometry {
  const first = input[0];
  const normal = cross(first.rowCosine, first.columnCosine);
  const warnings: string[] = [];

  const sorted = [...input].sort(
    (a, b) => dot(a.positionMm, normal) - dot(b.positionMm, normal) || (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0),
  );
  const images: DicomImage[] = [];
  let duplicates = 0;
  for (const image of sorted) {
    const previous = images[images.length - 1];
    if (previous && Math.abs(dot(sub(image.positionMm, previous.positionMm), normal)) < duplicateToleranceMm) {
      duplicates++;
      continue;
    }
    images.push(image);
  }
  if (duplicates > 0) {
    warnings.push(`${duplicates} duplicate slice position${duplicates > 1 ? 's' : ''} (the same position twice): kept the first of each`);
  }

  const origin = images[0].positionMm;
  const distances = images.map((i) => dot(sub(i.positionMm, origin), normal));
  const [rowSpacingMm, columnSpacingMm] = first.pixelSpacingMm;
  const shearPx = tiltOffsets(images, origin, columnSpacingMm, rowSpacingMm, warnings);

  const gaps = distances.slice(1).map((d, i) => d - distances[i]);
  const step = gaps.length ? median(gaps) : 1;
  const plan = evenPlan(distances, step, warnings);
  const sliceCount = plan ? plan.length : images.length;
  const spacingZ = plan || images.length < 2 ? step : distances[distances.length - 1] / (images.length - 1);

  return {
    images,
    geometry: {
      dimensions: [first.columns, first.rows, sliceCount],
      spacingMm: [columnSpacingMm, rowSpacingMm, spacingZ],
      originMm: origin,
      direction: { column: first.rowCosine, row: first.columnCosine, slice: normal },
    },
    shearPx,
    plan,
    warnings,
  };
}

/**
 * A tilted gantry writes slices whose positions step partly within the image plane. Each
 * slice is then shifted back by its in-plane offset so the stack is square to its normal.
 */
function tiltOffsets(images: DicomImage[], origin: Vec3, columnSpacingMm: number, rowSpacingMm: number, warnings: string[]): [number, number][] | null {
  if (images.length < 2) return null;
  const { rowCosine, columnCosine } = images[0];
  const normal = cross(rowCosine, columnCosine);
  const last = sub(images[images.length - 1].positionMm, origin);
  const inPlane = Math.hypot(dot(last, rowCosine), dot(last, columnCosine));
  const tiltDeg = (Math.atan2(inPlane, Math.abs(dot(last, normal))) * 180) / Math.PI;
  if (tiltDeg < tiltToleranceDeg) return null;
  warnings.push(`gantry tilt of ${tiltDeg.toFixed(1)}°: slices were shifted to correct the shear`);
  return images.map((image) => {
    const offset = sub(image.positionMm, origin);
    return [dot(offset, rowCosine) / columnSpacingMm, dot(offset, columnCosine) / rowSpacingMm];
  });
}

/** Null when the slices are already evenly spaced; otherwise an even grid at the median step. */
function evenPlan(distances: number[], step: number, warnings: string[]): SlicePlan[] | null {
  if (distances.length < 3) return null;
  const gaps = distances.slice(1).map((d, i) => d - distances[i]);
  const tolerance = Math.max(0.01, step * 0.01);
  if (gaps.every((g) => Math.abs(g - step) <= tolerance)) return null;

  const missing = gaps.reduce((n, g) => n + (g > step * 1.5 ? Math.round(g / step) - 1 : 0), 0);
  if (missing > 0) {
    const where = gaps
      .map((g, i) => (g > step * 1.5 ? `${g.toFixed(1)} mm after slice ${i + 1}` : null))
      .filter(Boolean)
      .slice(0, 3)
      .join(', ');
    warnings.push(`${missing} missing slice${missing > 1 ? 's' : ''} (gap of ${where}): filled by interpolation between neighbours`);
  } else {
    const lo = Math.min(...gaps);
    const hi = Math.max(...gaps);
    warnings.push(`uneven slice spacing (${lo.toFixed(2)}–${hi.toFixed(2)} mm): resampled to an even ${step.toFixed(2)} mm`);
  }

  const total = distances[distances.length - 1];
  const count = Math.round(total / step) + 1;
  const plan: SlicePlan[] = [];
  let lower = 0;
  for (let k = 0; k < count; k++) {
    const z = Math.min(k * step, total);
    while (lower + 1 < distances.length - 1 && distances[lower + 1] <= z) lower++;
    const upper = Math.min(lower + 1, distances.length - 1);
    const span = distances[upper] - distances[lower];
    const upperWeight = span > 0 ? Math.min(1, Math.max(0, (z - distances[lower]) / span)) : 0;
    plan.push({ lower, upper, upperWeight });
  }
  return plan;
}
