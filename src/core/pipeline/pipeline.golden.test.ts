/**
 * The pipeline's numbers against the golden vectors that training/contract/golden_pipeline.py
 * wrote from the Python that trains the networks (training/golden/pipeline.json): localizer
 * input (reorientation, anti-aliased resampling, window, padding), limits and centreline,
 * detector input, decoding with Butterfly-IoU NMS (cells in the input's padding dropped), levels
 * along the spine (levels.py), the second look's line through the bodies, and the chain between the networks through analyze() with stub
 * networks. Both languages must agree to 1e-4.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume, VolumeGeometry } from '../volume';
import { analyze } from './analyze';
import { bodyCentre, bodyCentreLine, centresOnLine } from './bodyCentreLine';
import { decodeDetector } from './decode';
import { detectorInput } from './detect';
import { assignLevels } from './levels';
import { spineCurve } from './localize';
import type { DetectorCard, LocalizerCard } from './modelCard';
import { bodyBox, cropToBody } from './bodyCrop';
import { slabOfSlice, slabStarts } from './slabs';
import { canonicalAxes, gaussianKernel, localizerInput, roundUp, type LocalizerGrid } from './resample';
import type { ModelSession, TensorData } from './runner';

const golden = JSON.parse(readFileSync(new URL('../../../training/golden/pipeline.json', import.meta.url), 'utf8'));
const localizerCard: LocalizerCard = JSON.parse(readFileSync(new URL('./testdata/spine-localizer.json', import.meta.url), 'utf8'));
const detectorCard: DetectorCard = JSON.parse(readFileSync(new URL('./testdata/vertebra-detector.json', import.meta.url), 'utf8'));
const tolerance = 1e-4;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  expect(worst, `${what} worst at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThan(tolerance);
}

/** formula_volume() of golden_pipeline.py. */
function formulaVolume(spec: { dims: [number, number, number]; scale: number; spacingMm: Vec3; originMm: Vec3; direction: VolumeGeometry['direction'] }): Volume {
  const [nc, nr, ns] = spec.dims;
  const voxels = new Int16Array(nc * nr * ns);
  for (let k = 0; k < ns; k++)
    for (let j = 0; j < nr; j++)
      for (let i = 0; i < nc; i++) voxels[(k * nr + j) * nc + i] = Math.trunc((((i * 37 + j * 11 + k * 5) % 200) - 100 + ((i * j) % 13) * 10) * spec.scale);
  return {
    geometry: { dimensions: spec.dims, spacingMm: spec.spacingMm, originMm: spec.originMm, direction: spec.direction },
    voxels,
    metadata: { studyInstanceUID: 'study', seriesInstanceUID: 'series' } as Volume['metadata'],
    warnings: [],
  };
}

function gridOf(c: { gridOriginMm: Vec3; gridStepsMm: [Vec3, Vec3, Vec3]; shapeZYX: [number, number, number] }): LocalizerGrid {
  return { originMm: c.gridOriginMm, stepsMm: c.gridStepsMm, shapeZYX: c.shapeZYX };
}

