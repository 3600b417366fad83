/**
 * Opening a generated CT series (JPEG 2000 lossless, the phantom of src/testing/dicom/phantom.ts)
 * with the file picker and with a real drop: the study loads, the header describes it, and the
 * sagittal view shows the phantom where its geometry says it is.
 */
import { expect, test, type Page } from '@playwright/test';
import { BONE_ROD, HU } from '../src/testing/dicom/phantom';
import { caseFixture, readBytes, type DiskFixture } from './support/fixtures';
import { dropFiles, expectOutcome, meanAround, pickFiles, viewPixels, worldToCanvas } from './support/page';

let fixture: DiskFixture;

test.beforeAll(async () => {
  // 64 x 64 x 40 at 4 x 4 x 2 mm, JPEG 2000 lossless (decoded by OpenJPEG in the ingest worker).
  fixture = await caseFixture('jpeg2000', { slices: 40 }, 'open-jpeg2000');
});

function expectedSpacing(spacing: readonly number[]): string {
  return `${spacing.map((s) => s.toFixed(2)).join(' × ')} mm`;
}

/** Header, then the pixels: the bone rod and the water at the grey levels their HU give, in two presets. */
async function expectPhantomOnScreen(page: Page): Promise<void> {
  const truth = fixture.truth!;
  const [c, r, s] = truth.geometry.dimensions;
  await expect(page.getByTestId('dimensions')).toHaveText(`${c} × ${r} × ${s}`);
  await expect(page.getByTestId('spacing')).toHaveText(expectedSpacing(truth.geometry.spacingMm));
  // PN "PHANTOM^SPINELENS" (family^given) is shown as a reader expects it: "PHANTOM, SPINELENS".
  await expect(page.getByTestId('patient-name')).toHaveText('PHANTOM, SPINELENS');
  await expect(page.getByTestId('error')).toHaveCount(0);

  // Patient points in the mid-sagittal plane: the rod's axis (bone, +700 HU) at two heights, and
  // water (0 HU) 60 mm anterior of the centre. None is near a bead or the marker.
  const rodY = BONE_ROD.centerXYMm[1];
  const points: [number, number, number][] = [
    [0, rodY, -20],
    [0, rodY, 10],
    [0, -60, -20],
    [0, -60, 10],
  ];
  const canvasPts = await worldToCanvas(page, 'sagittal', points);

  const brightness = async () => {
    const gray = await viewPixels(page, 'sagittal');
    for (const [x, y] of canvasPts) {
      expect(x, 'phantom point inside the sagittal view').toBeGreaterThan(5);
      expect(y).toBeGreaterThan(5);
      expect(x).toBeLessThan(gray.width - 5);
      expect(y).toBeLessThan(gray.height - 5);
    }
    const at = canvasPts.map(([x, y]) => meanAround(gray, x, y, 4));
    return { rod: (at[0] + at[1]) / 2, water: (at[2] + at[3]) / 2, rodSpread: Math.abs(at[0] - at[1]) };
  };

  // The grey a linear VOI gives a HU value: (HU - lower) / width, clipped to 0..255.
  const greyOf = (hu: number, p: { width: number; level: number }) =>
    255 * Math.min(1, Math.max(0, (hu - (p.level - p.width / 2)) / p.width));

  // Bone window (W 1800 L 400, the default): bone 700 HU -> 170, water 0 HU -> 71.
  await page.getByTestId('preset-bone').click();
  await expect(page.getByTestId('preset-bone')).toHaveAttribute('aria-pressed', 'true');
  const bone = await brightness();
  // Soft-tissue window (W 400 L 40): bone saturates white, water -> 102.
  await page.getByTestId('preset-soft').click();
  await expect(page.getByTestId('preset-soft')).toHaveAttribute('aria-pressed', 'true');
  const soft = await brightness();
  test.info().annotations.push({ type: 'brightness', description: JSON.stringify({ bone, soft }) });

  const BONE = { width: 1800, level: 400 };
  const SOFT = { width: 400, level: 40 };
  // Tolerance 15 grey levels: the HU must be right (rescale, signedness) to land there.
  expect(Math.abs(bone.rod - greyOf(HU.bone, BONE)), `rod grey ${bone.rod} in the bone window`).toBeLessThan(15);
  expect(Math.abs(bone.water - greyOf(HU.water, BONE)), `water grey ${bone.water} in the bone window`).toBeLessThan(15);
  expect(Math.abs(soft.rod - greyOf(HU.bone, SOFT)), `rod grey ${soft.rod} in the soft-tissue window`).toBeLessThan(15);
  expect(Math.abs(soft.water - greyOf(HU.water, SOFT)), `water grey ${soft.water} in the soft-tissue window`).toBeLessThan(15);
  expect(bone.rodSpread, 'the rod looks the same at both heights').toBeLessThan(15);
  // The preset changes what is shown.
  expect(soft.water - bone.water, 'water brighter in the soft-tissue than in the bone window').toBeGreaterThan(20);
}

test('a CT series opened with the file picker loads and shows the phantom', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('idle');
  await pickFiles(
    page,
    fixture.files.map((f) => f.absPath),
  );
  await expectOutcome(page, 'ready');
  await expectPhantomOnScreen(page);
});

test('the same series dropped on the page (a real drop event) loads and shows the phantom', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('idle');
  const { overlayShown } = await dropFiles(page, readBytes(fixture), page.getByTestId('empty-state'));
  expect(overlayShown, 'the "Drop to open" overlay shows while files are dragged over the page').toBe(true);
  await expectOutcome(page, 'ready');
  await expect(page.getByTestId('drop-zone')).not.toHaveClass(/drop-overlay--visible/);
  await expect(page.getByTestId('status-text')).toHaveText('Ready');
  await expectPhantomOnScreen(page);
});
