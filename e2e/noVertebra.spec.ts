/**
 * A scan too short to hold a whole vertebral body (the real 20-slice DICOM slab of
 * ../shared/data/real, T11–T12, 2 mm slices) analysed with the SHIPPED models: the user is told
 * that nothing could be measured and what to do, and is not shown a "worst grade 0 (normal)" that
 * would read as a clean spine. Which of two answers comes depends on the localizer: those of
 * phantom-0.15 and 0.16 find spine in none or one of the slab's 10 slices of 4 mm (no spine: the
 * analysis needs two); the one before found more, and the detector then no whole vertebra.
 * Either answer must say so and send the user to a longer series.
 */
import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { expectOutcome, pickFiles } from './support/page';

const here = dirname(fileURLToPath(import.meta.url));
const SLAB = resolve(here, '..', '..', 'shared', 'data', 'real', 'totalsegmentator-abdomen', 'example_ct_dicom');

test('a 20-slice slab: nothing measured, no grade, the reason and what to do', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await pickFiles(page, readdirSync(SLAB).map((name) => resolve(SLAB, name)));
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  const panel = page.getByTestId('analysis-panel');
  await expect(panel).toHaveAttribute('data-phase', /^(done|error)$/, { timeout: 90_000 });
  if ((await panel.getAttribute('data-phase')) === 'error') {
    const error = page.getByTestId('analysis-error');
    await expect(error).toContainText('No spine was found in this volume');
    await expect(error).toContainText('Open a series that covers more of the spine');
    await expect(page.getByTestId('analysis-summary')).toHaveCount(0);
  } else {
    await expect(page.getByTestId('analysis-summary')).toHaveText('No vertebra found · no grade');
    const why = page.getByTestId('review-summary');
    await expect(why).toContainText('measured only when the scan holds its whole body');
    await expect(why).toContainText('Open a series that covers more of the spine');
  }
  await expect(page.getByTestId('vertebra-row')).toHaveCount(0);
  await page.screenshot({ path: resolve(here, '.out', 'screenshots', 'no-vertebra.png') });
});
