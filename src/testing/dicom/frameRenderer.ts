/**
 * Turns the phantom into pixel values for one image: sample the phantom at every pixel
 * centre's patient position (point sampling, no partial volume), then map HU to the stored
 * values the file holds through the inverse of the Modality LUT:
 *     HU = stored * RescaleSlope + RescaleIntercept   =>   stored = (HU - intercept) / slope.
 * The mapping must be exact (an integer that fits BitsStored), so a reader that applies the
 * rescale gets the phantom's HU back with no rounding; a choice that cannot be exact throws.
 *
 * Pixel padding: a scanner reconstructs a circular field of view and fills the corners outside
 * it with Pixel Padding Value, a stored value that is not a measurement.
 */
import type { Vec3 } from '../../core/volume';
import { sampleHU } from './phantom';

export interface PixelEncoding {
  /** 0: unsigned, 1: two's complement. */
  pixelRepresentation: 0 | 1;
  bitsStored: number;
  rescaleSlope: number;
  rescaleIntercept: number;
}

export interface FramePlane {
  columns: number;
  rows: number;
  /** ImagePositionPatient: centre of the first pixel (column 0, row 0). */
  imagePositionMm: Vec3;
  rowCosine: Vec3;
  columnCosine: Vec3;
  /** [row spacing, column spacing] */
  pixelSpacingMm: [number, number];
}

export interface RenderOptions {
  /** Change applied to every HU the phantom gives (e.g. the "contrast" of a second acquisition). */
  transformHU?: (hu: number) => number;
  /** Stored value for pixels outside the circular field of view; none when undefined. */
  pixelPaddingValue?: number;
}

export interface RenderedFrame {
  /** Stored values, ready to be written (Int16Array when signed). */
  stored: Int16Array | Uint16Array;
  /** Min and max HU over the non-padding pixels. */
  huRange: [number, number];
  paddedPixels: number;
}

export function storedRange(enc: PixelEncoding): [number, number] {
  return enc.pixelRepresentation === 1
    ? [-(2 ** (enc.bitsStored - 1)), 2 ** (enc.bitsStored - 1) - 1]
    : [0, 2 ** enc.bitsStored - 1];
}

/** Stored value for an HU value; throws when the rescale cannot represent it exactly. */
export function huToStored(hu: number, enc: PixelEncoding): number {
  const stored = (hu - enc.rescaleIntercept) / enc.rescaleSlope;
  const [lo, hi] = storedRange(enc);
  if (!Number.isInteger(stored) || stored < lo || stored > hi) {
    throw new Error(
      `HU ${hu} is not exactly representable with slope ${enc.rescaleSlope}, intercept ${enc.rescaleIntercept}, ` +
        `${enc.bitsStored} bits ${enc.pixelRepresentation ? 'signed' : 'unsigned'} (stored would be ${stored})`,
    );
  }
  return stored;
}

/** Radius of the reconstructed circular field of view: the largest circle inside the image. */
export function fovRadiusMm(plane: Pick<FramePlane, 'columns' | 'rows' | 'pixelSpacingMm'>): number {
  return Math.min(plane.columns * plane.pixelSpacingMm[1], plane.rows * plane.pixelSpacingMm[0]) / 2;
}

/** True when pixel (column, row) lies outside the circular FOV centred on the image. */
export function isOutsideFov(plane: Pick<FramePlane, 'columns' | 'rows' | 'pixelSpacingMm'>, column: number, row: number): boolean {
  const dx = (column - (plane.columns - 1) / 2) * plane.pixelSpacingMm[1];
  const dy = (row - (plane.rows - 1) / 2) * plane.pixelSpacingMm[0];
  return dx * dx + dy * dy > fovRadiusMm(plane) ** 2;
}

export function renderFrame(plane: FramePlane, enc: PixelEncoding, options: RenderOptions = {}): RenderedFrame {
  const { columns, rows, imagePositionMm: p0, rowCosine: u, columnCosine: v, pixelSpacingMm } = plane;
  const stored = enc.pixelRepresentation === 1 ? new Int16Array(columns * rows) : new Uint16Array(columns * rows);
  const padding = options.pixelPaddingValue;
  if (padding !== undefined) {
    const [lo, hi] = storedRange({ ...enc, bitsStored: 16 });
    if (!Number.isInteger(padding) || padding < lo || padding > hi) throw new Error(`bad pixel padding value ${padding}`);
  }
  const transform = options.transformHU;
  // The phantom holds a handful of HU values: cache their stored values.
  const storedOf = new Map<number, number>();
  let minHU = Infinity;
  let maxHU = -Infinity;
  let paddedPixels = 0;
  const du = pixelSpacingMm[1];
  const dv = pixelSpacingMm[0];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      if (padding !== undefined && isOutsideFov(plane, c, r)) {
        stored[i] = padding;
        paddedPixels++;
        continue;
      }
      const a = c * du;
      const b = r * dv;
      let hu = sampleHU(p0[0] + a * u[0] + b * v[0], p0[1] + a * u[1] + b * v[1], p0[2] + a * u[2] + b * v[2]);
      if (transform) hu = transform(hu);
      let s = storedOf.get(hu);
      if (s === undefined) {
        s = huToStored(hu, enc);
        storedOf.set(hu, s);
      }
      stored[i] = s;
      if (hu < minHU) minHU = hu;
      if (hu > maxHU) maxHU = hu;
    }
  }
  return { stored, huRange: [minHU, maxHU], paddedPixels };
}
