/**
 * A phantom study with known fractures, dropped on the page as a user drops files, analysed in Chromium
 * by the SHIPPED models (public/models) through the worker: the table shows each fracture at its
 * level with its grade and type, and the summary names them.
 *
 * The study is written here by the training code's generator (seed 3 000 001, thoracolumbar, a
 * moderate wedge fracture of T12 and a severe crush of L2: never trained on nor held out; 256 ×
 * 256 pixels and 2 mm slices, 18 MB, small enough to drop). It is the phantom of
 * src/node/phantomAccuracy.test.ts (there at full size), whose two fractures the shipped models
 * grade right; two of the fracture demo's three they still grade too mildly (that test's expected
 * failure, and training/README.md), so the demo cannot carry this check yet.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectAnalysis } from './support/models';
import { dropFiles, expectOutcome } from './support/page';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const OUT = resolve(here, '.out', 'known-fracture');
const STUDY = resolve(OUT, 'study');
const FRACTURES = [
  { level: 'T12', grade: 2, type: 'wedge' },
  { level: 'L2', grade: 3, type: 'crush' },
] as const;

interface Truth {
  vertebrae: { level: string; grade: number; type: string }[];
}

test.beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
  const args = ['-m', 'phantom.cli', '--seed', '3000001', '--preset', 'thoracolumbar', '--out', STUDY, '--format', 'dicom', '--force', '--matrix', '256', '--slice-mm', '2'];
  for (const f of FRACTURES) args.push('--fracture', `${f.level}:${f.grade}:${f.type}`);
  execFileSync('/usr/bin/python3', args, { cwd: resolve(root, 'training'), stdio: 'pipe' });
});

function row(page: Page, level: string) {
  return page.locator(`[data-testid="vertebra-row"][data-level="${level}"]`);
}

test('a phantom with a known moderate and severe fracture: the table shows each at its level with its grade', async ({ page }) => {
  test.setTimeout(300_000);
  const truth = JSON.parse(readFileSync(resolve(STUDY, 'ground_truth.json'), 'utf8')) as Truth;
  for (const f of FRACTURES) {
    expect(truth.vertebrae.find((v) => v.level === f.level), `the generator made ${f.level}`).toMatchObject({ grade: f.grade, type: f.type });
  }

  await page.goto('/');
  const files = readdirSync(STUDY)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ path: n, bytes: readFileSync(resolve(STUDY, n)) }));
  await dropFiles(page, files, page.getByTestId('empty-state'));
  await expectOutcome(page, 'ready', 120_000);
  await page.getByTestId('analyze-button').click();
  await expectAnalysis(page, 'done', 240_000);
  await expect(page.getByTestId('review-pane')).toHaveAttribute('data-ready', 'true');

  for (const f of FRACTURES) {
    const r = row(page, f.level);
    await expect(r, `one row for ${f.level}`).toHaveCount(1);
    await expect(r).toHaveAttribute('data-grade', String(f.grade));
    await expect(r).toHaveAttribute('data-source', 'AI');
    await expect(r.locator('td').nth(6)).toHaveText(f.type);
  }
  // Every other vertebra the table shows is graded normal or mild: no fracture where there is none.
  for (const r of await page.locator('[data-testid="vertebra-row"]').all()) {
    const level = await r.getAttribute('data-level');
    if (FRACTURES.some((f) => f.level === level)) continue;
    expect(Number(await r.getAttribute('data-grade')), `${level} graded`).toBeLessThan(2);
  }
  const summary = page.getByTestId('review-summary');
  const names = { 2: 'moderate', 3: 'severe' } as const;
  await expect(summary).toContainText('Vertebral compression fractures at');
  for (const f of FRACTURES) await expect(summary).toContainText(`${f.level} (${names[f.grade]}, ${f.type})`);
  await page.screenshot({ path: resolve(OUT, 'analysed.png') });
});
