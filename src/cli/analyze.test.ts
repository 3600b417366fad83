/**
 * `spinelens analyze` as a user runs it: the real bin script on DICOM files written by the test
 * generator, with the tiny untrained models of src/core/pipeline/testdata through --models.
 * Exit 0 with the document, the CSV and the tables; exit 2 with one line for each known failure.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCase } from '../testing/dicom/writeFiles';
import { runSpinelens } from '../testing/runSpinelens';

const testdata = new URL('../core/pipeline/testdata/', import.meta.url).pathname;

const run = runSpinelens;

/** A models folder: the test models, with some files replaced. */
function modelsDir(root: string, name: string, replace: Record<string, string> = {}, change?: (file: string, bytes: Buffer) => Buffer): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of ['spine-localizer.json', 'spine-localizer.onnx', 'vertebra-detector.json', 'vertebra-detector.onnx']) {
    const bytes = readFileSync(replace[file] ?? join(testdata, file));
    writeFileSync(join(dir, file), change ? change(file, bytes) : bytes);
  }
  return dir;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat \w+ \(/);
  return lines[0];
}

describe('spinelens analyze', () => {
  let root = '';
  let plain = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'spinelens-analyze-'));
    plain = await writeCase('plain', root);
  });

  it('writes the result document and the CSV, tables on stderr, exit 0', async () => {
    const out = join(root, 'out', 'result.json');
    const csv = join(root, 'out', 'result.csv');
    const { code, stdout, stderr } = await run(['analyze', plain, '--models', testdata, '--out', out, '--csv', csv]);
    expect(stderr).toMatch(/^series /);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.models.map((m: { name: string }) => m.name)).toEqual(['spine-localizer', 'vertebra-detector']);
    expect(result.vertebrae.length).toBeGreaterThan(0);
    expect(result.vertebrae[0]).toMatchObject({ id: 'v1', edited: false });
    const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^studyInstanceUID,seriesInstanceUID,id,level,anteriorHeightMm/);
    expect(rows).toHaveLength(result.vertebrae.length + 1);
    expect(stderr).toMatch(/^id +level +anterior mm +middle mm +posterior mm +G +grade +type +objectness$/m);
    expect(stderr).toMatch(/^v1 /m);
    expect(stderr).toMatch(/onnxruntime-node 1\.\d+\.\d+ \(cpu\)/);
    for (const stage of ['load and check models', 'read the series', 'resample for the localizer', 'spine localizer (network)', 'vertebra detector (network)', 'total']) {
      expect(stderr).toMatch(new RegExp(`^${stage.replace(/[()]/g, '\\$&')} +\\d+\\.\\d$`, 'm'));
    }
  });

  it('prints the document on stdout without --out, and reads a sagittal series', async () => {
    const { code, stdout } = await run(['analyze', await writeCase('sagittal', root), `--models=${testdata}`]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).centrelineMm.length).toBeGreaterThan(1);
  });

  it('exit 2 when there are no models (default folder public/models)', async () => {
    const { code, stderr } = await run(['analyze', plain], root);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toBe(
      'spinelens: no trained models in public/models (missing spine-localizer.json, spine-localizer.onnx, vertebra-detector.json, vertebra-detector.onnx): run npm run train:localizer and npm run train:detector',
    );
  });

  it('exit 2 when a model does not match its card', async () => {
    const dir = modelsDir(root, 'tampered', {}, (file, b) => (file === 'spine-localizer.onnx' ? Buffer.concat([b, Buffer.from([0])]) : b));
    const { code, stderr } = await run(['analyze', plain, '--models', dir]);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/^spinelens: model spine-localizer\.onnx does not match its card: sha256 [0-9a-f]{64}, expected [0-9a-f]{64}; rebuild with npm run train:localizer or restore public\/models$/);
  });

  it('exit 2 when there is no CT volume', async () => {
    const dir = join(root, 'text');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    const { code, stderr } = await run(['analyze', dir, '--models', testdata]);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/^spinelens: No CT images found in 1 file/);
  });

  it('exit 2 when no spine is found', async () => {
    const noSpine = join(testdata, 'no-spine');
    const dir = modelsDir(root, 'no-spine', { 'spine-localizer.json': join(noSpine, 'spine-localizer.json'), 'spine-localizer.onnx': join(noSpine, 'spine-localizer.onnx') });
    const { code, stderr } = await run(['analyze', plain, '--models', dir]);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/^spinelens: no spine found: none of the \d+ localizer slices reached presence 0\.5\. Open a series that covers more of the spine: the analysis needs at least one whole vertebral body\.$/);
  });

  it('exit 2 on a bad command line', async () => {
    expect(oneLine((await run(['analyze'])).stderr)).toMatch(/^spinelens: give the files or folders of a CT study: spinelens analyze </);
    expect(oneLine((await run(['analyze', plain, '--frobnicate'])).stderr)).toMatch(/^spinelens: unknown option --frobnicate/);
    expect(oneLine((await run(['analyze', plain, '--out'])).stderr)).toMatch(/^spinelens: --out needs a value/);
  });
});
