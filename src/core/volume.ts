/**
 * The `Volume` of ../shared/DESIGN.md: voxels in Hounsfield units and their place in
 * patient space (DICOM LPS, millimetres). Every later stage (localizer, straightening,
 * viewer) reads only this, whatever file format the study came in.
 */

export type Vec3 = [number, number, number];

export interface VolumeGeometry {
  /** [columns, rows, slices]: the length of each voxel axis, column fastest. */
  dimensions: [number, number, number];
  /** Spacing along [columns, rows, slices] in mm; the slice spacing comes from slice positions. */
  spacingMm: Vec3;
  /** Patient position (LPS, mm) of the centre of voxel (column 0, row 0, slice 0). */
  originMm: Vec3;
  /** Unit LPS directions of increasing column, row and slice index. */
  direction: { column: Vec3; row: Vec3; slice: Vec3 };
}

export interface VolumeMetadata {
  modality: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  seriesDescription: string;
  studyDescription: string;
  studyDate: string;
  /** As DICOM writes it: "Family^Given^Middle^Prefix^Suffix"; the UI formats it. */
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  /** Where the volume came from: "dicom" or "nifti". */
  sourceFormat: 'dicom' | 'nifti';
}

export interface Volume {
  geometry: VolumeGeometry;
  /** Voxels as [slice][row][column], column fastest, in HU (or the file's units, see warnings). */
  voxels: Int16Array | Float32Array;
  metadata: VolumeMetadata;
  /** Things the user should know about how the volume was assembled (gaps, tilt, units...). */
  warnings: string[];
}

export function voxelCount(geometry: VolumeGeometry): number {
  const [c, r, s] = geometry.dimensions;
  return c * r * s;
}

/** Patient position (LPS mm) of a voxel index given as fractional (column, row, slice). */
export function voxelToPatientMm(geometry: VolumeGeometry, column: number, row: number, slice: number): Vec3 {
  const { originMm: o, spacingMm: sp, direction: d } = geometry;
  const a = column * sp[0];
  const b = row * sp[1];
  const c = slice * sp[2];
  return [
    o[0] + a * d.column[0] + b * d.row[0] + c * d.slice[0],
    o[1] + a * d.column[1] + b * d.row[1] + c * d.slice[1],
    o[2] + a * d.column[2] + b * d.row[2] + c * d.slice[2],
  ];
}

/** Fractional (column, row, slice) index of a patient position (LPS mm): voxelToPatientMm inverted. */
export function patientMmToVoxel(geometry: VolumeGeometry, p: Vec3): Vec3 {
  const { originMm: o, spacingMm: sp, direction: d } = geometry;
  const m = [d.column, d.row, d.slice].map((axis, k) => axis.map((v) => v * sp[k]));
  const q = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  // Solve [m0 m1 m2] · index = q by Cramer's rule (the axes need not be orthogonal: gantry tilt).
  const det3 = (a: number[], b: number[], c: number[]) => a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  const det = det3(m[0], m[1], m[2]);
  return [det3(q, m[1], m[2]) / det, det3(m[0], q, m[2]) / det, det3(m[0], m[1], q) / det];
}

/** Minimum and maximum voxel value (of every `stride`-th voxel when sampling is enough). */
export function valueRange(voxels: ArrayLike<number>, stride = 1): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < voxels.length; i += stride) {
    const v = voxels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
