/**
 * analyze() with stub networks (no runtime): progress, timings, cancellation, "no spine", a
 * series too large for the localizer, a result document whose parts agree with each other, the
 * second look (kept when it finds the same bodies, else the first look stands), and
 * resample buffers lent from one analysis to the next.
 * The numbers against Python are in pipeline.golden.test.ts, real onnxruntime-node runs in
 * src/node/ortPipeline.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStraightening, pixelToPatientMm } from '../geometry/straighten';
import { analyze, PipelineError, STAGES, type PipelineModels, type ProgressEvent } from './analyze';
import type { DetectorCard, LocalizerCard } from './modelCard';
import type { ResampleBuffers } from './resample';
import type { ModelSession, TensorData } from './runner';
import { spineVolume } from './testdata/spineVolume';

const card = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./testdata/${name}.json`, import.meta.url), 'utf8'));

/** Cell rows of the stub detector's bodies, all in column 16, with their level classes (T4, T5). */
const TWO_BODIES: [number, number, number][] = [[5, 16, 10], [12, 16, 11]];

/**
 * A localizer that sees spine on slices [first, last] at grid (32, 40); a detector that finds the
 * bodies of `bodiesOnRun(n)` on its n-th run (two by default).
 */
function stubModels(first = 2, last = 25, bodiesOnRun: (run: number) => [number, number, number][] = () => TWO_BODIES): PipelineModels {
  const session = (run: (feeds: Record<string, TensorData>) => Record<string, TensorData>): ModelSession => ({
    signature: { inputs: [], outputs: [] },
    run: async (feeds) => run(feeds),
    release: async () => {},
  });
  const localizer = session(({ image }) => {
    const Z = image.dims[2];
    const center = new Float32Array(2 * Z).map((_, i) => (i % 2 ? 40 : 32));
    const presence = new Float32Array(Z).map((_, z) => (z >= first && z <= last ? 0.9 : 0.1));
    return { center: { data: center, dims: [1, Z, 2] }, presence: { data: presence, dims: [1, Z] } };
  });
  let runs = 0;
  const detector = session(({ image }) => {
    const bodies = bodiesOnRun(runs++);
    const [h, w] = [image.dims[2] / 4, image.dims[3] / 4];
    const objectness = new Float32Array(h * w).fill(-5);
    const keypoints = new Float32Array(12 * h * w);
    const level = new Float32Array(27 * h * w);
    const box = [[-15, -9], [-15, 9], [0, -7], [0, 7], [15, -10], [15, 10]]; // biconcave: G = 0.7
    for (const [i, j, l] of bodies) {
      objectness[i * w + j] = 3;
      box.forEach(([x, y], k) => {
        keypoints[2 * k * h * w + i * w + j] = x;
        keypoints[(2 * k + 1) * h * w + i * w + j] = y;
      });
      level[l * h * w + i * w + j] = 5;
    }
    return { objectness: { data: objectness, dims: [1, 1, h, w] }, keypoints: { data: keypoints, dims: [1, 12, h, w] }, level: { data: level, dims: [1, 27, h, w] } };
  });
  return { localizer: { card: card<LocalizerCard>('spine-localizer'), session: localizer }, detector: { card: card<DetectorCard>('vertebra-detector'), session: detector } };
}

