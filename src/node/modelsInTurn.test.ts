/**
 * loadPipelineModelsInTurn (src/core/pipeline/modelsInTurn.ts) with the tiny test models on real
 * onnxruntime-node, the runner wrapped to count the sessions alive: never both at once through a
 * whole analysis, and the same result as with both loaded; wrong files still fail at load.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../core/pipeline/analyze';
import { ModelCheckError } from '../core/pipeline/modelCard';
import { loadPipelineModels, releasePipelineModels } from '../core/pipeline/models';
import { loadPipelineModelsInTurn } from '../core/pipeline/modelsInTurn';
import type { ModelRunner } from '../core/pipeline/runner';
import { spineVolume } from '../core/pipeline/testdata/spineVolume';
import { folderReader } from './modelFiles';
import { ortNodeRunner } from './ortNodeRunner';

const testdata = new URL('../core/pipeline/testdata/', import.meta.url).pathname;

/** onnxruntime-node, counting the sessions alive and the most alive at once. */
function countingRunner(): { runner: ModelRunner; alive: () => number; most: () => number; loads: () => number; resetMost: () => void; doubleReleases: () => number } {
  const inner = ortNodeRunner();
  let alive = 0;
  let most = 0;
  let loads = 0;
  let doubleReleases = 0;
  const runner: ModelRunner = {
    backend: inner.backend,
    async load(bytes) {
      const session = await inner.load(bytes);
      loads++;
      most = Math.max(most, ++alive);
      let released = false;
      return {
        signature: session.signature,
        run: (feeds) => session.run(feeds),
        async release() {
          if (released) {
            doubleReleases++;
            return;
          }
          released = true;
          alive--;
          await session.release();
        },
      };
    },
  };
  return { runner, alive: () => alive, most: () => most, loads: () => loads, resetMost: () => (most = alive), doubleReleases: () => doubleReleases };
}

describe('the two models in turn', () => {
  it('holds one session at a time through an analysis, with the result of both loaded', async () => {
    const counting = countingRunner();
    const inTurn = await loadPipelineModelsInTurn(counting.runner, folderReader(testdata), testdata);
    expect(counting.most()).toBe(2); // both, once, while they were checked
    expect(counting.alive()).toBe(1);
    counting.resetMost();
    const { result } = await analyze(spineVolume(), inTurn);
    expect(counting.most()).toBe(1); // never both during the analysis
    expect(counting.loads()).toBe(3); // localizer, detector to check it, detector to run it
    await releasePipelineModels(inTurn);
    expect(counting.alive()).toBe(0);
    expect(counting.doubleReleases()).toBe(0);

    const both = await loadPipelineModels(ortNodeRunner(), folderReader(testdata), testdata);
    try {
      const reference = (await analyze(spineVolume(), both)).result;
      expect(result.vertebrae.map((v) => [v.level, v.genantRatio])).toEqual(reference.vertebrae.map((v) => [v.level, v.genantRatio]));
      expect(result.centrelineMm).toEqual(reference.centrelineMm);
    } finally {
      await releasePipelineModels(both);
    }
  });

  it('a second analysis goes back to the localizer, releasing the detector first', async () => {
    const counting = countingRunner();
    const inTurn = await loadPipelineModelsInTurn(counting.runner, folderReader(testdata), testdata);
    try {
      counting.resetMost();
      await analyze(spineVolume(), inTurn);
      await analyze(spineVolume(), inTurn);
      expect(counting.most()).toBe(1);
      expect(counting.loads()).toBe(5); // the localizer and the detector made again for the second
      expect(counting.alive()).toBe(1);
    } finally {
      await releasePipelineModels(inTurn);
    }
  });

  it('a model file its card does not describe fails at load, as with both loaded', async () => {
    const read = folderReader(testdata);
    const error = await loadPipelineModelsInTurn(
      ortNodeRunner(),
      async (file) => {
        const bytes = await read(file);
        return file === 'vertebra-detector.onnx' && bytes ? bytes.map((x, i) => (i === 100 ? x ^ 1 : x)) : bytes;
      },
      testdata,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ModelCheckError);
    expect(String(error.message)).toMatch(/sha256/);
  });
});
