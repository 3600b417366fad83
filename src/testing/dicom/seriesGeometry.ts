/**
 * Where each slice of a synthetic series lies in patient space (DICOM LPS, mm), and how that
 * is written in the Image Plane attributes:
 *
 * - ImageOrientationPatient (IOP) = row cosine (direction of increasing column index) followed
 *   by column cosine (direction of increasing row index).
 * - PixelSpacing = [row spacing, column spacing]: the first value is the distance between rows,
 *   measured along the column cosine; the second the distance between columns, along the row
 *   cosine. So voxel (column c, row r) of a slice lies at
 *       IPP + c * PixelSpacing[1] * rowCosine + r * PixelSpacing[0] * columnCosine.
 * - Slices are stacked along the normal n = rowCosine x columnCosine (slice index increases
 *   along n), except with gantry tilt: the table moves along z while the image plane is tilted
 *   about x, so successive ImagePositionPatient values step along z, not along n, and the grid
 *   is sheared (PS3.3 C.7.6.2.1.1 allows this; real tilted CT looks exactly like that).
 *
 * Every position and cosine is formatted as a DICOM Decimal String (16 characters at most) and
 * read back before any voxel is sampled, so the truth and the files agree to the last digit.
 */
import type { Vec3, VolumeGeometry } from '../../core/volume';
import { formatDS } from './dicomWriter';

export type OrientationPreset = 'axial' | 'sagittal' | 'coronal' | 'oblique';

/** Row cosine and column cosine of each preset orientation (as a radiologist's standard views). */
export const ORIENTATIONS: Record<OrientationPreset, readonly number[]> = {
  // Rows run to patient Left, columns down to Posterior: looking up from the feet.
  axial: [1, 0, 0, 0, 1, 0],
  // Rows run Anterior -> Posterior, columns Superior -> Inferior; slices step toward patient Right.
  sagittal: [0, 1, 0, 0, 0, -1],
  // Rows run Right -> Left, columns Superior -> Inferior; slices step toward Posterior.
  coronal: [1, 0, 0, 0, 0, -1],
  // The axial plane turned 15 degrees about z, then 20 degrees about x: exercises every term.
  oblique: obliqueOrientation(15, 20),
};

function obliqueOrientation(aboutZDeg: number, aboutXDeg: number): number[] {
  const a = (aboutZDeg * Math.PI) / 180;
  const b = (aboutXDeg * Math.PI) / 180;
  const rotate = (v: Vec3): Vec3 => {
    // Rz(a) then Rx(b)
    const x1 = v[0] * Math.cos(a) - v[1] * Math.sin(a);
    const y1 = v[0] * Math.sin(a) + v[1] * Math.cos(a);
    const z1 = v[2];
    return [x1, y1 * Math.cos(b) - z1 * Math.sin(b), y1 * Math.sin(b) + z1 * Math.cos(b)];
  };
  return [...rotate([1, 0, 0]), ...rotate([0, 1, 0])];
}

export const vec = {
  add: (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]],
  scale: (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s],
  dot: (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2],
  cross: (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]],
  normalize: (a: Vec3): Vec3 => {
    const n = Math.hypot(a[0], a[1], a[2]);
    return [a[0] / n, a[1] / n, a[2] / n];
  },
};

/** A number as it reads back from a DS element. */
export function dsRoundTrip(value: number): number {
  return Number(formatDS(value));
}

export interface GeometryOptions {
  columns: number;
  rows: number;
  slices: number;
  /** PixelSpacing: [row spacing, column spacing] in mm. */
  pixelSpacingMm: [number, number];
  /** Nominal distance between consecutive slice positions, mm. */
  sliceSpacingMm: number;
  /** Position of each grid slice along the stacking direction, mm; overrides sliceSpacingMm. */
  sliceOffsetsMm?: number[];
  orientation: OrientationPreset | number[];
  gantryTiltDeg: number;
  /** IPP of grid slice 0; by default the grid is centred so voxel (C/2, R/2, S/2) is at (0,0,0). */
  originMm?: Vec3;
}

export interface PlannedGeometry {
  /** IOP exactly as written (DS round-tripped). */
  imageOrientationPatient: number[];
  rowCosine: Vec3;
  columnCosine: Vec3;
  /** Unit normal of the image plane, rowCosine x columnCosine. */
  normal: Vec3;
  /** Direction from one slice position to the next (the normal, or +z with gantry tilt). */
  stackDirection: Vec3;
  pixelSpacingMm: [number, number];
  sliceOffsetsMm: number[];
  /** IPP of every grid slice exactly as written. */
  slicePositionsMm: Vec3[];
  uniformSpacing: boolean;
  sheared: boolean;
  /** The grid the files describe, in the Volume's conventions (see src/core/volume.ts). */
  geometry: VolumeGeometry;
}

