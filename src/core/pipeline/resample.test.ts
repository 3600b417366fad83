/**
 * The localizer input by hand (the golden test covers the general case against Python): grid
 * sizes and positions, the anti-aliasing weights, the window, that storage order does not
 * change the input (a flipped or permuted stack gives the same tensor), the grid size limit, and
 * buffers lent from one input to the next.
 */
import { describe, expect, it } from 'vitest';
import type { Volume } from '../volume';
import type { LocalizerCard } from './modelCard';
import { PipelineError } from './pipelineError';
import {
  axisWeights,
  checkLocalizerGridSize,
  gaussianKernel,
  gridToPatientMm,
  localizerGridSize,
  localizerInput,
  MAX_LOCALIZER_GRID_VOXELS,
  reorient,
  type ResampleBuffers,
} from './resample';
import { spineVolume } from './testdata/spineVolume';

const card = {
  preprocessing: { spacingMm: [2, 2, 4], antiAliasing: { sigmaPerShrink: 0.5, truncateSigmas: 3 }, window: { lowHu: -1000, highHu: 2000 }, padMultiple: 16, padValue: 0 },
} as unknown as LocalizerCard;

describe('localizer input', () => {
  it('kernel: normalised, radius ceil(3σ) and at least 1', () => {
    expect(gaussianKernel(0.75, 3).length).toBe(7);
    expect(gaussianKernel(0.1, 3).length).toBe(3);
    expect(gaussianKernel(1.5, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('axis weights: identity at f = 1, linear when growing, blurred when shrinking; each sums to 1', () => {
    const same = axisWeights(5, 1, 0.5, 3);
    expect(same.count).toBe(5);
    expect([...same.indices[3]]).toEqual([3]);
    const grow = axisWeights(3, 0.5, 0.5, 3); // samples at 0, 0.5, 1, 1.5, 2
    expect(grow.count).toBe(5);
    expect([...grow.indices[1]]).toEqual([0, 1]);
    expect([...grow.weights[1]]).toEqual([0.5, 0.5]);
    const shrink = axisWeights(40, 4, 0.5, 3); // sigma 1.5, radius 5: 12 taps around 4k
    expect(shrink.count).toBe(10);
    expect(shrink.indices[5].length).toBe(12);
    for (const w of shrink.weights) expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Math.min(...shrink.indices[0])).toBe(0); // edges repeat, never index outside
    expect(Math.max(...shrink.indices[9])).toBe(39);
  });

  it('grid: sizes, padding, and where grid voxels lie in patient mm', () => {
    const volume = spineVolume(); // 64 × 64 × 48 at 2 × 2 × 2.5 mm
    const { tensor, grid } = localizerInput(volume, card);
    expect(grid.shapeZYX).toEqual([Math.floor(47 / 1.6 + 1e-9) + 1, 64, 64]);
    expect(tensor.dims).toEqual([1, 1, 32, 64, 64]);
    expect(gridToPatientMm(grid, 0, 0, 0)).toEqual(volume.geometry.originMm);
    expect(gridToPatientMm(grid, 1, 2, 3)).toEqual([volume.geometry.originMm[0] + 2, volume.geometry.originMm[1] + 4, volume.geometry.originMm[2] + 12]);
    // Values: in [0, 1], air is 0, the 20 HU cylinder (1020 / 3000) away from edges, padding 0.
    const at = (z: number, y: number, x: number) => tensor.data[(z * 64 + y) * 64 + x];
    expect(at(10, 0, 0)).toBeCloseTo(0, 6);
    expect(at(10, 32, 10)).toBeCloseTo(1020 / 3000, 5);
    expect(at(31, 32, 32)).toBe(0);
  });

  it('the stored order of the slices does not change the input', () => {
    const a = localizerInput(spineVolume(), card);
    const b = localizerInput(spineVolume({ flipSlices: true }), card);
    expect(b.grid.originMm[2]).toBeCloseTo(a.grid.originMm[2], 9);
    expect(b.grid.stepsMm.flat().map((v) => v + 0)).toEqual(a.grid.stepsMm.flat().map((v) => v + 0)); // −0 is 0
    let worst = 0;
    for (let i = 0; i < a.tensor.data.length; i++) worst = Math.max(worst, Math.abs(a.tensor.data[i] - b.tensor.data[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('a sagittal stack is permuted, not copied: the view addresses the same voxels', () => {
    const voxels = Int16Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const volume = {
      geometry: { dimensions: [2, 3, 4], spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: { column: [0, 1, 0], row: [0, 0, -1], slice: [1, 0, 0] } },
      voxels,
    } as unknown as Volume;
    const view = reorient(volume);
    expect(view.sizes).toEqual([3, 2, 4]); // z from rows (flipped), y from columns, x from slices
    expect(view.voxels).toBe(voxels);
    const element = (z: number, y: number, x: number) => view.voxels[view.offset + z * view.strides[0] + y * view.strides[1] + x * view.strides[2]];
    // View (z, y, x) is column y, row 2 − z (flipped), slice x.
    expect(element(0, 1, 3)).toBe(voxels[(3 * 3 + 2) * 2 + 1]);
    expect(view.originMm).toEqual([0, 0, -2]);
  });

  it('the grid size from the geometry alone is the one localizerInput makes', () => {
    for (const volume of [spineVolume(), spineVolume({ flipSlices: true }), spineVolume({ dimensions: [50, 37, 61], spacingMm: [0.7, 2, 1.25] })]) {
      const size = localizerGridSize(volume, card);
      const { tensor, grid } = localizerInput(volume, card);
      expect(size.shapeZYX).toEqual(grid.shapeZYX);
      expect([1, 1, ...size.paddedZYX]).toEqual(tensor.dims);
      expect(size.voxels).toBe(tensor.data.length);
    }
  });

  it('lent buffers: the next input reuses them and equals a fresh one, padding included', () => {
    const fresh = localizerInput(spineVolume(), card);
    const buffers: ResampleBuffers = {};
    const first = localizerInput(spineVolume({ flipSlices: true }), card, { buffers });
    expect(buffers.tensor).toBe(first.tensor.data);
    const { plane, rows } = buffers;
    expect(plane).toBeInstanceOf(Float64Array);
    expect(rows).toBeInstanceOf(Float64Array);
    // Whatever the lent tensor and planes hold (here: not even the last input) is overwritten.
    first.tensor.data.fill(7);
    plane!.fill(-3);
    rows!.fill(5);
    const second = localizerInput(spineVolume(), card, { buffers });
    expect(second.tensor.data).toBe(first.tensor.data);
    expect(buffers.plane).toBe(plane);
    expect(buffers.rows).toBe(rows);
    expect(second.tensor.dims).toEqual(fresh.tensor.dims);
    expect(second.grid).toEqual(fresh.grid);
    expect(Array.from(second.tensor.data)).toEqual(Array.from(fresh.tensor.data));

    // Another grid size: new buffers, left for the next call; the old tensor is not touched.
    const before = Array.from(second.tensor.data);
    const other = localizerInput(spineVolume({ dimensions: [50, 37, 61], spacingMm: [0.7, 2, 1.25] }), card, { buffers });
    expect(other.tensor.data).not.toBe(second.tensor.data);
    expect(buffers.tensor).toBe(other.tensor.data);
    expect(buffers.plane).not.toBe(plane);
    expect(Array.from(second.tensor.data)).toEqual(before);
    expect(Array.from(other.tensor.data)).toEqual(Array.from(localizerInput(spineVolume({ dimensions: [50, 37, 61], spacingMm: [0.7, 2, 1.25] }), card).tensor.data));
  });

  it('a lent tensor is refilled with a non-zero pad value', () => {
    const padded = { preprocessing: { ...card.preprocessing, padValue: -0.5 } } as unknown as LocalizerCard;
    const buffers: ResampleBuffers = {};
    localizerInput(spineVolume(), padded, { buffers }).tensor.data.fill(9);
    const again = localizerInput(spineVolume(), padded, { buffers });
    expect(Array.from(again.tensor.data)).toEqual(Array.from(localizerInput(spineVolume(), padded).tensor.data));
    expect(again.tensor.data[again.tensor.data.length - 1]).toBe(-0.5);
  });

  /** A CT's geometry without its voxels: the size check must not read or allocate any. */
  function geometryOnly(dimensions: [number, number, number], spacingMm: [number, number, number]): Volume {
    const volume = spineVolume({ dimensions: [2, 2, 2] });
    return { ...volume, geometry: { ...volume.geometry, dimensions, spacingMm } };
  }

  it('a whole spine (0.8 m at a 500 mm field of view) fits the grid limit', () => {
    const size = checkLocalizerGridSize(geometryOnly([512, 512, 640], [0.977, 0.977, 1.25]), card);
    expect(size.paddedZYX).toEqual([208, 256, 256]);
    expect(size.voxels).toBeLessThanOrEqual(MAX_LOCALIZER_GRID_VOXELS);
    // Exactly at the limit still runs (256 slices of 4 mm padded, 512 × 512 mm).
    expect(checkLocalizerGridSize(geometryOnly([512, 512, 1021], [1, 1, 1]), card).voxels).toBe(MAX_LOCALIZER_GRID_VOXELS);
  });

  it('a 2 m whole-body CT is refused before anything is allocated, saying why and what to do', () => {
    const volume = geometryOnly([512, 512, 1600], [0.977, 0.977, 1.25]);
    const error = (() => {
      try {
        localizerInput(volume, card);
      } catch (e) {
        return e;
      }
    })() as PipelineError;
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe('too-large');
    expect(error.message).toBe(
      'series too large for the spine localizer: it spans 2000 × 500 × 500 mm (z × y × x), a grid of 512 × 256 × 256 = 33,554,432 voxels at 2 × 2 × 4 mm, ' +
        'over the limit of 16,777,216 (about 1 m × 512 mm × 512 mm); crop the series to the spine or load a shorter one',
    );
    // One 16-slice block over the limit is refused too.
    expect(() => checkLocalizerGridSize(geometryOnly([512, 512, 1025], [1, 1, 1]), card)).toThrow(PipelineError);
  });
});
