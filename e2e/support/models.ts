/**
 * The analysis models as the end-to-end tests give them to the page: the tiny untrained test
 * models of src/core/pipeline/testdata (plumbing only, never accuracy), served with page.route
 * under a fake base URL that the page is told about with `?models=`. A test can leave files out
 * (a server with no models), change their bytes (a tampered model), or hold a response back
 * until it says so (to watch the progress or cancel mid-way).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
export const TESTDATA = resolve(here, '..', '..', 'src', 'core', 'pipeline', 'testdata');
export const MODEL_FILES = ['spine-localizer.json', 'spine-localizer.onnx', 'vertebra-detector.json', 'vertebra-detector.onnx'] as const;
export type ModelFile = (typeof MODEL_FILES)[number];

export function testModels(): Record<ModelFile, Buffer> {
  return Object.fromEntries(MODEL_FILES.map((f) => [f, readFileSync(resolve(TESTDATA, f))])) as Record<ModelFile, Buffer>;
}

export interface ServeOptions {
  /** Files to serve (missing ones answer 404); default: the test models as they are. */
  files?: Partial<Record<ModelFile, Buffer>>;
  /** Answer nothing until this resolves (every file). */
  holdUntil?: Promise<void>;
}

export interface Served {
  /** The value for `?models=`. */
  base: string;
  /** Paths requested so far (file names). */
  requested: string[];
}

/** Serves model files under `/e2e-models/<name>/` of the page's own origin (no CORS in the way). */
export async function serveModels(page: Page, name: string, options: ServeOptions = {}): Promise<Served> {
  const files = options.files ?? testModels();
  const base = `/e2e-models/${name}/`;
  const served: Served = { base, requested: [] };
  // By path, not by glob: the page's own URL carries the base in its query (?models=…).
  await page.route((url) => url.pathname.startsWith(base), async (route) => {
    const file = new URL(route.request().url()).pathname.slice(base.length);
    served.requested.push(file);
    if (options.holdUntil) await options.holdUntil;
    const body = (files as Record<string, Buffer | undefined>)[file];
    if (!body) {
      await route.fulfill({ status: 404, contentType: 'text/plain', body: `no ${file} here` });
      return;
    }
    await route.fulfill({ status: 200, contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream', body });
  });
  return served;
}

/** A gate a route handler waits on, opened by the test. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits for the analysis to end and asserts how (the failure message carries the panel's text). */
export async function expectAnalysis(page: Page, expected: 'done' | 'error' | 'cancelled', timeout = 60_000): Promise<void> {
  const panel = page.getByTestId('analysis-panel');
  await expect(panel).toHaveAttribute('data-phase', /^(done|error|cancelled)$/, { timeout });
  const phase = await panel.getAttribute('data-phase');
  if (phase !== expected) throw new Error(`expected the analysis to end "${expected}" but it is "${phase}":\n${await panel.innerText()}`);
}
