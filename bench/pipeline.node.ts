/**
 * The Node half of `npm run bench:pipeline`, run by pipeline.bench.ts in a child process of its
 * own (started with --expose-gc) so its memory is the analysis's alone:
 *   node --expose-gc --import tsx bench/pipeline.node.ts <fixture dir> <models dir> <runs>
 * Reads the series once, loads the models once, then analyses the volume <runs> times with
 * onnxruntime-node, and prints one JSON object on stdout: per-run stage timings and the peak
 * memory of each run (VmHWM reset before it; JS heap and ArrayBuffers sampled).
 */
import { loadSeries, scanStudy } from '../src/core/ingest';
import { analyze } from '../src/core/pipeline/analyze';
import { loadPipelineModels, releasePipelineModels } from '../src/core/pipeline/models';
import { folderReader } from '../src/node/modelFiles';
import { fsSources } from '../src/node/fsSources';
import { ortNodeRunner } from '../src/node/ortNodeRunner';
import { formatStagePeaks, processMemory, resetPeak, stagePeaks, type StageSample } from './support';

export interface NodeRun {
  timings: { stage: string; label: string; ms: number }[];
  totalMs: number;
  /** Peak RSS of the process during the run (VmHWM, or sampled when /proc is unavailable). */
  peakRss: number;
  peakHeapUsed: number;
  peakArrayBuffers: number;
  peakExternal: number;
  /** Largest sampled RSS while each stage ran (timer and progress samples), bytes. */
  stagePeakRss: Record<string, number>;
  vertebrae: number;
}

export interface NodeReport {
  backend: string;
  dimensions: number[];
  voxelBytes: number;
  int16Bytes: number;
  ingestMs: number;
  modelLoadMs: number;
  /** RSS before the series was read (modules loaded), after it, and after the models loaded. */
  rssBeforeVolume: number;
  rssWithVolume: number;
  rssWithModels: number;
  exactPeak: boolean;
  runs: NodeRun[];
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const [dir, modelsDir, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg ?? 3);
  gc();
  const rssBeforeVolume = process.memoryUsage().rss;
  let t = performance.now();
  const catalog = await scanStudy(await fsSources([dir]));
  if (!catalog.result.bestSeriesId) throw new Error(`no CT volume in ${dir}`);
  const volume = await loadSeries(catalog, catalog.result.bestSeriesId);
  const ingestMs = performance.now() - t;
  gc();
  const rssWithVolume = process.memoryUsage().rss;

  const runner = ortNodeRunner();
  t = performance.now();
  const models = await loadPipelineModels(runner, folderReader(modelsDir), modelsDir);
  const modelLoadMs = performance.now() - t;
  gc();
  const rssWithModels = process.memoryUsage().rss;

  const report: NodeReport = {
    backend: runner.backend,
    dimensions: [...volume.geometry.dimensions],
    voxelBytes: volume.voxels.byteLength,
    int16Bytes: volume.voxels.length * 2,
    ingestMs,
    modelLoadMs,
    rssBeforeVolume,
    rssWithVolume,
    rssWithModels,
    exactPeak: false,
    runs: [],
  };
  try {
    for (let i = 0; i < runs; i++) {
      gc();
      const exact = resetPeak('self');
      report.exactPeak = exact;
      const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0, external: 0 };
      const samples: StageSample[] = [];
      let stage = 'start';
      const sample = () => {
        const m = process.memoryUsage();
        samples.push({ stage, bytes: m.rss });
        peak.rss = Math.max(peak.rss, m.rss);
        peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
        peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
        peak.external = Math.max(peak.external, m.external);
      };
      // The resample is synchronous: sample from its progress callbacks too, not only by timer.
      const timer = setInterval(sample, 10);
      const start = performance.now();
      let done: Awaited<ReturnType<typeof analyze>>;
      try {
        done = await analyze(volume, models, {
          onProgress: (e) => {
            sample(); // the end of the stage before
            stage = e.stage;
            sample();
          },
        });
      } finally {
        clearInterval(timer);
      }
      const totalMs = performance.now() - start;
      sample();
      const hwm = exact ? processMemory('self')?.hwm ?? peak.rss : peak.rss;
      report.runs.push({
        timings: done.timings,
        totalMs,
        peakRss: Math.max(hwm, peak.rss),
        peakHeapUsed: peak.heapUsed,
        peakArrayBuffers: peak.arrayBuffers,
        peakExternal: peak.external,
        stagePeakRss: stagePeaks(samples),
        vertebrae: done.result.vertebrae.length,
      });
      const run = report.runs[report.runs.length - 1];
      process.stderr.write(
        `  Node run ${i + 1}: ${(totalMs / 1000).toFixed(2)} s, peak RSS ${(run.peakRss / 1e6).toFixed(0)} MB; ` +
          `sampled peak by stage over the process before the volume: ${formatStagePeaks(run.stagePeakRss, rssBeforeVolume, report.int16Bytes)}\n`,
      );
    }
  } finally {
    await releasePipelineModels(models);
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
