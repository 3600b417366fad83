/**
 * The WebGPU decision in a real browser: Chromium launched with --enable-unsafe-webgpu offers a
 * WebGPU adapter, here always SwiftShader's software fallback adapter (no GPU on this machine).
 * The analysis must refuse it and run on WebAssembly, saying why. (ORT's own ['webgpu', 'wasm']
 * fallback would take it and run ~250× slower.) The fake-adapter rules are unit-tested in
 * src/worker/backend.test.ts.
 *
 * The launch flag needs a browser of its own: test.use({ launchOptions }) in this file (a new
 * context of the shared browser would not get it).
 */
import { expect, test } from '@playwright/test';
import { caseFixture, type DiskFixture } from './support/fixtures';
import { expectAnalysis, serveModels } from './support/models';
import { expectOutcome, pickFiles } from './support/page';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--enable-unsafe-webgpu',
    ],
  },
});

let fixture: DiskFixture;

test.beforeAll(async () => {
  fixture = await caseFixture('plain', { slices: 40 }, 'analyze-webgpu-plain');
});

test('a software WebGPU adapter is rejected: the analysis runs on wasm and says why', async ({ page }) => {
  const served = await serveModels(page, 'webgpu-decision');
  await page.goto(`/?models=${served.base}`);
  // The flag took: the page does see a WebGPU adapter, and it is a fallback one.
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? { fallback: a.info.isFallbackAdapter, vendor: a.info.vendor, architecture: a.info.architecture } : null;
  });
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(adapter) });
  expect(adapter, 'Chromium with --enable-unsafe-webgpu offers an adapter').not.toBeNull();

  await pickFiles(
    page,
    fixture.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done');
  await expect(page.getByTestId('analysis-backend')).toHaveText('wasm');
  await expect(page.getByTestId('analysis-backend-reason')).toContainText('software WebGPU adapter');
  expect(await page.getByTestId('vertebra-row').count()).toBeGreaterThan(0);
});

test('forced onto WebGPU (?backend=webgpu), the tiny models run through the WebGPU execution provider', async ({ page }) => {
  // The WebGPU execution provider on SwiftShader is slow (~20 s for the 64 x 64 x 40 series):
  // a 32 x 32 x 20 series keeps this to a few seconds. The untrained models' outputs are near
  // ties everywhere, so float differences between backends change which boxes NMS keeps:
  // only that the path works is checked here, not that the vertebrae agree with wasm.
  const small = await caseFixture('plain', { columns: 32, rows: 32, slices: 20 }, 'analyze-webgpu-small');
  const served = await serveModels(page, 'forced-webgpu');
  await page.goto(`/?models=${served.base}&backend=webgpu`);
  await pickFiles(
    page,
    small.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done');
  await expect(page.getByTestId('analysis-backend')).toHaveText('webgpu');
  await expect(page.getByTestId('analysis-backend-reason')).toContainText('?backend=webgpu');
  await expect(page.getByTestId('analysis-backend-fallback')).toHaveCount(0);
  expect(await page.getByTestId('vertebra-row').count()).toBeGreaterThan(0);
});
