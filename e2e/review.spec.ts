/**
 * The clinician's review after an analysis: the straightened image with six-point segments, the
 * table in step with it, a dragged keypoint changing the heights live, undo and redo, the edits
 * kept across a reload, and the three exports (the PDF read back with pdftotext and pdftoppm).
 *
 * The analysis runs the tiny untrained test models (e2e/support/models.ts): they find some
 * "vertebrae" on a generated bone rod, which is all the review needs; accuracy on a fracture
 * phantom with the shipped models is tested in e2e/fracturePhantom.spec.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { caseFixture, type DiskFixture } from './support/fixtures';
import { expectAnalysis, serveModels } from './support/models';
import { expectOutcome, pickFiles } from './support/page';
import { dragReviewPoint, reviewPagePoint, rowHeights } from './support/review';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '.out', 'review');
let fixture: DiskFixture;

test.beforeAll(async () => {
  fixture = await caseFixture('plain', { slices: 40 }, 'review-plain');
  mkdirSync(OUT, { recursive: true });
});

async function openAndAnalyze(page: Page): Promise<void> {
  const served = await serveModels(page, 'ok');
  await page.goto(`/?models=${served.base}`);
  await pickFiles(page, fixture.files.map((f) => f.absPath));
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done');
  await expect(page.getByTestId('review-pane')).toHaveAttribute('data-ready', 'true');
}

async function heights(page: Page, id: string): Promise<number[]> {
  return rowHeights(page.locator(`[data-testid="vertebra-row"][data-id="${id}"]`));
}

test('review: drag a keypoint, undo/redo, reload keeps the edit, export PDF/JSON/CSV', async ({ page }) => {
  await openAndAnalyze(page);
  expect(await page.getByTestId('vertebra-row').count()).toBeGreaterThan(0);
  await page.screenshot({ path: resolve(OUT, 'review-analysed.png') });

  // The untrained models scatter their points: take the vertebra whose anterior-inferior point
  // lies in the image farthest from every other handle, so the drag grabs that one.
  const { id, pointsPx } = await page.evaluate(() => {
    const r = window.__spinelens!.getReviewResult()!;
    const all = r.vertebrae.flatMap((v) => v.pointsPx.map((p, i) => ({ id: v.id, i, p })));
    let best = { id: '', pointsPx: [] as [number, number][], clearance: -1 };
    for (const v of r.vertebrae) {
      const [c, row] = v.pointsPx[1];
      if (c < 4 || c > r.midSagittal.columns - 4 || row < 12 || row > r.midSagittal.rows - 4) continue;
      const clearance = Math.min(...all.filter((h) => !(h.id === v.id && h.i === 1)).map((h) => Math.hypot(h.p[0] - c, h.p[1] - row)));
      if (clearance > best.clearance) best = { id: v.id, pointsPx: v.pointsPx as [number, number][], clearance };
    }
    return best;
  });
  expect(id).not.toBe('');

  // Clicking a row selects it in the table and in the view.
  const row = page.locator(`[data-testid="vertebra-row"][data-id="${id}"]`);
  await row.click();
  await expect(row).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('selected-vertebra')).toHaveAttribute('data-id', id);

  // Drag its anterior-inferior point (index 1) 6 mm up: the anterior height shrinks by ~6 mm.
  const before = await heights(page, id);
  await dragReviewPoint(page, pointsPx[1], [pointsPx[1][0], pointsPx[1][1] - 6]);
  await expect(row).toHaveAttribute('data-source', 'edited');
  const after = await heights(page, id);
  expect(Math.abs(before[0] - after[0] - 6)).toBeLessThan(1.0);
  expect(after[1]).toBeCloseTo(before[1], 1);
  await page.screenshot({ path: resolve(OUT, 'review-edited.png') });

  // Undo and redo, with the keys.
  await page.keyboard.press('Control+z');
  await expect(row).toHaveAttribute('data-source', 'AI');
  expect(await heights(page, id)).toEqual(before);
  await page.keyboard.press('Control+Shift+z');
  await expect(row).toHaveAttribute('data-source', 'edited');
  expect(await heights(page, id)).toEqual(after);
  await expect(page.getByTestId('review-saved')).toContainText('Saved in this browser');

  // Reload, open the same study: the edited result comes back without analysing again.
  await page.reload();
  await pickFiles(page, fixture.files.map((f) => f.absPath));
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('review-restored')).toBeVisible();
  await expect(row).toHaveAttribute('data-source', 'edited');
  expect(await heights(page, id)).toEqual(after);

  // Exports: JSON and CSV carry the edited heights, the PDF prints them.
  for (const kind of ['json', 'csv', 'pdf'] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
    const path = resolve(OUT, `export.${kind}`);
    await download.saveAs(path);
  }
  const json = JSON.parse(readFileSync(resolve(OUT, 'export.json'), 'utf8')) as { vertebrae: { id: string; edited: boolean; heightsMm: { anterior: number } }[] };
  const v = json.vertebrae.find((x) => x.id === id)!;
  expect(v.edited).toBe(true);
  expect(v.heightsMm.anterior.toFixed(1)).toBe(after[0].toFixed(1));
  const csv = readFileSync(resolve(OUT, 'export.csv'), 'utf8').trim().split('\r\n').map((line) => line.split(','));
  const csvRow = csv.find((r) => r[csv[0].indexOf('id')] === id)!;
  expect(csvRow[csv[0].indexOf('edited')]).toBe('true');
  expect(Math.abs(parseFloat(csvRow[csv[0].indexOf('anteriorHeightMm')]) - after[0])).toBeLessThanOrEqual(0.05);
  const text = execFileSync('pdftotext', ['-layout', resolve(OUT, 'export.pdf'), '-'], { encoding: 'utf8' });
  expect(text).toContain('must be checked by a physician');
  expect(text).toContain(after[0].toFixed(1));
  expect(text).toMatch(/Edited by a person/i);
  execFileSync('pdftoppm', ['-r', '40', '-png', '-f', '1', '-l', '1', resolve(OUT, 'export.pdf'), resolve(OUT, 'export-page')]);
  writeFileSync(resolve(OUT, 'export-text.txt'), text);
});

test('review: the ruler reads mm on the straightened image; select, level, not evaluable, delete, add, with keys', async ({ page }) => {
  await openAndAnalyze(page);
  const rows = page.getByTestId('vertebra-row');
  const count = await rows.count();
  expect(count).toBeGreaterThan(2);

  // Ruler (R) on the straightened image: 50 pixels down one column are 50 mm (1 mm per pixel).
  await page.keyboard.press('r');
  const a = await reviewPagePoint(page, [64, 10]);
  const b = await reviewPagePoint(page, [64, 60]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  const lengths = await page.evaluate(() => window.__spinelens!.getReviewLengthsMm());
  expect(lengths).toHaveLength(1);
  expect(lengths[0]).toBeCloseTo(50, 0);
  await page.keyboard.press('Escape');

  // ↓ selects the first vertebra, then the next; the linked views centre on the selected one.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const second = rows.nth(1);
  await expect(second).toHaveAttribute('data-selected', 'true');
  const id = (await second.getAttribute('data-id'))!;
  const [focal, centroid] = await page.evaluate((vid) => {
    const v = window.__spinelens!.getReviewResult()!.vertebrae.find((x) => x.id === vid)!;
    const c = [0, 1, 2].map((k) => v.pointsMm.reduce((s, p) => s + p[k], 0) / 6);
    return [window.__spinelens!.getViewport('axial')!.getCamera().focalPoint, c];
  }, id);
  for (let k = 0; k < 3; k++) expect(Math.abs(focal![k] - centroid[k])).toBeLessThan(0.5);

  // A level set on the second vertebra: its neighbours follow the sequence.
  await page.getByTestId('level-select').selectOption('T13');
  await expect(second).toHaveAttribute('data-level', 'T13');
  await expect(rows.nth(0)).toHaveAttribute('data-level', 'T12');
  await expect(rows.nth(2)).toHaveAttribute('data-level', 'L1');

  // N marks it not evaluable (greyed, out of the summary); N again undoes that.
  await page.keyboard.press('n');
  await expect(second).toHaveAttribute('data-source', 'not evaluable');
  await page.keyboard.press('n');
  await expect(second).not.toHaveAttribute('data-source', 'not evaluable');

  // Delete removes it, Ctrl+Z brings it back; Insert adds a template vertebra, selected.
  await page.keyboard.press('Delete');
  await expect(rows).toHaveCount(count - 1);
  await page.keyboard.press('Control+z');
  await expect(rows).toHaveCount(count);
  await page.getByTestId('vertebra-row').nth(1).click();
  await page.keyboard.press('Insert');
  await expect(rows).toHaveCount(count + 1);
  await expect(page.locator('[data-testid="vertebra-row"][data-selected="true"]')).toHaveAttribute('data-source', 'added');
  await page.screenshot({ path: resolve(OUT, 'review-keys.png') });
});
