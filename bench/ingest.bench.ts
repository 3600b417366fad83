/**
 * Ingest benchmark (`npm run bench:ingest`): how fast a 512 x 512 x 300 uncompressed CT series
 * (the generator's 'bench-512' case, ~160 MB in 300 files) goes from disk to a Volume in Node,
 * and from the file picker to the first sagittal image in Chromium.
 *
 * - Node (a): read every file's bytes with fs.readFile, one after another (the floor: no parsing).
 * - Node (b): fsSources + scanStudy + loadSeries, the same core the browser's worker runs.
 *   Goal: (b) at least half the throughput of (a).
 * - Chromium: the built app served by `vite preview`, /usr/bin/chromium headless; the 300 files
 *   set on the "Open files" input; time from the input's change event to the status "ready"
 *   (set once the volume is rendered in the three views). A fresh page each run. Goal: <= 2 s.
 *
 * Medians of N runs; the page cache is warmed first so that (a) and (b) read from memory alike.
 * The fixture is written once to bench/.out/bench-512 (gitignored) and reused.
 *
 * Options: --node-runs N (default 5), --browser-runs N (default 3), --skip-browser.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { loadSeries, scanStudy } from '../src/core/ingest';
import { fsSources } from '../src/node/fsSources';
import { CASE, ensureFixture, fixtureDir, freePort, log, median, now, outDir, positiveIntArg, root, run, sec, waitForUrl } from './support';

const distDir = join(outDir, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const args = process.argv.slice(2);
const intArg = (name: string, fallback: number) => positiveIntArg(args, name, fallback);
const NODE_RUNS = intArg('node-runs', 5);
const BROWSER_RUNS = intArg('browser-runs', 3);
const SKIP_BROWSER = args.includes('--skip-browser');




async function plainRead(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await readFile(f)).byteLength;
  return total;
}

interface IngestTiming {
  total: number;
  scan: number;
  load: number;
  dims: number[];
}

async function coreIngest(dir: string): Promise<IngestTiming> {
  const t0 = now();
  const sources = await fsSources([dir]);
  const catalog = await scanStudy(sources);
  const t1 = now();
  const best = catalog.result.bestSeriesId;
  if (!best) throw new Error(`no CT volume found in ${dir}: ${JSON.stringify(catalog.result.skipped.slice(0, 3))}`);
  const volume = await loadSeries(catalog, best);
  const t2 = now();
  return { total: t2 - t0, scan: t1 - t0, load: t2 - t1, dims: [...volume.geometry.dimensions] };
}




interface BrowserTiming {
  /** change event to status "ready", ms. */
  total: number;
  /** ms from the change event to each status word's first appearance. */
  phases: Record<string, number>;
  dimensions: string;
}

