/**
 * `/?demo`: the bundled demo CT (TotalSegmentator's example, NIfTI) opens by itself and the
 * sagittal view shows an image.
 */
import { expect, test } from '@playwright/test';
import { expectOutcome, grayStats, viewPixels } from './support/page';

test('/?demo opens the demo CT and shows it in the sagittal view', async ({ page }) => {
  await page.goto('/?demo');
  await expectOutcome(page, 'ready', 60_000);

  await expect(page.getByTestId('dimensions')).toHaveText('122 × 101 × 112');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toHaveCount(0);

  const gray = await viewPixels(page, 'sagittal');
  expect(gray.width).toBeGreaterThan(200);
  expect(gray.height).toBeGreaterThan(200);
  const stats = grayStats(gray);
  test.info().annotations.push({ type: 'sagittal pixels', description: JSON.stringify(stats) });
  // A body in a bone window: a good part of the view is lit (soft tissue is mid grey) and
  // there is real contrast (air black, bone white), not a flat grey or black frame.
  expect(stats.nonBlackFraction, 'share of non-black pixels in the sagittal view').toBeGreaterThan(0.15);
  expect(stats.p95 - stats.p5, 'spread between the 5th and 95th grey percentiles').toBeGreaterThan(60);
  expect(stats.std, 'grey-level standard deviation').toBeGreaterThan(20);
});
