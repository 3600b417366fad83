/**
 * Bad input never leaves the user with a blank page or a silent failure: junk alone is an
 * error that says why, junk beside a good series is skipped and listed, a two-slice series and
 * an MR series are explained.
 */
import { expect, test, type Page } from '@playwright/test';
import { caseFixture, garbageFixture, readBytes, seriesFixture } from './support/fixtures';
import { dropFiles, expectOutcome, pickFiles } from './support/page';

/** The page still shows its frame and a visible explanation, not a blank or broken page. */
async function expectPageNotBlank(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: /Open files/ })).toBeVisible();
  await expect(page.getByTestId('status')).toBeVisible();
  await expect(page.getByTestId('messages')).toBeVisible();
  const bodyText = await page.locator('body').innerText();
  expect(bodyText.length, 'the page has text on it').toBeGreaterThan(100);
}

/** Each skipped file is listed with a reason next to it. */
async function expectSkipped(page: Page, expected: Record<string, RegExp>): Promise<void> {
  const panel = page.getByTestId('skipped-files');
  await expect(panel).toBeVisible();
  const names = Object.keys(expected);
  await expect(panel.locator('summary')).toHaveText(`${names.length} file${names.length === 1 ? '' : 's'} skipped`);
  const items = panel.locator('.skipped__item');
  await expect(items).toHaveCount(names.length);
  for (const [name, reason] of Object.entries(expected)) {
    const item = items.filter({ has: page.locator('.skipped__path', { hasText: new RegExp(`(^|/)${name}$`) }) });
    await expect(item, `${name} is listed as skipped`).toHaveCount(1);
    await expect(item.locator('.skipped__reason'), `reason given for ${name}`).toHaveText(reason);
  }
}

const REASONS = {
  'random.bin': /not a DICOM or NIfTI file/,
  'README.txt': /not an image|not DICOM/,
  truncated: /DICOM/,
  empty: /empty/,
};

test('junk alone (random bytes, a text file, a truncated DICOM) dropped: an error that says no CT images were found, and why', async ({ page }) => {
  const junk = await garbageFixture('junk-only', ['random-bytes', 'text', 'truncated-dicom']);
  await page.goto('/');
  await dropFiles(page, readBytes(junk), page.getByTestId('empty-state'));
  await expectOutcome(page, 'error');

  const error = page.getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('No CT images found in 3 files');
  // At least the reasons of two of the files are quoted in the message.
  await expect(error).toContainText(/not a DICOM or NIfTI file|a document, not an image/);
  await expect(page.getByTestId('status-text')).toContainText('No CT images found');
  // Over the empty views: a heading and the same explanation.
  await expect(page.getByTestId('empty-state')).toContainText('Could not open the study');
  await expect(page.getByTestId('empty-state')).toContainText('No CT images found');
  await expect(page.getByTestId('dimensions')).toHaveText('—');
  await expectSkipped(page, { 'random.bin': REASONS['random.bin'], 'README.txt': REASONS['README.txt'], truncated: REASONS.truncated });
  await expectPageNotBlank(page);
});

test('junk picked together with a good series: the series loads and the junk is listed as skipped with reasons', async ({ page }) => {
  const mix = await caseFixture('garbage-mix', { slices: 12 }, 'garbage-mix');
  const [c, r, s] = mix.truth!.geometry.dimensions;
  await page.goto('/');
  await pickFiles(
    page,
    mix.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('dimensions')).toHaveText(`${c} × ${r} × ${s}`);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expectSkipped(page, REASONS);
  // The corrupt JPEG 2000 slice parses as its own one-slice series: offered, but greyed out with why.
  const chooser = page.getByTestId('series-chooser');
  await expect(chooser).toBeVisible();
  const corrupt = chooser.getByRole('button', { name: /CORRUPT J2K/ });
  await expect(corrupt).toBeDisabled();
  await expect(corrupt).toContainText('only 1 slice');
  await expectPageNotBlank(page);
});

test('a two-slice series: a clear message that a volume needs at least 3 slices', async ({ page }) => {
  const two = await seriesFixture('two-slices', { slices: 2, seriesDescription: 'TWO SLICES', seed: 301 });
  await page.goto('/');
  await pickFiles(
    page,
    two.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'error');
  const error = page.getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('TWO SLICES');
  await expect(error).toContainText('only 2 slices');
  await expect(error).toContainText('at least 3');
  await expect(page.getByTestId('empty-state')).toContainText('Could not open the study');
  await expectPageNotBlank(page);
});

test('an MR series: the user is told it is not CT, and can still view it with a not-CT warning', async ({ page }) => {
  const mr = await caseFixture('mr', { slices: 12 }, 'mr');
  const [c, r, s] = mr.truth!.geometry.dimensions;
  await page.goto('/');
  await pickFiles(
    page,
    mr.files.map((f) => f.absPath),
  );
  // No CT series to open by default: an explanation that names what was found.
  await expectOutcome(page, 'error');
  const error = page.getByTestId('error');
  await expect(error).toContainText('no CT series');
  await expect(error).toContainText('MR');
  await expectPageNotBlank(page);

  // The MR series is offered; opened anyway, it shows with a warning that it is not CT.
  const series = page.getByTestId('series-chooser').getByRole('button', { name: /MR/ });
  await expect(series).toBeEnabled();
  await series.click();
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('dimensions')).toHaveText(`${c} × ${r} × ${s}`);
  const warnings = page.getByTestId('volume-warnings');
  await expect(warnings).toBeVisible();
  await expect(warnings).toContainText('not CT');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
