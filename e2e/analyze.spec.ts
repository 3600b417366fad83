/**
 * The spine analysis in the page: a generated CT series is opened, "Analyze spine" runs the
 * pipeline in the analysis worker on onnxruntime-web with the tiny untrained test models (served
 * by page.route under ?models=), and the page shows the progress per stage, then the backend
 * (WebAssembly here: headless Chromium has no WebGPU adapter without flags), the per-stage
 * timings and a row per vertebra. Missing and tampered models end in their clear messages;
 * Cancel stops a running analysis. The untrained models say nothing about accuracy: only the
 * plumbing is tested here.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { caseFixture, type DiskFixture } from './support/fixtures';
import { expectAnalysis, gate, serveModels, testModels, TESTDATA } from './support/models';
import { expectOutcome, pickFiles } from './support/page';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '.out', 'screenshots');
let fixture: DiskFixture;

test.beforeAll(async () => {
  // 64 x 64 x 40 at 4 x 4 x 2 mm, uncompressed: quick to open, a bone rod for a "spine".
  fixture = await caseFixture('plain', { slices: 40 }, 'analyze-plain');
  mkdirSync(SHOTS, { recursive: true });
});

async function openPhantom(page: Page, query: string): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await expect(page.getByTestId('analyze-button')).toBeDisabled();
  await pickFiles(
    page,
    fixture.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('analyze-button')).toBeEnabled();
}

/** Records every (stage, percent) the progress line shows, in order, from inside the page. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: { stage: string; percent: number }[] };
    w.__progress = [];
    const read = () => {
      const stage = document.querySelector('[data-testid="analysis-stage"]');
      const percent = document.querySelector('[data-testid="analysis-percent"]');
      if (!stage || !percent) return;
      const entry = { stage: stage.getAttribute('data-stage') ?? '', percent: parseFloat(percent.textContent ?? '') };
      const last = w.__progress[w.__progress.length - 1];
      if (!last || last.stage !== entry.stage || last.percent !== entry.percent) w.__progress.push(entry);
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function progressSeen(page: Page): Promise<{ stage: string; percent: number }[]> {
  return page.evaluate(() => (window as unknown as { __progress: { stage: string; percent: number }[] }).__progress);
}

test('Analyze spine runs the pipeline in the worker: progress, then backend, timings and vertebrae', async ({ page }) => {
  const hold = gate();
  const served = await serveModels(page, 'ok', { holdUntil: hold.promise });
  await openPhantom(page, `?models=${served.base}`);
  await recordProgress(page);

  await page.getByTestId('analyze-button').click();
  // The models are held back: the progress line shows the first step and the Cancel button.
  await expect(page.getByTestId('analysis-progress')).toBeVisible();
  await expect(page.getByTestId('analysis-stage')).toHaveAttribute('data-stage', 'models');
  await expect(page.getByTestId('analysis-percent')).toHaveText('0 %');
  await expect(page.getByTestId('analysis-cancel')).toBeVisible();
  await expect(page.getByTestId('analyze-button')).toBeDisabled();
  await page.screenshot({ path: resolve(SHOTS, 'analysis-running.png') });
  hold.open();

  await expectAnalysis(page, 'done');
  await page.screenshot({ path: resolve(SHOTS, 'analysis-done.png') });
  expect(served.requested.sort()).toEqual(['spine-localizer.json', 'spine-localizer.onnx', 'vertebra-detector.json', 'vertebra-detector.onnx']);

  // Progress: from the preparation through pipeline stages, never going back.
  const seen = (await progressSeen(page)).filter((s) => s.stage !== '');
  test.info().annotations.push({ type: 'progress', description: JSON.stringify(seen) });
  expect(seen[0]?.stage).toBe('models');
  // The worker pauses before each network run, so those stages always reach the screen; the
  // others may pass between two frames on this small series (resample takes a few ms here).
  const stagesSeen = new Set(seen.map((s) => s.stage));
  for (const stage of ['backend', 'localize', 'detect']) expect(stagesSeen, `stage ${stage} shown`).toContain(stage);
  const percents = seen.map((s) => s.percent);
  expect(percents, 'the percentage never goes back').toEqual([...percents].sort((a, b) => a - b));

  // Backend: WebAssembly, and why (no WebGPU adapter without --enable-unsafe-webgpu).
  await expect(page.getByTestId('analysis-backend')).toHaveText('wasm');
  await expect(page.getByTestId('analysis-backend-reason')).toHaveText(/no WebGPU adapter|WebGPU is not available/);
  // Multithreaded WASM in the production build (vite build + preview): it would hang at session
  // creation if ORT's threads loaded the wrong script (STACK_NOTES); here it finished.
  const { isolated, cores, storage } = await page.evaluate(() => ({
    isolated: crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    storage: window.__spinelens?.getVolumeStorage(),
  }));
  expect(isolated, 'COOP/COEP make the page cross-origin isolated').toBe(true);
  const threads = Math.min(4, cores);
  await expect(page.getByTestId('analysis-backend-summary')).toContainText(`(${threads} thread${threads === 1 ? '' : 's'})`);
  // The volume the viewer shows is the one the worker analysed: shared memory, never copied.
  expect(storage).toBe('shared');

  // Timings: the preparation and the eight pipeline stages, and a total.
  const stages = await page.getByTestId('timing-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')));
  expect(stages).toEqual(['models', 'backend', 'models', 'resample', 'localize', 'centreline', 'straighten', 'detect', 'decode', 'quantify', 'secondLook']);
  await expect(page.getByTestId('timing-total')).toHaveText(/^\d+(\.\d+)? (ms|s)$/);

  // Vertebrae: rows with a level and a grade each (the untrained models find "vertebrae" anyway).
  const rows = page.getByTestId('vertebra-row');
  expect(await rows.count()).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    await expect(row).toHaveAttribute('data-level', /^([CTLS]\d{1,2})?$/);
    await expect(row).toHaveAttribute('data-grade', /^[0-3]$/);
    // Level, three heights, G, grade, type, and who measured it (AI, edited, added, n/e).
    await expect(row.locator('td')).toHaveCount(8);
    await expect(row).toHaveAttribute('data-source', 'AI');
  }
  await expect(page.getByTestId('analysis-summary')).toContainText(/\d+ vertebra(e)? · worst grade [0-3]/);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('timing-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(SHOTS, 'analysis-done-timings.png') });
});

test('the key A starts the analysis; a second run uses the model files the first downloaded', async ({ page }) => {
  const served = await serveModels(page, 'key');
  await openPhantom(page, `?models=${served.base}`);
  await page.keyboard.press('a');
  await expectAnalysis(page, 'done');
  await expect(page.getByTestId('timing-row').first()).toContainText('download models and cards');
  const firstRows = await page.getByTestId('vertebra-row').count();
  // The second run is in a fresh worker (a WebAssembly one is retired after each analysis, to
  // give its memory back): the files come from the page, not the server.
  await page.keyboard.press('a');
  await expectAnalysis(page, 'done');
  await expect(page.getByTestId('timing-row').first()).toContainText('downloaded earlier in this tab');
  expect(served.requested, 'each file downloaded once').toHaveLength(4);
  await expect(page.getByTestId('vertebra-row')).toHaveCount(firstRows);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('with no models at the URL the page says how to get them', async ({ page }) => {
  const served = await serveModels(page, 'none', { files: {} });
  await openPhantom(page, `?models=${served.base}`);
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'error');
  const error = page.getByTestId('analysis-error');
  await expect(error).toHaveAttribute('data-code', 'models-missing');
  await expect(error).toContainText('The analysis models are not installed');
  await expect(error).toContainText('run npm run train:localizer and npm run train:detector, or use a release build that includes them.');
  await expect(error).toContainText('spine-localizer.onnx');
  await page.screenshot({ path: resolve(SHOTS, 'analysis-missing-models.png') });
  // The study stays open and usable.
  await expect(page.getByTestId('status')).toHaveText('ready');
  await expect(page.getByTestId('analyze-button')).toBeEnabled();
});

test('with the default models folder empty (the server answers index.html) the message names public/models', async ({ page }) => {
  test.skip(existsSync(resolve('public', 'models', 'spine-localizer.onnx')), 'public/models holds trained models here');
  await openPhantom(page, '');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'error');
  await expect(page.getByTestId('analysis-error')).toContainText(
    'The analysis models are not installed (public/models is empty): run npm run train:localizer and npm run train:detector, or use a release build that includes them.',
  );
});

test('a tampered model file is refused with the card check message', async ({ page }) => {
  const files = testModels();
  const tampered = Buffer.from(files['spine-localizer.onnx']);
  tampered[tampered.length - 10] ^= 0xff;
  const served = await serveModels(page, 'tampered', { files: { ...files, 'spine-localizer.onnx': tampered } });
  await openPhantom(page, `?models=${served.base}`);
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'error');
  const error = page.getByTestId('analysis-error');
  await expect(error).toHaveAttribute('data-code', 'model-mismatch');
  await expect(error).toContainText('model spine-localizer.onnx does not match its card: sha256');
  await expect(error).toContainText('rebuild with npm run train:localizer');
  await page.screenshot({ path: resolve(SHOTS, 'analysis-tampered.png') });
});

test('Cancel stops a running analysis; the next one runs to the end', async ({ page }) => {
  const hold = gate();
  const served = await serveModels(page, 'cancel', { holdUntil: hold.promise });
  await openPhantom(page, `?models=${served.base}`);
  await page.getByTestId('analyze-button').click();
  await expect(page.getByTestId('analysis-progress')).toBeVisible();
  await page.getByTestId('analysis-cancel').click();
  await expectAnalysis(page, 'cancelled');
  await expect(page.getByTestId('analysis-cancelled')).toHaveText('Analysis cancelled.');
  hold.open();
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done');
  expect(await page.getByTestId('vertebra-row').count()).toBeGreaterThan(0);
});

test('a volume where the localizer finds no spine ends in a clear message, not a blank panel', async ({ page }) => {
  // The no-spine test localizer (hand-set biases) gives presence < 0.5 on every slice.
  const files = testModels();
  const noSpine = (name: string) => readFileSync(resolve(TESTDATA, 'no-spine', name));
  const served = await serveModels(page, 'no-spine', {
    files: { ...files, 'spine-localizer.json': noSpine('spine-localizer.json'), 'spine-localizer.onnx': noSpine('spine-localizer.onnx') },
  });
  await openPhantom(page, `?models=${served.base}`);
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'error');
  const error = page.getByTestId('analysis-error');
  await expect(error).toHaveAttribute('data-code', 'no-spine');
  await expect(error).toContainText('No spine was found in this volume: no spine found: none of the');
  await expect(error).toContainText('reached presence 0.5');
});