describe('pipeline golden vectors shared with training/models', () => {
  it('the test cards carry the numbers of training/models/conventions.py', () => {
    const c = golden.conventions;
    expect(localizerCard.preprocessing.spacingMm).toEqual(c.spacingMm);
    expect([localizerCard.preprocessing.window.lowHu, localizerCard.preprocessing.window.highHu]).toEqual(c.windowHu);
    expect(localizerCard.preprocessing.padMultiple).toBe(c.padMultiple);
    expect(localizerCard.postprocessing.presenceThreshold).toBe(c.presence);
    expect(localizerCard.postprocessing.smoothingSigmaSlices).toBe(c.smoothingSigma);
    expect(localizerCard.postprocessing.anchorPresence).toBe(c.anchorPresence);
    expect(localizerCard.preprocessing.bodyCrop).toEqual(c.bodyCrop);
    expect([localizerCard.inference.slabSlices, localizerCard.inference.slabStepSlices]).toEqual([c.slabSlices, c.slabStepSlices]);
    expect(detectorCard.preprocessing.padMultiple).toBe(c.detectorPadMultiple);
    expect(detectorCard.straightening.centrelineSmoothingSigmaMm).toBe(c.straighteningSmoothingSigmaMm);
    expect(detectorCard.stride).toBe(c.stride);
    expect(detectorCard.thresholds.objectness).toBe(c.objectness);
    expect(detectorCard.thresholds.nmsButterflyIoU).toBe(c.nms);
    expect(detectorCard.levelNames).toEqual(c.levelNames);
  });

  it('Gaussian kernels', () => {
    for (const { sigma, kernel } of golden.gaussianKernels) expectClose(gaussianKernel(sigma, localizerCard.preprocessing.antiAliasing.truncateSigmas), kernel, `sigma ${sigma}`);
  });

  it('reorientation: axis choice and signs, ties included', () => {
    for (const c of golden.canonicalAxes) {
      const g = { direction: c.direction } as VolumeGeometry;
      expect(canonicalAxes(g), JSON.stringify(c.direction)).toEqual({ voxelFor: c.voxelFor, signs: c.signs });
    }
  });

  for (const c of golden.localizerInputs) {
    it(`localizer input: ${c.name}`, () => {
      const { tensor, grid } = localizerInput(formulaVolume(c), localizerCard);
      expect(grid.shapeZYX).toEqual(c.shapeZYX);
      expect(tensor.dims).toEqual([1, 1, ...c.paddedShapeZYX]);
      expectClose(grid.originMm, c.gridOriginMm, 'origin');
      grid.stepsMm.forEach((step, p) => expectClose(step, c.gridStepsMm[p], `step ${p}`));
      const [Z, Y, X] = c.shapeZYX;
      const [, Yp, Xp] = c.paddedShapeZYX;
      const real = new Float32Array(Z * Y * X);
      let padding = 0;
      for (let z = 0; z < c.paddedShapeZYX[0]; z++)
        for (let y = 0; y < Yp; y++)
          for (let x = 0; x < Xp; x++) {
            const v = tensor.data[(z * Yp + y) * Xp + x];
            if (z < Z && y < Y && x < X) real[(z * Y + y) * X + x] = v;
            else padding = Math.max(padding, Math.abs(v));
          }
      expect(padding).toBe(0);
      expectClose(real, c.input, 'input');
    });
  }

  it('localizer slabs: where they start and which one gives each slice', () => {
    for (const c of golden.localizerSlabs) {
      const starts = slabStarts(c.slices, localizerCard.inference);
      expect(starts, `${c.slices} slices`).toEqual(c.starts);
      expect(Array.from(slabOfSlice(c.slices, starts, localizerCard.inference)), `${c.slices} slices`).toEqual(c.pick);
    }
  });

  for (const c of golden.bodyCrops) {
    it(`localizer input cut to the body: ${c.name}`, () => {
      const [Z, Y, X] = c.shapeZYX;
      const [Zp, Yp, Xp] = [Z, Y, X].map((n) => roundUp(n, 16));
      const data = new Float32Array(Zp * Yp * Xp);
      for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) data[(z * Yp + y) * Xp + x] = c.input[(z * Y + y) * X + x];
      const grid: LocalizerGrid = { originMm: c.originMm, stepsMm: c.stepsMm, shapeZYX: c.shapeZYX };
      const input = { tensor: { data, dims: [1, 1, Zp, Yp, Xp] }, grid };
      expect(bodyBox(data, [Zp, Yp, Xp], grid, localizerCard.preprocessing.bodyCrop, 16)).toEqual(c.box);
      const cut = cropToBody(input, localizerCard);
      expect(cut.tensor.dims).toEqual(c.croppedDims);
      expect(cut.grid.shapeZYX).toEqual(c.croppedShapeZYX);
      expectClose(cut.grid.originMm, c.croppedOriginMm, 'origin');
      // Every kept voxel is the one at the same patient position before the cut.
      const [, , , Yc, Xc] = cut.tensor.dims;
      const { y, x } = c.box;
      for (let yy = y[0]; yy < y[1]; yy += 5) for (let xx = x[0]; xx < x[1]; xx += 7) expect(cut.tensor.data[(yy - y[0]) * Xc + (xx - x[0])]).toBe(data[yy * Xp + xx]);
      expect(cut.tensor.data.length).toBe(c.croppedDims.reduce((a: number, b: number) => a * b, 1));
      // Beyond the box the cut holds padding (0), as Python's pad_to_multiple writes it.
      let outside = 0;
      for (let yy = 0; yy < Yc; yy++) for (let xx = 0; xx < Xc; xx++) if (yy >= y[1] - y[0] || xx >= x[1] - x[0]) outside = Math.max(outside, Math.abs(cut.tensor.data[yy * Xc + xx]));
      expect(outside).toBe(0);
      expect(Yc * Xc).toBeLessThanOrEqual(Yp * Xp);
      // Cut in place (the pipeline's way when no buffer is lent): the same tensor, in the input's own buffer.
      const own = data.slice();
      const inPlace = cropToBody({ tensor: { data: own, dims: [1, 1, Zp, Yp, Xp] }, grid }, localizerCard, { inPlace: true });
      expect(inPlace.tensor.dims).toEqual(cut.tensor.dims);
      expect(inPlace.grid).toEqual(cut.grid);
      expect(inPlace.tensor.data.buffer).toBe(own.buffer);
      expect(Array.from(inPlace.tensor.data)).toEqual(Array.from(cut.tensor.data));
    });
  }

  for (const c of golden.spineCurves) {
    it(`limits and centreline: ${c.kind}`, () => {
      const curve = spineCurve({ center: Float32Array.from(c.center), presence: Float32Array.from(c.presence) }, gridOf(c), localizerCard);
      if (c.curve === null) {
        expect(curve).toBeNull();
        return;
      }
      expect(curve!.slices).toEqual(c.curve.slices);
      expectClose(curve!.limitsMm, c.curve.limitsMm, 'limits');
      expect(curve!.centrelineMm.length).toBe(c.curve.centrelineMm.length);
      curve!.centrelineMm.forEach((p, i) => expectClose(p, c.curve.centrelineMm[i], `point ${i}`));
    });
  }

  it('detector input: normalised and padded', () => {
    const c = golden.detectorInput;
    const image = new Float64Array(c.rows * c.columns);
    for (let r = 0; r < c.rows; r++)
      for (let col = 0; col < c.columns; col++) image[r * c.columns + col] = 300 * Math.sin(r * 0.3) * Math.cos(col * 0.17) + 5 * r - ((r + col) % 11 === 0 ? 1024 : 0);
    const t = detectorInput(image, c.rows, c.columns, detectorCard);
    expect(t.dims).toEqual([1, 1, ...c.paddedShape]);
    const Wp = c.paddedShape[1];
    const real = Array.from({ length: c.rows * c.columns }, (_, i) => t.data[Math.floor(i / c.columns) * Wp + (i % c.columns)]);
    expectClose(real, c.input);
    expect(t.data[c.rows * Wp]).toBe(0);
  });

  for (const [n, c] of golden.decode.entries()) {
    it(`decoding and Butterfly-IoU NMS ${n + 1} (${c.levels ? 'with' : 'without'} level head)`, () => {
      const kept = decodeDetector(
        { objectness: Float32Array.from(c.objectness), keypoints: Float32Array.from(c.keypoints), level: c.level ? Float32Array.from(c.level) : null, levels: c.levels, h: c.h, w: c.w },
        detectorCard.thresholds,
        detectorCard.stride,
        { rows: c.imageRows, columns: c.imageColumns },
      );
      expect(kept.map((d) => d.cell)).toEqual(c.kept.map((d: { cell: number[] }) => d.cell));
      kept.forEach((d, i) => {
        expectClose(d.pointsPx.flat(), c.kept[i].pointsPx.flat(), `points ${i}`);
        expect(Math.abs(d.score - c.kept[i].score)).toBeLessThan(tolerance);
        expect(d.levelIndex).toBe(c.kept[i].levelIndex);
      });
    });
  }

  for (const c of golden.levels) {
    it(`levels along the spine: ${c.name}`, () => {
      const candidates = c.positionsMm.map((positionMm: number, i: number) => ({ logits: c.logits[i], positionMm }));
      expect(assignLevels(candidates, detectorCard.levelNames)).toEqual(c.levels);
    });
  }

  for (const c of golden.secondLook) {
    it(`the second look's centres and line: ${c.name}`, () => {
      const bodies = c.pointsPx.map((pointsPx: number[][], i: number) => ({ pointsPx, pointsMm: c.pointsMm[i] as Vec3[] }));
      bodies.forEach((b: { pointsMm: Vec3[] }, i: number) => expectClose(bodyCentre(b.pointsMm), c.bodyCentres[i], `body centre ${i}`));
      const centres = centresOnLine(bodies, c.centreColumn, c.stepMm, { maxOffsetMm: c.maxOffsetMm, innerOnly: c.innerOnly });
      expectClose(centres.flat(), c.centres.flat(), 'centres');
      if (c.lineMm === null) {
        expect(centres.length).toBeLessThan(2);
        expect(() => bodyCentreLine(c.firstLineMm, centres, c.blendMm)).toThrow(/two/);
      } else {
        expectClose(bodyCentreLine(c.firstLineMm, centres, c.blendMm).flat(), c.lineMm.flat(), 'line');
      }
    });
  }

  it('the chain between the networks, through analyze() with stub networks', async () => {
    const c = golden.chain;
    const feeds: Record<string, TensorData>[] = [];
    const stub = (outputs: Record<string, TensorData>): ModelSession => ({
      signature: { inputs: [], outputs: [] },
      run: async (f) => {
        feeds.push(f);
        return outputs;
      },
      release: async () => {},
    });
    const [h, w] = c.outputDims;
    const localizer = stub({ center: { data: Float32Array.from(c.center), dims: [1, c.presence.length, 2] }, presence: { data: Float32Array.from(c.presence), dims: [1, c.presence.length] } });
    const L = detectorCard.levelNames.length;
    const detector = stub({
      objectness: { data: Float32Array.from(c.objectness), dims: [1, 1, h, w] },
      keypoints: { data: Float32Array.from(c.keypoints), dims: [1, 12, h, w] },
      level: { data: Float32Array.from(c.level), dims: [1, L, h, w] },
    });
    const { result } = await analyze(formulaVolume(c), { localizer: { card: localizerCard, session: localizer }, detector: { card: detectorCard, session: detector } });

    expect(feeds.length, 'the second look runs the detector again').toBe(c.secondLook ? 3 : 2);
    expect(c.secondLookStands, 'the chain exercises the second look').toBe(true);
    expect(feeds[0].image.dims).toEqual(c.localizerInputDims);
    expectClose(result.limitsMm, c.limitsMm, 'limits');
    expect(result.centrelineMm.length).toBe(c.centrelineMm.length);
    result.centrelineMm.forEach((p, i) => expectClose(p, c.centrelineMm[i], `centreline ${i}`));
    expect([result.midSagittal.rows, result.midSagittal.columns]).toEqual([c.imageRows, c.imageColumns]);
    const detIn = feeds[1].image;
    expect(detIn.dims).toEqual(c.detectorInputDims);
    const Wp = detIn.dims[3];
    c.sampleRows.forEach((row: number, i: number) => expectClose(detIn.data.subarray(row * Wp, (row + 1) * Wp), c.detectorInputSample[i], `detector input row ${row}`));

    expect(result.vertebrae.length).toBe(c.vertebrae.length);
    result.vertebrae.forEach((v, i) => {
      const e = c.vertebrae[i];
      expectClose(v.pointsPx.flat(), e.pointsPx.flat(), `${v.id} px`);
      expectClose(v.pointsMm.flat(), e.pointsMm.flat(), `${v.id} mm`);
      expectClose([v.heightsMm.anterior, v.heightsMm.middle, v.heightsMm.posterior], [e.heightsMm.anterior, e.heightsMm.middle, e.heightsMm.posterior], `${v.id} heights`);
      expect(Math.abs(v.genantRatio - e.genantRatio)).toBeLessThan(tolerance);
      expect([v.grade, v.type]).toEqual([e.grade, e.type]);
      expect(Math.abs(v.objectness - e.score)).toBeLessThan(tolerance);
      expect(v.level).toBe(e.level);
    });
    expect(result.patient.worstGrade).toBe(Math.max(...c.vertebrae.map((v: { grade: number }) => v.grade)));
  });
});