async function browserRuns(files: string[], runs: number): Promise<BrowserTiming[]> {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const t0 = now();
  log('building the app (vite build) into bench/.out/dist...');
  await run(process.execPath, [vite, 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'error']);
  log(`  built in ${sec(now() - t0)}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const preview = spawn(process.execPath, [vite, 'preview', '--outDir', distDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const browser = await (async () => {
    await waitForUrl(url, preview, 30_000);
    return chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  })().catch((e: unknown) => {
    preview.kill();
    throw e;
  });
  const timings: BrowserTiming[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByTestId('status').waitFor();
      // Record, in the page, when the input fires and when each status word first shows.
      await page.evaluate(() => {
        const w = window as unknown as { __bench: { change: number | null; phases: Record<string, number> } };
        w.__bench = { change: null, phases: {} };
        const input = document.querySelector('[data-testid="file-input"]')!;
        input.addEventListener('change', () => (w.__bench.change = performance.now()), { capture: true });
        const status = document.querySelector('[data-testid="status"]')!;
        new MutationObserver(() => {
          const word = status.textContent?.trim() ?? '';
          if (!(word in w.__bench.phases)) w.__bench.phases[word] = performance.now();
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });
      await page.getByTestId('file-input').setInputFiles(files);
      await page.waitForFunction(
        () => {
          const s = document.querySelector('[data-testid="status"]')?.textContent?.trim();
          return s === 'ready' || s === 'error';
        },
        null,
        { timeout: 120_000, polling: 50 },
      );
      const status = (await page.getByTestId('status').textContent())?.trim();
      if (status !== 'ready') throw new Error(`Chromium run ${i + 1}: status ${status}: ${await page.getByTestId('status-text').textContent()}`);
      const bench = await page.evaluate(() => (window as unknown as { __bench: { change: number | null; phases: Record<string, number> } }).__bench);
      if (bench.change === null) throw new Error('the file input fired no change event');
      const phases = Object.fromEntries(Object.entries(bench.phases).map(([k, v]) => [k, v - bench.change!]));
      const dimensions = (await page.getByTestId('dimensions').textContent()) ?? '';
      timings.push({ total: phases.ready, phases, dimensions });
      log(`  Chromium run ${i + 1}: ${sec(phases.ready)} (${Object.entries(phases).map(([k, v]) => `${k} at ${sec(v)}`).join(', ')})`);
      await context.close();
    }
  } finally {
    await browser.close();
    preview.kill();
  }
  return timings;
}

async function main(): Promise<void> {
  const started = now();
  const { files, bytes, dimensions } = await ensureFixture();
  const mb = bytes / 1e6;
  log(`fixture: ${files.length} files, ${mb.toFixed(1)} MB, ${dimensions.join(' x ')}; ${cpus().length} CPU(s), node ${process.version}`);

  // Warm the page cache so both Node measurements read from memory.
  await plainRead(files);
  const readMs: number[] = [];
  for (let i = 0; i < NODE_RUNS; i++) {
    const t0 = now();
    const n = await plainRead(files);
    readMs.push(now() - t0);
    if (n !== bytes) throw new Error(`read ${n} bytes, expected ${bytes}`);
  }
  log(`Node plain read: ${readMs.map(sec).join(', ')}`);

  const ingest: IngestTiming[] = [];
  for (let i = 0; i < NODE_RUNS; i++) {
    const t = await coreIngest(fixtureDir);
    if (t.dims.join('x') !== dimensions.join('x')) throw new Error(`ingest gave ${t.dims.join('x')}, expected ${dimensions.join('x')}`);
    ingest.push(t);
    log(`Node ingest run ${i + 1}: ${sec(t.total)} (scan ${sec(t.scan)}, load ${sec(t.load)})`);
  }

  let browser: BrowserTiming[] = [];
  if (!SKIP_BROWSER) browser = await browserRuns(files, BROWSER_RUNS);

  const readMed = median(readMs);
  const ingestMed = median(ingest.map((t) => t.total));
  const readMBs = mb / (readMed / 1000);
  const ingestMBs = mb / (ingestMed / 1000);
  const ratio = ingestMBs / readMBs;
  const rows: string[][] = [
    ['Node (a) fs.readFile of every file', `${sec(readMed)} · ${readMBs.toFixed(0)} MB/s`, '', ''],
    [
      'Node (b) scanStudy + loadSeries',
      `${sec(ingestMed)} · ${ingestMBs.toFixed(0)} MB/s (scan ${sec(median(ingest.map((t) => t.scan)))}, load ${sec(median(ingest.map((t) => t.load)))})`,
      '',
      '',
    ],
    ['Node ratio (b)/(a), MB/s', ratio.toFixed(2), '≥ 0.5', ratio >= 0.5 ? 'pass' : 'FAIL'],
  ];
  if (browser.length > 0) {
    const total = median(browser.map((b) => b.total));
    // Phase durations from the status words: scanning = read + parse (worker), loading = decode +
    // assemble + transfer (worker), rendering = Cornerstone volume, texture upload, first frames.
    const span = (from: string, to: string) => {
      const xs = browser.map((b) => (b.phases[to] ?? NaN) - (b.phases[from] ?? 0)).filter((x) => Number.isFinite(x));
      return xs.length ? sec(median(xs)) : 'n/a';
    };
    rows.push([
      'Chromium: input change → status ready (first sagittal image)',
      `${sec(total)} (until scan starts ${span('', 'scanning')}, scan ${span('scanning', 'loading')}, load ${span('loading', 'rendering')}, render ${span('rendering', 'ready')})`,
      '≤ 2 s',
      total <= 2000 ? 'pass' : `FAIL (+${sec(total - 2000)})`,
    ]);
    const dims = [...new Set(browser.map((b) => b.dimensions))];
    if (dims.length !== 1 || dims[0] !== dimensions.join(' × ')) throw new Error(`Chromium showed ${dims.join(', ')}, expected ${dimensions.join(' × ')}`);
  }
  const table = [
    `### Ingest benchmark: ${CASE}, ${files.length} files, ${mb.toFixed(1)} MB, ${dimensions.join(' × ')} (medians: Node of ${NODE_RUNS}, Chromium of ${browser.length})`,
    '',
    '| measurement | median | goal | result |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, Chromium ${CHROMIUM}; page cache warm; total bench time ${sec(now() - started)}.`,
  ].join('\n');
  console.log(table);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
