/**
 * A scan too short to hold a whole vertebral body (the real 20-slice DICOM slab of
 * ../shared/data/real, T11–T12, 1 mm slices) analysed with the SHIPPED models: the user is told
 * that no vertebra was found and why, and is not shown a "worst grade 0 (normal)" that would read
 * as a clean spine.
 */
import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { expectAnalysis } from './support/models';
import { expectOutcome, pickFiles } from './support/page';

const here = dirname(fileURLToPath(import.meta.url));
const SLAB = resolve(here, '..', '..', 'shared', 'data', 'real', 'totalsegmentator-abdomen', 'example_ct_dicom');

test('a 20-slice slab: no vertebra found, no grade, and the reason', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await pickFiles(page, readdirSync(SLAB).map((name) => resolve(SLAB, name)));
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done', 90_000);
  await expect(page.getByTestId('analysis-summary')).toHaveText('No vertebra found · no grade');
  await expect(page.getByTestId('vertebra-row')).toHaveCount(0);
  await expect(page.getByTestId('review-summary')).toContainText('measured only when the scan holds its whole body');
  await page.screenshot({ path: resolve(here, '.out', 'screenshots', 'no-vertebra.png') });
});
