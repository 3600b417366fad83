/**
 * The clinician's path on the fracture demo with the SHIPPED models (public/models), in
 * Chromium through the analysis worker (WebAssembly): the table shows the phantom's vertebrae at
 * their levels; dragging a keypoint of a normal vertebra changes its grade live; a reload brings
 * the edit back; the exported PDF (pdftoppm, pdftotext) prints the edited heights.
 *
 * The demo's ground truth (public/demo/phantom-chest/ground_truth.json): T6 mild wedge,
 * T8 moderate biconcave, T11 severe crush, T12 moderate wedge, the rest T3–L1 normal.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { matchGroundTruth, type GroundTruthDocument } from '../src/core/pipeline/groundTruthMatch';
import type { AnalysisResult } from '../src/core/pipeline/result';
import { levelsNearTransitionalVertebrae } from '../src/core/report/summaryText';
import { expectAnalysis } from './support/models';
import { expectOutcome, meanAround, viewPixels, type ViewName } from './support/page';
import { dragReviewPoint, reviewPagePoint, rowHeights } from './support/review';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(here, '.out', 'fracture-phantom');
const truthDocument = JSON.parse(readFileSync(resolve(here, '..', 'public', 'demo', 'phantom-chest', 'ground_truth.json'), 'utf8'));
const groundTruth = truthDocument as GroundTruthDocument;
const truth = truthDocument as { vertebrae: { level: string; grade: number; type: string }[] };

test.beforeAll(() => mkdirSync(OUT, { recursive: true }));

function row(page: Page, level: string) {
  return page.locator(`[data-testid="vertebra-row"][data-level="${level}"]`);
}

async function heights(page: Page, level: string): Promise<number[]> {
  return rowHeights(row(page, level));
}

test('fracture demo with the shipped models: vertebrae at their levels, a dragged keypoint regrades, the edit survives a reload and is in the PDF', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?demo=phantom');
  await expectOutcome(page, 'ready');
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done', 180_000);
  await expect(page.getByTestId('review-pane')).toHaveAttribute('data-ready', 'true');
  await page.screenshot({ path: resolve(OUT, 'analysed.png') });

  // The worker's result against the ground truth: as in Node (src/node/phantomAccuracy.test.ts),
  // every vertebra found, at its level, nothing extra. The other bar (fractures of grade 2
  // or worse graded so) is not met by the shipped models: they grade T8 (normal) and T12 (mild)
  // too mildly.
  const result = (await page.evaluate(() => window.__spinelens!.getReviewResult())) as AnalysisResult;
  const cmp = matchGroundTruth(result, groundTruth);
  const missed = cmp.vertebrae.filter((v) => !v.found).map((v) => v.truthLevel);
  expect(missed, 'missed').toEqual([]);
  expect(cmp.vertebrae.filter((v) => v.found && !v.levelRight).map((v) => `${v.truthLevel}->${v.level}`)).toEqual([]);
  expect(cmp.summary.extra).toBe(0);

  // The vertebrae the AI is less sure of (objectness below the paper's 0.7) carry a "check"
  // badge and the summary names them; the others carry none. Which ones depends on the models:
  // the session-14 detector read T11, the severe crush, at 0.59, the session-15 one at 0.79, so
  // with the shipped files the list may be empty (src/core/review/aiConfidence.test.ts and
  // src/core/report/pdfReport.test.ts hold the rule with a vertebra below it).
  const unsure = result.vertebrae.filter((v) => v.objectness < 0.7).map((v) => v.level!);
  const flagged = await page.locator('[data-testid="vertebra-row"][data-check="true"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-level')));
  expect(flagged).toEqual(unsure);
  await expect(page.getByTestId('check-badge')).toHaveCount(unsure.length);
  for (const level of unsure) await expect(row(page, level).getByTestId('check-badge')).toBeVisible();
  if (unsure.length > 0) await expect(page.getByTestId('review-summary')).toContainText(`The AI is less sure of ${unsure.length === 1 ? unsure[0] : ''}`);
  else await expect(page.getByTestId('review-summary')).not.toContainText('less sure');
  // T3-L1: no level near a transitional vertebra, so no caveat on the count (summaryText.test.ts has both ways)
  expect(result.vertebrae.map((v) => v.level).filter((l) => l !== null && levelsNearTransitionalVertebrae.has(l))).toEqual([]);
  await expect(page.getByTestId('review-levels-caveat')).toHaveCount(0);

  // The straightened image reads as CT at the bone window: a vertebral body (its six points'
  // centre) is brighter than the tissue 25 mm in front of its anterior wall.
  const gray = await viewPixels(page, 'review' as ViewName);
  const box = (await page.getByTestId('viewport-review').locator('canvas').first().boundingBox())!;
  const bodies = result.vertebrae.filter((v) => v.level && v.grade === 0);
  let brighter = 0;
  for (const v of bodies) {
    const c = [0, 1].map((k) => v.pointsPx.reduce((sum, p) => sum + p[k], 0) / 6) as [number, number];
    const front = [Math.min(v.pointsPx[0][0], v.pointsPx[1][0]) - 25 / result.midSagittal.stepMm, c[1]] as [number, number];
    const [pc, pf] = [await reviewPagePoint(page, c), await reviewPagePoint(page, front)];
    if (meanAround(gray, pc.x - box.x, pc.y - box.y, 3) > meanAround(gray, pf.x - box.x, pf.y - box.y, 3)) brighter++;
  }
  expect(brighter, `bodies brighter than the tissue in front of them`).toBe(bodies.length);

  // A normal vertebra: drag its anterior-inferior point up by 40 % of its anterior height.
  let level = '';
  for (const t of truth.vertebrae.filter((v) => v.grade === 0)) {
    if ((await row(page, t.level).count()) === 1 && (await row(page, t.level).getAttribute('data-grade')) === '0') {
      level = t.level;
      break;
    }
  }
  expect(level, 'a normal vertebra found and graded normal').not.toBe('');
  await row(page, level).click();
  const before = await heights(page, level);
  const id = (await row(page, level).getAttribute('data-id'))!;
  const points = await page.evaluate((vid) => window.__spinelens!.getReviewResult()!.vertebrae.find((v) => v.id === vid)!.pointsPx, id);
  const liftPx = 0.4 * before[0];
  await dragReviewPoint(page, points[1], [points[1][0], points[1][1] - liftPx]);
  await expect(row(page, level)).toHaveAttribute('data-source', 'edited');
  const after = await heights(page, level);
  expect(after[0]).toBeLessThan(before[0] - 0.3 * before[0]);
  expect(Number(await row(page, level).getAttribute('data-grade'))).toBeGreaterThanOrEqual(2);
  await expect(row(page, level)).toHaveAttribute('data-grade', /^[23]$/);
  await page.screenshot({ path: resolve(OUT, 'edited.png') });

  // Reload and open the demo again: the edit is there without a new analysis.
  await page.reload();
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('review-restored')).toBeVisible();
  await expect(row(page, level)).toHaveAttribute('data-source', 'edited');
  expect(await heights(page, level)).toEqual(after);

  // The PDF: rendered by pdftoppm, and pdftotext shows the edited heights.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
  const pdf = resolve(OUT, 'report.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const line = text.split('\n').find((l) => l.trim().startsWith(`${level} `) && l.includes('edited'));
  expect(line, `the ${level} row of the PDF table`).toBeTruthy();
  for (const h of after) expect(line).toContain(h.toFixed(1));
  expect(text).toContain('must be checked by a physician');
  execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', pdf, resolve(OUT, 'report')]);
  expect(statSync(resolve(OUT, 'report-1.png')).size).toBeGreaterThan(20_000);
});