export function planGeometry(o: GeometryOptions): PlannedGeometry {
  const tilt = o.gantryTiltDeg;
  let iop: number[];
  if (tilt !== 0) {
    if (o.orientation !== 'axial') throw new Error('gantry tilt is only modelled for axial series');
    // The image plane turns about the patient's x axis; the column cosine leaves the y axis.
    const t = (tilt * Math.PI) / 180;
    iop = [1, 0, 0, 0, Math.cos(t), -Math.sin(t)];
  } else {
    iop = typeof o.orientation === 'string' ? [...ORIENTATIONS[o.orientation]] : [...o.orientation];
  }
  if (iop.length !== 6) throw new Error('orientation must have 6 numbers (row cosine, column cosine)');
  iop = iop.map(dsRoundTrip);
  const rowCosine: Vec3 = [iop[0], iop[1], iop[2]];
  const columnCosine: Vec3 = [iop[3], iop[4], iop[5]];
  const normal = vec.normalize(vec.cross(rowCosine, columnCosine));
  const stackDirection: Vec3 = tilt !== 0 ? [0, 0, 1] : normal;
  const pixelSpacingMm = o.pixelSpacingMm.map(dsRoundTrip) as [number, number];

  const sliceOffsetsMm = o.sliceOffsetsMm ?? Array.from({ length: o.slices }, (_, k) => k * o.sliceSpacingMm);
  if (sliceOffsetsMm.length !== o.slices) throw new Error(`sliceOffsetsMm has ${sliceOffsetsMm.length} values for ${o.slices} slices`);
  for (let k = 1; k < sliceOffsetsMm.length; k++) {
    if (!(sliceOffsetsMm[k] > sliceOffsetsMm[k - 1])) throw new Error('slice offsets must increase');
  }
  const gaps = sliceOffsetsMm.slice(1).map((x, k) => x - sliceOffsetsMm[k]);
  const uniformSpacing = gaps.every((g) => Math.abs(g - gaps[0]) < 1e-6);

  // Column step = PixelSpacing[1] along the row cosine; row step = PixelSpacing[0] along the column cosine.
  const columnStep = vec.scale(rowCosine, pixelSpacingMm[1]);
  const rowStep = vec.scale(columnCosine, pixelSpacingMm[0]);
  const centre = [Math.floor(o.columns / 2), Math.floor(o.rows / 2), Math.floor(o.slices / 2)];
  const originMm: Vec3 =
    o.originMm ??
    vec.scale(
      vec.add(
        vec.add(vec.scale(columnStep, centre[0]), vec.scale(rowStep, centre[1])),
        vec.scale(stackDirection, sliceOffsetsMm[centre[2]] - sliceOffsetsMm[0]),
      ),
      -1,
    );
  const slicePositionsMm = sliceOffsetsMm.map(
    (offset) => vec.add(originMm, vec.scale(stackDirection, offset - sliceOffsetsMm[0])).map(dsRoundTrip) as Vec3,
  );

  const sliceStep = gaps.length > 0 ? gaps[0] : o.sliceSpacingMm;
  return {
    imageOrientationPatient: iop,
    rowCosine,
    columnCosine,
    normal,
    stackDirection,
    pixelSpacingMm,
    sliceOffsetsMm,
    slicePositionsMm,
    uniformSpacing,
    sheared: tilt !== 0,
    geometry: {
      dimensions: [o.columns, o.rows, o.slices],
      spacingMm: [pixelSpacingMm[1], pixelSpacingMm[0], sliceStep],
      originMm: slicePositionsMm[0],
      direction: { column: rowCosine, row: columnCosine, slice: stackDirection },
    },
  };
}

/** Patient position (mm) of pixel (column, row) of a slice whose IPP is `ipp`. */
export function pixelPositionMm(
  ipp: Vec3,
  rowCosine: Vec3,
  columnCosine: Vec3,
  pixelSpacingMm: [number, number],
  column: number,
  row: number,
): Vec3 {
  const a = column * pixelSpacingMm[1];
  const b = row * pixelSpacingMm[0];
  return [
    ipp[0] + a * rowCosine[0] + b * columnCosine[0],
    ipp[1] + a * rowCosine[1] + b * columnCosine[1],
    ipp[2] + a * rowCosine[2] + b * columnCosine[2],
  ];
}
