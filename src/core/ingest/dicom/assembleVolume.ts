/**
 * Decodes a planned stack into one voxel buffer in HU: rescale, padding to air, tilt shear
 * undone, missing or uneven slices interpolated. Slices are decoded one at a time so the peak
 * memory is the output plus a couple of slices.
 */
import { decodeFrame, type StoredSamples } from '../codecs/decodeFrame';
import type { IngestOptions } from '../types';
import type { DicomImage } from './dicomImage';
import type { StackGeometry } from './stackGeometry';

/** How many frames are read ahead of the one being written. */
const framesAhead = 8;

/** HU written where the scanner recorded no data (padding) or a shear moved in nothing. */
export const airHU = -1024;

export function usesIntegerHU(images: DicomImage[]): boolean {
  return images.every((i) => Number.isInteger(i.rescaleSlope) && Number.isInteger(i.rescaleIntercept));
}

export async function assembleVolume(stack: StackGeometry, options: IngestOptions = {}): Promise<Int16Array | Float32Array> {
  const [columns, rows, slices] = stack.geometry.dimensions;
  const sliceSize = columns * rows;
  const kind = usesIntegerHU(stack.images) ? 'int16' : 'float32';
  const voxels = options.allocateVoxels
    ? options.allocateVoxels(kind, sliceSize * slices)
    : kind === 'int16'
      ? new Int16Array(sliceSize * slices)
      : new Float32Array(sliceSize * slices);
  const total = stack.images.length;
  let decoded = 0;
  const cache = new Map<number, Float32Array>();

  const huSlice = async (index: number): Promise<Float32Array> => {
    let slice = cache.get(index);
    if (!slice) {
      options.signal?.throwIfAborted();
      const image = stack.images[index];
      slice = toHU(image, await decodeImage(image));
      if (stack.shearPx) slice = shift(slice, columns, rows, stack.shearPx[index]);
      cache.set(index, slice);
      for (const key of cache.keys()) if (key < index - 1) cache.delete(key);
      options.onProgress?.({ stage: 'decoding', done: ++decoded, total });
    }
    return slice;
  };

  if (!stack.plan && !stack.shearPx) {
    // The common case: slice k is image k, so stored values go straight into the output. A
    // few frames are read ahead (browser reads are asynchronous), each into its own scratch
    // memory from a small ring that is reused once its frame is written.
    const ring = Array.from({ length: Math.min(framesAhead, slices) }, () => new Uint8Array(sliceSize * 2));
    const pending: Promise<StoredSamples>[] = [];
    const start = (k: number) => {
      if (k >= slices) return;
      pending[k] = decodeImage(stack.images[k], ring[k % ring.length]);
      // Read-ahead frames may fail after an earlier one already has: that first error is the one reported.
      pending[k].catch(() => undefined);
    };
    for (let k = 0; k < ring.length; k++) start(k);
    for (let k = 0; k < slices; k++) {
      options.signal?.throwIfAborted();
      writeHU(stack.images[k], await pending[k], voxels.subarray(k * sliceSize, (k + 1) * sliceSize));
      delete pending[k];
      start(k + ring.length);
      options.onProgress?.({ stage: 'decoding', done: k + 1, total });
    }
    return voxels;
  }

  for (let k = 0; k < slices; k++) {
    const out = voxels.subarray(k * sliceSize, (k + 1) * sliceSize);
    const step = stack.plan?.[k];
    if (!step || step.upperWeight === 0) {
      out.set(await huSlice(step ? step.lower : k));
    } else {
      const a = await huSlice(step.lower);
      const b = await huSlice(step.upper);
      const w = step.upperWeight;
      for (let i = 0; i < sliceSize; i++) out[i] = a[i] + (b[i] - a[i]) * w;
    }
  }
  return voxels;
}

async function decodeImage(image: DicomImage, scratch?: Uint8Array): Promise<StoredSamples> {
  try {
    return await decodeFrame(image, scratch);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`${image.path}${image.frameIndex ? ` (frame ${image.frameIndex + 1})` : ''}: pixel data could not be decoded (${why})`);
  }
}

function toHU(image: DicomImage, stored: StoredSamples): Float32Array {
  return writeHU(image, stored, new Float32Array(stored.length));
}

function writeHU<T extends Float32Array | Int16Array>(image: DicomImage, stored: StoredSamples, out: T): T {
  const { rescaleSlope: slope, rescaleIntercept: intercept } = image;
  const { paddingValue, paddingRangeLimit } = image.pixelFormat;
  if (paddingValue === null && slope === 1) {
    if (out instanceof Int16Array) addIntoInt16(stored, out, intercept);
    else addIntoFloat32(stored, out as Float32Array, intercept);
    return out;
  }
  const padLo = paddingValue === null ? Infinity : paddingRangeLimit === null ? paddingValue : Math.min(paddingValue, paddingRangeLimit);
  const padHi = paddingValue === null ? -Infinity : paddingRangeLimit === null ? paddingValue : Math.max(paddingValue, paddingRangeLimit);
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i];
    out[i] = v >= padLo && v <= padHi ? airHU : v * slope + intercept;
  }
  return out;
}

/**
 * The hot path of a plain CT series (slope 1, no padding): one loop per output type keeps
 * V8's element access monomorphic, and signed pixels without intercept are a plain copy.
 */
function addIntoInt16(stored: StoredSamples, out: Int16Array, intercept: number): void {
  if (intercept === 0 && stored instanceof Int16Array) {
    out.set(stored);
    return;
  }
  if (stored instanceof Uint16Array) {
    for (let i = 0; i < out.length; i++) out[i] = stored[i] + intercept;
  } else if (stored instanceof Int16Array) {
    for (let i = 0; i < out.length; i++) out[i] = stored[i] + intercept;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = stored[i] + intercept;
  }
}

function addIntoFloat32(stored: StoredSamples, out: Float32Array, intercept: number): void {
  for (let i = 0; i < out.length; i++) out[i] = stored[i] + intercept;
}

/** Bilinear resampling that moves a slice by (dc, dr) pixels back onto the square grid; outside is air. */
function shift(slice: Float32Array, columns: number, rows: number, [dc, dr]: [number, number]): Float32Array {
  const out = new Float32Array(slice.length);
  for (let r = 0; r < rows; r++) {
    const y = r - dr;
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let c = 0; c < columns; c++) {
      const x = c - dc;
      const x0 = Math.floor(x);
      const fx = x - x0;
      const at = (xx: number, yy: number) => (xx >= 0 && yy >= 0 && xx < columns && yy < rows ? slice[yy * columns + xx] : airHU);
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[r * columns + c] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
