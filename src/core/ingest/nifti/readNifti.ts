/**
 * NIfTI-1 and NIfTI-2 (.nii, and .nii.gz after gunzip) to a `Volume`. NIfTI's world space is
 * RAS; ours is LPS, so the first two world axes change sign. Voxel order (i fastest, then j,
 * then k) already matches [slice][row][column].
 */
import type { Vec3, Volume, VolumeGeometry } from '../../volume';

export function looksLikeNifti(bytes: Uint8Array): boolean {
  if (bytes.length < 348) return false;
  const magicAt = (offset: number) => String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2]);
  return ((magicAt(344) === 'n+1' || magicAt(344) === 'ni1') && headerSize(bytes) === 348) || (magicAt(4) === 'n+2' && headerSize(bytes) === 540);
}

function headerSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const le = view.getInt32(0, true);
  return le === 348 || le === 540 ? le : view.getInt32(0, false);
}

interface NiftiHeader {
  dims: [number, number, number];
  pixdim: Vec3;
  datatype: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  /** 3×4 voxel-to-RAS affine, rows x, y, z. */
  affine: number[][];
  littleEndian: boolean;
  extraDims: number;
}

const datatypeNames: Record<number, string> = { 2: 'uint8', 4: 'int16', 8: 'int32', 16: 'float32', 64: 'float64', 256: 'int8', 512: 'uint16', 768: 'uint32' };
const bytesPerVoxel: Record<number, number> = { 2: 1, 256: 1, 4: 2, 512: 2, 8: 4, 768: 4, 16: 4, 64: 8 };

function readHeader(bytes: Uint8Array): NiftiHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isV2 = headerSize(bytes) === 540;
  const littleEndian = view.getInt32(0, true) === (isV2 ? 540 : 348);
  const i16 = (o: number) => view.getInt16(o, littleEndian);
  const i64 = (o: number) => Number(view.getBigInt64(o, littleEndian));
  const f32 = (o: number) => view.getFloat32(o, littleEndian);
  const f64 = (o: number) => view.getFloat64(o, littleEndian);
  // Offsets of NIfTI-1 (float32, int16) and NIfTI-2 (float64, int64) headers.
  const L = isV2
    ? { dim: 16, dimSize: 8, datatype: 12, pixdim: 104, pixSize: 8, voxOffset: 168, sclSlope: 176, sclInter: 184, qformCode: 344, sformCode: 348, quatern: 352, srow: 400, num: f64, int: i64 }
    : { dim: 40, dimSize: 2, datatype: 70, pixdim: 76, pixSize: 4, voxOffset: 108, sclSlope: 112, sclInter: 116, qformCode: 252, sformCode: 254, quatern: 256, srow: 280, num: f32, int: i16 };
  const dimAt = (i: number) => (isV2 ? i64(L.dim + i * 8) : i16(L.dim + i * 2));
  const pixAt = (i: number) => L.num(L.pixdim + i * L.pixSize);
  const rank = dimAt(0);
  const dims: [number, number, number] = [dimAt(1), Math.max(1, dimAt(2)), Math.max(1, dimAt(3))];
  let extraDims = 1;
  for (let d = 4; d <= Math.min(rank, 7); d++) extraDims *= Math.max(1, dimAt(d));
  const pixdim: Vec3 = [Math.abs(pixAt(1)) || 1, Math.abs(pixAt(2)) || 1, Math.abs(pixAt(3)) || 1];
  const qfac = pixAt(0) < 0 ? -1 : 1;
  const sformCode = isV2 ? view.getInt32(L.sformCode, littleEndian) : i16(L.sformCode);
  const qformCode = isV2 ? view.getInt32(L.qformCode, littleEndian) : i16(L.qformCode);
  let affine: number[][];
  if (sformCode > 0) {
    affine = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => L.num(L.srow + (r * 4 + c) * L.pixSize)));
  } else if (qformCode > 0) {
    const q = [0, 1, 2, 3, 4, 5].map((i) => L.num(L.quatern + i * L.pixSize));
    affine = quaternionAffine(q[0], q[1], q[2], [q[3], q[4], q[5]], pixdim, qfac);
  } else {
    affine = [
      [pixdim[0], 0, 0, 0],
      [0, pixdim[1], 0, 0],
      [0, 0, pixdim[2], 0],
    ];
  }
  const slope = L.num(L.sclSlope);
  return {
    dims,
    pixdim,
    datatype: isV2 ? i16(L.datatype) : i16(L.datatype),
    voxOffset: L.num(L.voxOffset) || (isV2 ? 544 : 352),
    sclSlope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    sclInter: Number.isFinite(L.num(L.sclInter)) ? L.num(L.sclInter) : 0,
    affine,
    littleEndian,
    extraDims,
  };
}

