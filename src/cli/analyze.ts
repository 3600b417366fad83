/**
 * `spinelens analyze <files or folders...> [--out result.json] [--csv file.csv] [--models DIR]`:
 * the browser's analysis in Node, on onnxruntime-node. The result document goes to --out (or
 * stdout), the CSV to --csv; stderr gets a per-vertebra table and a per-stage timing table.
 * Exit 2 with one line on stderr when the models are missing or do not match their cards, when
 * there is no CT volume, or when no spine is found.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadSeries, noVolumeReason, scanStudy } from '../core/ingest';
import { analyze } from '../core/pipeline/analyze';
import { loadPipelineModels, releasePipelineModels } from '../core/pipeline/models';
import type { AnalysisResult } from '../core/pipeline/result';
import { resultToCsv } from '../core/pipeline/resultCsv';
import { gradeNames } from '../core/quantify/genant';
import { gradeHeadline, noVertebraText } from '../core/report/summaryText';
import { folderReader } from '../node/modelFiles';
import { fsSources } from '../node/fsSources';
import { ortNodeRunner } from '../node/ortNodeRunner';
import { CliError } from './cliError';
import { analyzeUsage } from './usage';

export const DEFAULT_MODELS_DIR = 'public/models';

export interface AnalyzeArgs {
  paths: string[];
  out: string | null;
  csv: string | null;
  models: string;
}

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  const args: AnalyzeArgs = { paths: [], out: null, csv: null, models: DEFAULT_MODELS_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const option = /^--(out|csv|models)(?:=(.*))?$/.exec(a);
    if (option) {
      const value = option[2] ?? argv[++i];
      if (value === undefined || value === '') throw new CliError(`--${option[1]} needs a value; usage: ${analyzeUsage}`);
      args[option[1] as 'out' | 'csv' | 'models'] = value;
    } else if (a.startsWith('--')) {
      throw new CliError(`unknown option ${a}; usage: ${analyzeUsage}`);
    } else {
      args.paths.push(a);
    }
  }
  if (args.paths.length === 0) throw new CliError(`give the files or folders of a CT study: ${analyzeUsage}`);
  return args;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || /^-?[\d.]+$/.test(String(r[c]))));
  return cells.map((r) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

export function vertebraTable(result: AnalysisResult): string {
  if (result.vertebrae.length === 0) return noVertebraText(result.limitsMm);
  return formatTable(
    ['id', 'level', 'anterior mm', 'middle mm', 'posterior mm', 'G', 'grade', 'type', 'objectness'],
    result.vertebrae.map((v) => [
      v.id, v.level ?? '-', v.heightsMm.anterior.toFixed(1), v.heightsMm.middle.toFixed(1), v.heightsMm.posterior.toFixed(1),
      v.genantRatio.toFixed(3), `${v.grade} ${gradeNames[v.grade]}`, v.type, v.objectness.toFixed(3),
    ]),
  );
}

/** Stages of the command (reading, model loading) and of the pipeline, in the order they ran. */
export function timingTable(timings: readonly { label: string; ms: number }[]): string {
  const total = timings.reduce((s, t) => s + t.ms, 0);
  return formatTable(['stage', 'ms'], [...timings.map((t) => [t.label, t.ms.toFixed(1)]), ['total', total.toFixed(1)]]);
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  const timings: { label: string; ms: number }[] = [];
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await work();
    timings.push({ label, ms: performance.now() - start });
    return value;
  };
  // Models first: a missing or mismatched model is found in milliseconds, a study in seconds.
  const runner = ortNodeRunner();
  const models = await timed('load and check models', () => loadPipelineModels(runner, folderReader(args.models), args.models));
  try {
    const volume = await timed('read the series', async () => {
      const catalog = await scanStudy(await fsSources(args.paths));
      const best = catalog.result.bestSeriesId;
      if (!best) throw new CliError(noVolumeReason(catalog.result));
      return loadSeries(catalog, best);
    });
    const tty = process.stderr.isTTY;
    const run = await analyze(volume, models, {
      onProgress: tty ? (e) => process.stderr.write(`\r${e.percent.toFixed(0).padStart(3)} % ${e.label}`.padEnd(60)) : undefined,
    });
    if (tty) process.stderr.write(`\r${''.padEnd(60)}\r`);
    timings.push(...run.timings);
    const { result } = run;
    const [nc, nr, ns] = volume.geometry.dimensions;
    process.stderr.write(`series ${result.seriesInstanceUID || '(no UID)'}: ${nc} × ${nr} × ${ns} voxels; spine from z ${result.limitsMm[0].toFixed(1)} to ${result.limitsMm[1].toFixed(1)} mm; ${gradeHeadline(result.vertebrae)}\n\n`);
    process.stderr.write(`${vertebraTable(result)}\n\n${runner.backend}\n${timingTable(timings)}\n`);
    const json = `${JSON.stringify(result, null, 1)}\n`;
    if (args.out) await writeOut(args.out, json);
    else process.stdout.write(json);
    if (args.csv) await writeOut(args.csv, resultToCsv(result));
    return 0;
  } finally {
    await releasePipelineModels(models);
  }
}
