/** The review view and table as the end-to-end tests drive them. */
import type { Locator, Page } from '@playwright/test';

/** A table row's three heights (anterior, middle, posterior) as it prints them, mm. */
export async function rowHeights(row: Locator): Promise<number[]> {
  return Promise.all(['height-anterior', 'height-middle', 'height-posterior'].map(async (t) => parseFloat(await row.getByTestId(t).innerText())));
}

/** Page coordinates of a straightened-image pixel (column, row) in the review view. */
export async function reviewPagePoint(page: Page, pointPx: readonly [number, number]): Promise<{ x: number; y: number }> {
  const p = await page.evaluate((pt) => window.__spinelens!.getReviewPagePoint(pt), [pointPx[0], pointPx[1]] as [number, number]);
  if (!p) throw new Error('the review view is not showing an image');
  return p;
}

/** A mouse drag in the review view from one image pixel to another. */
export async function dragReviewPoint(page: Page, fromPx: readonly [number, number], toPx: readonly [number, number]): Promise<void> {
  const from = await reviewPagePoint(page, fromPx);
  const to = await reviewPagePoint(page, toPx);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}
