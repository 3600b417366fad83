/**
 * The pipeline on real onnxruntime-node with the tiny untrained models of
 * src/core/pipeline/testdata (training/contract/tiny_models.py): the runtime gives torch's
 * outputs, shapes flow end to end on a small synthetic volume, and the card checks fail clearly.
 * Plumbing and numerics only: untrained networks say nothing about accuracy.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStraightening, patientToPixel } from '../core/geometry/straighten';
import { analyze, STAGES } from '../core/pipeline/analyze';
import { ModelCheckError } from '../core/pipeline/modelCard';
import { loadPipelineModels, ModelsMissingError, releasePipelineModels, type ModelFileReader } from '../core/pipeline/models';
import { spineVolume } from '../core/pipeline/testdata/spineVolume';
import { folderReader } from './modelFiles';
import { ortNodeRunner } from './ortNodeRunner';

const testdata = new URL('../core/pipeline/testdata/', import.meta.url).pathname;
const reference = JSON.parse(readFileSync(`${testdata}reference.json`, 'utf8'));
const runner = ortNodeRunner();

/** reference_input() of tiny_models.py. */
function referenceInput(dims: number[]): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37) * Math.cos(i * 0.011));
}

function worstDifference(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** A reader over the test models with one file changed. */
function patched(name: string, change: (bytes: Uint8Array) => Uint8Array): ModelFileReader {
  const read = folderReader(testdata);
  return async (file) => {
    const bytes = await read(file);
    return file === name && bytes ? change(bytes) : bytes;
  };
}

describe('pipeline on onnxruntime-node with the tiny test models', () => {
  it('onnxruntime-node gives the outputs torch gave (1e-4)', async () => {
    const models = await loadPipelineModels(runner, folderReader(testdata), testdata);
    try {
      const loc = reference.localizer;
      const l = await models.localizer.session.run({ image: { data: referenceInput(loc.inputDims), dims: loc.inputDims } });
      expect(l.center.dims).toEqual(loc.centerDims);
      expect(l.presence.dims).toEqual(loc.presenceDims);
      expect(worstDifference(l.center.data, loc.center)).toBeLessThan(1e-4);
      expect(worstDifference(l.presence.data, loc.presence)).toBeLessThan(1e-4);
      const det = reference.detector;
      const d = await models.detector.session.run({ image: { data: referenceInput(det.inputDims), dims: det.inputDims } });
      for (const name of ['objectness', 'keypoints', 'level']) {
        expect(d[name].dims).toEqual(det[`${name}Dims`]);
        expect(worstDifference(d[name].data, det[name])).toBeLessThan(1e-4);
      }
    } finally {
      await releasePipelineModels(models);
    }
  });

  it('a synthetic volume goes through end to end: shapes, mm, levels, the same for any slice order', async () => {
    const models = await loadPipelineModels(runner, folderReader(testdata), testdata);
    try {
      const volume = spineVolume();
      const { result, timings } = await analyze(volume, models);
      expect(timings.map((t) => t.stage)).toEqual(STAGES.map((s) => s.name));
      const zs = [volume.geometry.originMm[2], volume.geometry.originMm[2] + 47 * 2.5];
      expect(result.limitsMm[0]).toBeLessThanOrEqual(zs[1] + 1e-6);
      expect(result.limitsMm[1]).toBeGreaterThanOrEqual(zs[0] - 1e-6);
      expect(result.centrelineMm.length).toBeGreaterThanOrEqual(2);
      expect(result.vertebrae.length).toBeGreaterThan(0);
      const s = buildStraightening(result.centrelineMm, { stepMm: 1, halfWidthMm: 64 });
      const labelled: number[] = [];
      for (const v of result.vertebrae) {
        expect(v.pointsMm).toHaveLength(6);
        expect(v.objectness).toBeGreaterThanOrEqual(models.detector.card.thresholds.objectness);
        expect(v.genantRatio).toBeGreaterThanOrEqual(0);
        expect(v.genantRatio).toBeLessThanOrEqual(1);
        // Points inside the image map back to the pixels they came from (< 0.1 mm).
        v.pointsPx.forEach(([c, r], k) => {
          if (r < 0 || r > s.curveMm.length - 1) return;
          const back = patientToPixel(s, v.pointsMm[k]);
          expect(Math.hypot(back.column - c, back.row - r)).toBeLessThan(0.1);
        });
        if (v.level) labelled.push(models.detector.card.levelNames.indexOf(v.level));
      }
      for (let i = 1; i < labelled.length; i++) expect(labelled[i]).toBeGreaterThan(labelled[i - 1]);
      const flipped = await analyze(spineVolume({ flipSlices: true }), models);
      expect(flipped.result.vertebrae.length).toBe(result.vertebrae.length);
      flipped.result.centrelineMm.forEach((p, i) => p.forEach((x, a) => expect(x).toBeCloseTo(result.centrelineMm[i][a], 3)));
    } finally {
      await releasePipelineModels(models);
    }
  });

  it('a model file that is not the one its card describes: sha256 error before loading', async () => {
    const error = await loadPipelineModels(runner, patched('vertebra-detector.onnx', (b) => b.map((x, i) => (i === 100 ? x ^ 1 : x))), testdata).catch((e) => e);
    expect(error).toBeInstanceOf(ModelCheckError);
    expect(error.message).toMatch(/^model vertebra-detector\.onnx does not match its card: sha256 [0-9a-f]{64}, expected 4237a35e[0-9a-f]{56}; rebuild with npm run train:detector or restore public\/models$/);
  });

  it("a card whose shapes are not the graph's: names the tensor and both shapes", async () => {
    const edit = (b: Uint8Array) => {
      const card = JSON.parse(new TextDecoder().decode(b));
      card.outputs[1].shape = [1, 'Z', 1];
      return new TextEncoder().encode(JSON.stringify(card));
    };
    await expect(loadPipelineModels(runner, patched('spine-localizer.json', edit), testdata)).rejects.toThrow(
      'model spine-localizer.onnx does not match its card: output presence shape [1, Z], expected [1, Z, 1]; rebuild with npm run train:localizer or restore public/models',
    );
  });

  it('missing models: one message naming the files and the commands', async () => {
    const error = await loadPipelineModels(runner, async () => null, 'public/models').catch((e) => e);
    expect(error).toBeInstanceOf(ModelsMissingError);
    expect(error.message).toBe(
      'no trained models in public/models (missing spine-localizer.json, spine-localizer.onnx, vertebra-detector.json, vertebra-detector.onnx): run npm run train:localizer and npm run train:detector',
    );
  });
});
