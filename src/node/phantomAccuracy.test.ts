/**
 * End to end in Node with the SHIPPED models (public/models) on phantom DICOM series the models
 * never saw: the fracture demo (public/demo/phantom-chest) and phantoms generated here by the
 * training code with seeds outside the training and held-out ranges, read through the real
 * ingest and analysed by the real pipeline on onnxruntime-node, then compared with their ground
 * truth (src/core/pipeline/groundTruthMatch.ts): vertebrae found at their levels, and the
 * fracture grading the issue asks for, which these models do not reach yet (an expected failure).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeries, scanStudy } from '../core/ingest';
import { matchGroundTruth, type GroundTruthDocument } from '../core/pipeline/groundTruthMatch';
import { analyze, type PipelineModels } from '../core/pipeline/analyze';
import { loadPipelineModels, releasePipelineModels } from '../core/pipeline/models';
import { fsSources } from './fsSources';
import { folderReader } from './modelFiles';
import { ortNodeRunner } from './ortNodeRunner';

const root = resolve(new URL('../..', import.meta.url).pathname);
const modelsDir = join(root, 'public', 'models');
const work = mkdtempSync(join(tmpdir(), 'spinelens-accuracy-'));

/** Seeds 3 000 000 +: neither training (0 …) nor held-out (1 000 000 …) phantoms. */
const GENERATED = [
  { seed: 3000001, preset: 'thoracolumbar', fractures: ['T12:2:wedge', 'L2:3:crush'] },
  { seed: 3000002, preset: 'abdomen', fractures: ['L1:2:biconcave'] },
] as const;

function generate(seed: number, preset: string, fractures: readonly string[], out: string): void {
  const args = ['-m', 'phantom.cli', '--seed', String(seed), '--preset', preset, '--out', out, '--format', 'dicom', '--force'];
  for (const f of fractures) args.push('--fracture', f);
  execFileSync('/usr/bin/python3', args, { cwd: join(root, 'training'), stdio: 'pipe' });
}

let models: PipelineModels;

beforeAll(async () => {
  models = await loadPipelineModels(ortNodeRunner(), folderReader(modelsDir), modelsDir);
}, 120_000);

afterAll(async () => {
  if (models) await releasePipelineModels(models);
  rmSync(work, { recursive: true, force: true });
});

async function analyseFolder(dir: string) {
  const catalog = await scanStudy(await fsSources([dir]));
  const volume = await loadSeries(catalog, catalog.result.bestSeriesId!);
  return (await analyze(volume, models)).result;
}

interface Figures {
  truth: number;
  missed: (string | null)[];
  wrongLevel: string[];
  extra: number;
  /** True fractures of grade ≥ 2, and those the result grades ≥ 2. */
  moderateOrWorse: (string | null)[];
  underGraded: (string | null)[];
}

function figures(result: Awaited<ReturnType<typeof analyseFolder>>, truth: GroundTruthDocument): Figures {
  const cmp = matchGroundTruth(result, truth);
  const f: Figures = {
    truth: cmp.vertebrae.length,
    missed: cmp.vertebrae.filter((v) => !v.found).map((v) => v.truthLevel),
    wrongLevel: cmp.vertebrae.filter((v) => v.found && !v.levelRight).map((v) => `${v.truthLevel}->${v.level}`),
    extra: cmp.summary.extra,
    moderateOrWorse: cmp.vertebrae.filter((v) => v.truthGrade >= 2).map((v) => v.truthLevel),
    underGraded: cmp.vertebrae.filter((v) => v.truthGrade >= 2 && (v.grade ?? 0) < 2).map((v) => v.truthLevel),
  };
  console.log(JSON.stringify(f));
  return f;
}

/**
 * What the shipped models achieve and must keep (measured: the demo 11 of 11 found; generated
 * phantoms of phantom-0.21 10 of 10 and 6 of 7 found, the miss S1; every level exact. On
 * phantom-0.21 seed 3000001's last vertebra, L4, was named L5 until levels.ts measured the
 * steps between bodies in each level's own pitch, not the scan's median one): at most
 * `maxMissed` vertebrae missed and `maxWrongLevels` named wrong, nothing found where there is no
 * vertebra. The issue asks for every vertebra found at its level: met but for the S1 miss.
 */
function expectFoundAtTheirLevels(f: Figures, maxMissed: number, maxWrongLevels = 0): void {
  expect(f.missed.length, `missed ${f.missed.join(', ')}`).toBeLessThanOrEqual(maxMissed);
  expect(f.extra).toBe(0);
  expect(f.wrongLevel.length, `wrong levels ${f.wrongLevel.join(', ')}`).toBeLessThanOrEqual(maxWrongLevels);
}

describe('the shipped models on phantoms they never saw (Node, onnxruntime-node)', () => {
  it('finds the vertebrae of the fracture demo at their levels', async () => {
    const demo = join(root, 'public', 'demo', 'phantom-chest');
    const truth = JSON.parse(readFileSync(join(demo, 'ground_truth.json'), 'utf8'));
    expectFoundAtTheirLevels(figures(await analyseFolder(demo), truth), 0);
  }, 180_000);

  // The bar, not met by the models of this commit: they find all of the demo's fractures
  // and grade the severe T11 crush severe (G 0.30, true 0.35), but moderate T8 (biconcave, 2.5 mm
  // slices) reads normal (0.81, true 0.73) and moderate T12 mild (0.76, true 0.71);
  // training/README.md, "Models". On generated seed 3000001 they grade both (T12 moderate, L2
  // severe), and that test logs it.
  // Expected to fail until the models improve; when it passes, turn it into a plain `it`.
  it.fails('grades every fracture of grade 2 or worse of the fracture demo 2 or worse', async () => {
    const demo = join(root, 'public', 'demo', 'phantom-chest');
    const truth = JSON.parse(readFileSync(join(demo, 'ground_truth.json'), 'utf8'));
    expect(figures(await analyseFolder(demo), truth).underGraded).toEqual([]);
  }, 180_000);

  for (const p of GENERATED) {
    it(`finds the vertebrae of a generated ${p.preset} phantom (seed ${p.seed}, fractures ${p.fractures.join(', ')})`, async () => {
      const out = join(work, String(p.seed));
      generate(p.seed, p.preset, p.fractures, out);
      expect(existsSync(join(out, 'ground_truth.json'))).toBe(true);
      const truth = JSON.parse(readFileSync(join(out, 'ground_truth.json'), 'utf8'));
      expectFoundAtTheirLevels(figures(await analyseFolder(out), truth), Math.ceil(truth.vertebrae.length / 7));
    }, 300_000);
  }
});
