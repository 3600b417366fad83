/**
 * What the end-to-end tests do to the page and read back from it: open files through the
 * picker or a real drop, wait for the status, and read the pixels a user sees in a view.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export type ViewName = 'sagittal' | 'axial' | 'coronal';

/** The status word (idle, scanning, loading, rendering, ready, error). */
export function statusOf(page: Page): Locator {
  return page.getByTestId('status');
}

/**
 * Waits until loading ends and asserts how it ended; on the wrong outcome the failure message
 * carries the status line and the error panel, so a failing run says why.
 */
export async function expectOutcome(page: Page, expected: 'ready' | 'error', timeout = 60_000): Promise<void> {
  await expect(statusOf(page)).toHaveText(/^(ready|error)$/, { timeout });
  const status = (await statusOf(page).textContent())?.trim();
  if (status !== expected) {
    const text = await page.getByTestId('status-text').textContent();
    const messages = await page.getByTestId('messages').innerText();
    throw new Error(`expected status "${expected}" but it is "${status}": ${text}\nMessages panel:\n${messages}`);
  }
}

/** Opens files with the "Open files" picker (a real change event on the hidden input). */
export async function pickFiles(page: Page, absPaths: string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(absPaths);
}

/**
 * Drops files on `target` the way a browser does: a DataTransfer holding File objects, with
 * dragenter, dragover and drop events that bubble up to the window's drop handlers.
 * Returns whether the "Drop to open" overlay was shown while dragging.
 */
export async function dropFiles(page: Page, files: { path: string; bytes: Uint8Array }[], target: Locator): Promise<{ overlayShown: boolean }> {
  const payload = files.map((f) => ({ name: f.path.split('/').pop() ?? f.path, b64: Buffer.from(f.bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
    }
    return dt;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  const overlay = page.getByTestId('drop-zone');
  let overlayShown = true;
  try {
    await expect(overlay).toHaveClass(/drop-overlay--visible/, { timeout: 5_000 });
  } catch {
    overlayShown = false;
  }
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
  return { overlayShown };
}

/** A grey-level picture of what is on screen over a view's canvas (SVG annotations and labels included). */
export interface Gray {
  width: number;
  height: number;
  /** Luminance 0..255, row-major. */
  data: Uint8Array;
}

/** The view's canvas element (Cornerstone's 2D canvas, the size of the view, CSS pixels). */
export function viewCanvas(page: Page, view: ViewName): Locator {
  return page.getByTestId(`viewport-${view}`).locator('canvas').first();
}

/**
 * Screenshot of the view's canvas area (what the user sees there), decoded to grey levels.
 * The PNG is decoded by the page itself (createImageBitmap), so no PNG library is needed.
 * Coordinates are CSS pixels from the canvas's top-left corner, as worldToCanvas gives them.
 */
export async function viewPixels(page: Page, view: ViewName): Promise<Gray> {
  const png = await viewCanvas(page, view).screenshot({ scale: 'css', animations: 'disabled' });
  const decoded = await page.evaluate(async (b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const gray = new Uint8Array(bitmap.width * bitmap.height);
    for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
    let s = '';
    for (let i = 0; i < gray.length; i += 0x8000) s += String.fromCharCode(...gray.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, b64: btoa(s) };
  }, png.toString('base64'));
  return { width: decoded.width, height: decoded.height, data: new Uint8Array(Buffer.from(decoded.b64, 'base64')) };
}

export interface GrayStats {
  /** Share of pixels brighter than 20 (of 255). */
  nonBlackFraction: number;
  mean: number;
  std: number;
  /** 5th and 95th percentiles. */
  p5: number;
  p95: number;
}

export function grayStats(g: Gray): GrayStats {
  const hist = new Array<number>(256).fill(0);
  let sum = 0;
  let sum2 = 0;
  let nonBlack = 0;
  for (const v of g.data) {
    hist[v]++;
    sum += v;
    sum2 += v * v;
    if (v > 20) nonBlack++;
  }
  const n = g.data.length;
  const pct = (q: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v];
      if (acc >= q * n) return v;
    }
    return 255;
  };
  const mean = sum / n;
  return { nonBlackFraction: nonBlack / n, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), p5: pct(0.05), p95: pct(0.95) };
}

/** Mean grey level in a disc of `radius` CSS pixels around (x, y), clipped to the picture. */
export function meanAround(g: Gray, x: number, y: number, radius: number): number {
  let sum = 0;
  let n = 0;
  for (let j = Math.floor(y - radius); j <= Math.ceil(y + radius); j++) {
    for (let i = Math.floor(x - radius); i <= Math.ceil(x + radius); i++) {
      if (i < 0 || j < 0 || i >= g.width || j >= g.height) continue;
      if ((i - x) ** 2 + (j - y) ** 2 > radius * radius) continue;
      sum += g.data[j * g.width + i];
      n++;
    }
  }
  if (n === 0) throw new Error(`no pixel within ${radius} px of (${x}, ${y}) in a ${g.width}x${g.height} picture`);
  return sum / n;
}

/** Canvas coordinates (CSS pixels) of patient points in a view, from the viewport's own worldToCanvas. */
export async function worldToCanvas(page: Page, view: ViewName, points: [number, number, number][]): Promise<[number, number][]> {
  return page.evaluate(
    ({ view, points }) => {
      const vp = window.__spinelens?.getViewport(view);
      if (!vp) throw new Error(`window.__spinelens.getViewport('${view}') returned nothing`);
      return points.map((p) => vp.worldToCanvas(p) as [number, number]);
    },
    { view, points },
  );
}

/**
 * Points the view at a sagittal plane x = `xMm` centred on (y, z), with `parallelScaleMm`
 * (half the view height in mm), keeping its orientation; then renders and waits two frames.
 */
export async function setSagittalCamera(page: Page, center: [number, number, number], parallelScaleMm: number): Promise<void> {
  await page.evaluate(
    async ({ center, parallelScaleMm }) => {
      const vp = window.__spinelens?.getViewport('sagittal');
      if (!vp) throw new Error('no sagittal viewport');
      const cam = vp.getCamera();
      const normal = cam.viewPlaneNormal!;
      const focal = cam.focalPoint!;
      const position = cam.position!;
      // Keep the camera's distance and direction; move the focal point to the requested centre.
      const offset = [position[0] - focal[0], position[1] - focal[1], position[2] - focal[2]];
      const focalPoint = [center[0], center[1], center[2]] as [number, number, number];
      vp.setCamera({
        focalPoint,
        position: [focalPoint[0] + offset[0], focalPoint[1] + offset[1], focalPoint[2] + offset[2]],
        viewPlaneNormal: normal,
        viewUp: cam.viewUp,
        parallelScale: parallelScaleMm,
      });
      vp.render();
      await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
    },
    { center, parallelScaleMm },
  );
}