describe('analyze', () => {
  // Four bodies: the two inner ones steer the second look's line (bodyCentreLine.ts).
  const FOUR_BODIES: [number, number, number][] = [[3, 16, 10], [8, 16, 11], [13, 16, 12], [18, 16, 13]];

  it('looks again along the bodies found, and keeps that look when it finds the same bodies', async () => {
    const { result } = await analyze(spineVolume(), stubModels(2, 25, () => FOUR_BODIES));
    expect(result.vertebrae.map((v) => v.level)).toEqual(['T4', 'T5', 'T6', 'T7']);
    // The result's centreline is the second line: it runs through the inner bodies' centres, which the localizer's straight line does not hold.
    expect(result.centrelineMm).not.toEqual(await localizerLine(FOUR_BODIES));
    const s = buildStraightening(result.centrelineMm, { stepMm: 1, halfWidthMm: 64 });
    expect(result.midSagittal.rows).toBe(s.curveMm.length);
    for (const v of result.vertebrae) v.pointsPx.forEach(([c, r], k) => v.pointsMm[k].forEach((x, a) => expect(x).toBeCloseTo(pixelToPatientMm(s, c, r)[a], 9)));
  });

  it('keeps the first look when the second finds other bodies: nothing found is lost', async () => {
    const { result } = await analyze(spineVolume(), stubModels(2, 25, (run) => (run === 0 ? FOUR_BODIES : FOUR_BODIES.slice(0, 3))));
    expect(result.vertebrae.map((v) => v.level)).toEqual(['T4', 'T5', 'T6', 'T7']);
    expect(result.centrelineMm).toEqual(await localizerLine(FOUR_BODIES));
  });

  /** The localizer's line: the centreline of a result whose card has no second look. */
  async function localizerLine(bodies: [number, number, number][]) {
    const models = stubModels(2, 25, () => bodies);
    delete models.detector.card.straightening.secondLook;
    return (await analyze(spineVolume(), models)).result.centrelineMm;
  }

  it('gives a consistent result document', async () => {
    const { result } = await analyze(spineVolume(), stubModels());
    expect(result.seriesInstanceUID).toBe('1.2.3.4');
    expect(result.models.map((m) => m.name)).toEqual(['spine-localizer', 'vertebra-detector']);
    expect(result.limitsMm[0]).toBeGreaterThan(result.limitsMm[1]);
    expect(result.centrelineMm[0][2]).toBe(result.limitsMm[0]);
    expect(result.vertebrae.map((v) => [v.id, v.level, v.type, v.grade])).toEqual([['v1', 'T4', 'biconcave', 2], ['v2', 'T5', 'biconcave', 2]]);
    // The points in mm are the straightening's map of the points in pixels.
    const s = buildStraightening(result.centrelineMm, { stepMm: 1, halfWidthMm: 64 });
    for (const v of result.vertebrae) v.pointsPx.forEach(([c, r], k) => v.pointsMm[k].forEach((x, a) => expect(x).toBeCloseTo(pixelToPatientMm(s, c, r)[a], 9)));
    expect(result.vertebrae[0].heightsMm.middle).toBeCloseTo(14, 6);
    expect(result.patient).toEqual({ worstGrade: 2, fractures: [{ id: 'v1', level: 'T4', grade: 2, type: 'biconcave' }, { id: 'v2', level: 'T5', grade: 2, type: 'biconcave' }] });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('reports progress per stage up to 100 % and times every stage', async () => {
    const events: ProgressEvent[] = [];
    let clock = 0;
    const { timings } = await analyze(spineVolume(), stubModels(), { onProgress: (e) => events.push(e), now: () => (clock += 5) });
    expect(timings.map((t) => t.stage)).toEqual(STAGES.map((s) => s.name));
    expect(timings.every((t) => t.ms === 5)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i].percent).toBeGreaterThanOrEqual(events[i - 1].percent);
    expect(events[0].percent).toBe(0);
    expect(events.at(-1)).toMatchObject({ stage: 'secondLook', percent: 100, stageFraction: 1 });
    expect(new Set(events.map((e) => e.stage)).size).toBe(STAGES.length);
  });

  it('stops when aborted, before the start or between stages', async () => {
    const before = new AbortController();
    before.abort();
    await expect(analyze(spineVolume(), stubModels(), { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const during = new AbortController();
    const seen: string[] = [];
    const run = analyze(spineVolume(), stubModels(), {
      signal: during.signal,
      onProgress: (e) => {
        seen.push(e.stage);
        if (e.stage === 'localize') during.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).not.toContain('straighten');
  });

  it('says so when no spine is found, on no slice or on one only', async () => {
    const none = await analyze(spineVolume(), stubModels(-1, -1)).catch((e) => e);
    expect(none).toBeInstanceOf(PipelineError);
    expect(none.code).toBe('no-spine');
    expect(none.message).toBe('no spine found: none of the 30 localizer slices reached presence 0.5. Open a series that covers more of the spine: the analysis needs at least one whole vertebral body.');
    expect(none.timings.map((t: { stage: string }) => t.stage)).toEqual(['resample', 'localize', 'centreline']);
    await expect(analyze(spineVolume(), stubModels(4, 4))).rejects.toThrow('no spine found: only one of the 30 localizer slices reached presence 0.5.');
  });

  it('refuses a series too large for the localizer grid before the network runs', async () => {
    const models = stubModels();
    let runs = 0;
    const run = models.localizer.session.run;
    models.localizer.session.run = (feeds) => {
      runs++;
      return run(feeds);
    };
    const small = spineVolume({ dimensions: [2, 2, 2] });
    // A 2 m whole-body geometry (the voxels are never read: the size is refused first).
    const huge = { ...small, geometry: { ...small.geometry, dimensions: [512, 512, 1600] as [number, number, number], spacingMm: [0.977, 0.977, 1.25] as [number, number, number] } };
    const error = await analyze(huge, models).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/^series too large for the spine localizer: it spans 2000 × 500 × 500 mm/);
    expect(runs).toBe(0);
  });

  it('analyses again and again with the same lent resample buffers: one input tensor, the same result', async () => {
    const models = stubModels();
    let fed: number[][] = [];
    const run = models.localizer.session.run;
    models.localizer.session.run = (feeds) => {
      fed.push(Array.from(feeds.image.data));
      return run(feeds);
    };
    const resampleBuffers: ResampleBuffers = {};
    const first = await analyze(spineVolume(), models, { resampleBuffers });
    const lent = resampleBuffers.tensor;
    fed = [];
    const second = await analyze(spineVolume({ flipSlices: true }), models, { resampleBuffers });
    const fedSecond = fed;
    fed = [];
    const alone = await analyze(spineVolume({ flipSlices: true }), models);
    // The second analysis resampled into the first one's tensor, and fed the network the same
    // numbers as an analysis with a tensor of its own.
    expect(lent).toBeInstanceOf(Float32Array);
    expect(resampleBuffers.tensor).toBe(lent);
    expect(fedSecond).toEqual(fed);
    expect(second.result).toEqual(alone.result);
    expect(first.result.vertebrae.length).toBe(second.result.vertebrae.length);
  });
});