function quaternionAffine(b: number, c: number, d: number, offset: Vec3, pixdim: Vec3, qfac: number): number[][] {
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const scale = [pixdim[0], pixdim[1], pixdim[2] * qfac];
  return [0, 1, 2].map((r) => [R[r][0] * scale[0], R[r][1] * scale[1], R[r][2] * scale[2], offset[r]]);
}

function readVoxels(bytes: Uint8Array, h: NiftiHeader, count: number): Float32Array | Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.voxOffset);
  const le = h.littleEndian;
  const integerScale = Number.isInteger(h.sclSlope) && Number.isInteger(h.sclInter);
  const fitsInt16 = (h.datatype === 2 || h.datatype === 4 || h.datatype === 256) && integerScale && Math.abs(h.sclSlope) === 1;
  const out = fitsInt16 ? new Int16Array(count) : new Float32Array(count);
  const read: Record<number, [number, (o: number) => number]> = {
    2: [1, (o) => view.getUint8(o)],
    256: [1, (o) => view.getInt8(o)],
    4: [2, (o) => view.getInt16(o, le)],
    512: [2, (o) => view.getUint16(o, le)],
    8: [4, (o) => view.getInt32(o, le)],
    768: [4, (o) => view.getUint32(o, le)],
    16: [4, (o) => view.getFloat32(o, le)],
    64: [8, (o) => view.getFloat64(o, le)],
  };
  const [size, get] = read[h.datatype];
  if (h.voxOffset + count * size > bytes.length) {
    throw new Error(`the file holds ${bytes.length - h.voxOffset} bytes of voxels, ${count * size} expected (truncated?)`);
  }
  for (let i = 0; i < count; i++) out[i] = get(i * size) * h.sclSlope + h.sclInter;
  return out instanceof Float32Array && holdsInt16(out) ? Int16Array.from(out) : out;
}

/** Float files of whole HU values (common after conversion tools) take half the memory as int16. */
function holdsInt16(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== Math.round(v) || v < -32768 || v > 32767) return false;
  }
  return true;
}

export interface NiftiSummary {
  dimensions: [number, number, number];
  spacingMm: Vec3;
  warnings: string[];
}

/** Reads the header only, to list the file as a series before its voxels are converted. */
export function summarizeNifti(bytes: Uint8Array): NiftiSummary {
  const h = readHeader(bytes);
  if (!(h.datatype in datatypeNames)) throw new Error(`NIfTI datatype ${h.datatype} is not supported (use int16, uint8 or float32)`);
  const needed = h.voxOffset + h.dims[0] * h.dims[1] * h.dims[2] * bytesPerVoxel[h.datatype];
  if (bytes.length < needed) {
    throw new Error(`the file is cut short: it holds ${bytes.length} of ${needed} bytes (copy or download it again)`);
  }
  return { dimensions: h.dims, spacingMm: geometryOf(h).spacingMm, warnings: h.extraDims > 1 ? [`the file has ${h.extraDims} volumes (4D); only the first is shown`] : [] };
}

function geometryOf(h: NiftiHeader): VolumeGeometry {
  // RAS → LPS: negate the x and y rows of the affine.
  const lps = h.affine.map((row, r) => (r < 2 ? row.map((v) => -v) : row.slice()));
  const axis = (c: number): Vec3 => [lps[0][c], lps[1][c], lps[2][c]];
  const spacing = [0, 1, 2].map((c) => Math.hypot(...axis(c)) || 1) as Vec3;
  const unit = (c: number): Vec3 => axis(c).map((v) => v / spacing[c]) as Vec3;
  return {
    dimensions: h.dims,
    spacingMm: spacing,
    originMm: [lps[0][3], lps[1][3], lps[2][3]],
    direction: { column: unit(0), row: unit(1), slice: unit(2) },
  };
}

export function readNifti(bytes: Uint8Array, name: string): Volume {
  const h = readHeader(bytes);
  const geometry = geometryOf(h);
  const [c, r, s] = h.dims;
  const voxels = readVoxels(bytes, h, c * r * s);
  const warnings = summarizeNifti(bytes).warnings;
  const d = geometry.direction;
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  if (Math.max(Math.abs(dot(d.column, d.row)), Math.abs(dot(d.column, d.slice)), Math.abs(dot(d.row, d.slice))) > 1e-3) {
    warnings.push('the voxel axes are not perpendicular (sheared affine): distances may be off by the shear');
  }
  return {
    geometry,
    voxels,
    metadata: {
      modality: 'CT',
      studyInstanceUID: '',
      seriesInstanceUID: `nifti:${name}`,
      seriesDescription: name,
      studyDescription: '',
      studyDate: '',
      patientName: '',
      patientId: '',
      patientBirthDate: '',
      patientSex: '',
      sourceFormat: 'nifti',
    },
    warnings,
  };
}
