/**
 * The ruler measures in patient millimetres: on a phantom whose two beads are exactly 80 mm
 * apart (src/testing/dicom/phantom.ts), a drag from one bead to the other in the sagittal view
 * measures 80 mm, and the label on the image says so.
 */
import { expect, test } from '@playwright/test';
import type { Vec3 } from '../src/core/volume';
import { seriesFixture, type DiskFixture } from './support/fixtures';
import { expectOutcome, meanAround, pickFiles, setSagittalCamera, viewCanvas, viewPixels, worldToCanvas } from './support/page';

let fixture: DiskFixture;

test.beforeAll(async () => {
  // 2 mm pixels and 1 mm slices centred on the phantom: both beads (radius 3 mm) sit on voxel
  // centres and span three voxels, so they are plainly visible.
  fixture = await seriesFixture('ruler-phantom', {
    columns: 128,
    rows: 128,
    pixelSpacingMm: [2, 2],
    slices: 80,
    sliceSpacingMm: 1,
    seed: 201,
  });
});

test('a ruler drawn from bead to bead in the sagittal view measures their 80 mm', async ({ page }) => {
  const truth = fixture.truth!;
  const [a, b] = truth.beads.map((bead) => bead.centerMm);
  expect(a[0], 'both beads lie in one sagittal plane').toBe(b[0]);

  await page.goto('/');
  await pickFiles(
    page,
    fixture.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');

  // Show the beads' plane (x of the beads), centred between them, 120 mm tall: ~0.2 mm a pixel.
  const mid: Vec3 = [a[0], (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  await setSagittalCamera(page, mid, 60);

  const [pa, pb] = await worldToCanvas(page, 'sagittal', [a, b]);
  // The beads are on screen where the viewport's geometry puts them: white (2000 HU in the bone
  // window) on water (grey), so worldToCanvas and the rendered image agree.
  const gray = await viewPixels(page, 'sagittal');
  for (const [name, [x, y]] of [['A', pa], ['B', pb]] as const) {
    expect(x > 10 && y > 10 && x < gray.width - 10 && y < gray.height - 10, `bead ${name} at (${x}, ${y}) is inside the view`).toBe(true);
    expect(meanAround(gray, x, y, 3), `bead ${name} is bright at its canvas position`).toBeGreaterThan(220);
  }
  const between = meanAround(gray, (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2, 3);
  expect(between, 'water (not a bead) halfway between the beads').toBeLessThan(120);

  // Ruler on the left button, by its key.
  await page.keyboard.press('r');
  await expect(page.getByTestId('tool-ruler')).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => window.__spinelens?.getActiveTool())).toBe('Length');
  expect(await page.evaluate(() => window.__spinelens?.getLengthMeasurementsMm() ?? null)).toEqual([]);

  // Canvas coordinates (CSS pixels) to page coordinates: the canvas's box on the page. Playwright's
  // mouse works in CSS pixels too; devicePixelRatio only scales the canvas's backing store.
  const box = await viewCanvas(page, 'sagittal').boundingBox();
  if (!box) throw new Error('the sagittal canvas has no box on the page');
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const backing = await viewCanvas(page, 'sagittal').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect(backing[0], 'canvas backing store = CSS size x devicePixelRatio').toBeCloseTo(box.width * dpr, 0);
  const toPage = ([x, y]: [number, number]) => ({ x: box.x + x, y: box.y + y });
  const from = toPage(pa);
  const to = toPage(pb);

  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();

  const lengths = await page.evaluate(() => window.__spinelens?.getLengthMeasurementsMm() ?? []);
  test.info().annotations.push({ type: 'ruler', description: JSON.stringify({ lengths, pa, pb, box, dpr }) });
  expect(lengths, 'one ruler measurement').toHaveLength(1);
  expect(Math.abs(lengths[0] - truth.beadDistanceMm), `measured ${lengths[0]} mm, truth ${truth.beadDistanceMm} mm`).toBeLessThanOrEqual(0.5);

  // The label drawn on the image: a number in mm, the same length.
  const label = page.getByTestId('viewport-sagittal').locator('svg text').filter({ hasText: /mm/ });
  await expect(label).toHaveCount(1);
  // The label is redrawn on the next render after the mouse is released (right after the drag it
  // can still show the length of an earlier drag position): wait for it to settle.
  const labelMm = async () => {
    const text = (await label.textContent()) ?? '';
    return { text, mm: Number(/(-?\d+(?:\.\d+)?)\s*mm/.exec(text)?.[1]) };
  };
  await expect
    .poll(async () => Math.abs((await labelMm()).mm - truth.beadDistanceMm), { message: 'length in the label, mm from the truth', timeout: 5_000 })
    .toBeLessThanOrEqual(0.5);
  const { text } = await labelMm();
  expect(text).toMatch(/^\d+(\.\d+)? mm$/);
});
