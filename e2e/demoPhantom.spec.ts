/**
 * `/?demo=phantom`: the fracture phantom (public/demo/phantom-chest, a DICOM series listed in its
 * manifest.json) opens by itself, and the header shows its dimensions as its ground truth states them.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectOutcome, grayStats, viewPixels } from './support/page';

const truth = JSON.parse(readFileSync(new URL('../public/demo/phantom-chest/ground_truth.json', import.meta.url), 'utf8')) as {
  geometry: { dimensions: [number, number, number] };
};

test('/?demo=phantom opens the fracture phantom DICOM series', async ({ page }) => {
  await page.goto('/?demo=phantom');
  await expectOutcome(page, 'ready', 60_000);

  await expect(page.getByTestId('dimensions')).toHaveText(truth.geometry.dimensions.join(' × '));
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('open-phantom-demo')).toHaveText('Fracture demo');

  const stats = grayStats(await viewPixels(page, 'sagittal'));
  test.info().annotations.push({ type: 'sagittal pixels', description: JSON.stringify(stats) });
  expect(stats.p95 - stats.p5, 'spread between the 5th and 95th grey percentiles').toBeGreaterThan(60);
});
