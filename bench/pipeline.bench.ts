/**
 * Pipeline benchmark (`npm run bench:pipeline`): the whole analysis (src/core/pipeline/analyze.ts,
 * resample → localizer → centreline → straighten → detector → decode → quantify) of a
 * 512 × 512 × 301 chest phantom (support.ts's bench-chest-512: T1–L1, 0.7 mm pixels, 1 mm
 * slices, with its ground truth), per stage, with peak memory:
 *
 * - Node: onnxruntime-node (cpu), in a child process of its own (bench/pipeline.node.ts). Peak
 *   memory: the process's VmHWM, reset before each run (exact), plus JS heap and ArrayBuffers
 *   sampled every 10 ms and at every progress event.
 * - Chromium, WebAssembly: the built app (vite build + vite preview, as `npm start` serves it),
 *   Debian's /usr/bin/chromium headless, the series's files opened with the file input, then
 *   "Analyze spine" clicked N + 1 times (?backend=wasm): the first (cold) run also downloads and
 *   loads the models; the medians are of the N warm runs. Between runs the bench waits, as a
 *   reader looks at the results, 2.5 s and then until the renderer's RSS stops falling: the
 *   page retires its WebAssembly worker after each analysis (analysisClient.ts), and Chromium
 *   gives that memory back about a second later. Peak memory: VmHWM of the page's
 *   renderer process (it holds the page and its workers, ORT's threads included), reset before
 *   each run; and what performance.measureUserAgentSpecificMemory (else performance.memory)
 *   reports before the first run and after the last.
 * - Chromium, WebGPU: only when Chromium with --enable-unsafe-webgpu offers a real (not fallback)
 *   adapter; otherwise the table says "no real WebGPU adapter here".
 *
 * Where the memory goes: RSS is also sampled every 10 ms (Node) or 20 ms (the renderer, read
 * from here while the page notes each change of the stage it shows) and the largest sample of
 * each stage is printed per run and in the table ("models" in the browser is the download and
 * start of onnxruntime-web and the models; "start" is before the first stage).
 *
 * Models: public/models when it holds both trained networks, else the tiny untrained test models
 * of src/core/pipeline/testdata. The table says which: with the tiny models the network stages
 * measure the plumbing, not the real networks.
 *
 * Goals (issue 5), on this 2-core machine: the whole analysis ≤ 4 s in Node and ≤ 8 s in the
 * browser; peak memory ≤ 3 × the volume's int16 size.
 *
 * --gc-probe: also open the series in a Chromium of its own started with --expose-gc, and print how
 * much of the renderer's memory over the idle page a forced collection (page and workers) gives
 * back: garbage the measured peaks carry and no code of ours holds (kept apart from the measured
 * runs, whose collections stay V8's own).
 *
 * Options: --node-runs N (default 3), --browser-runs N (default 3), --skip-node, --skip-browser,
 * --gc-probe.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { STAGES as PIPELINE_STAGES } from '../src/core/pipeline/analyze';
import { ORT_BUILD_FILES } from '../src/worker/ortBuild';
import type { NodeReport } from './pipeline.node';
import { ensurePhantomFixture, PHANTOM_CASE as CASE, phantomDir as fixtureDir, formatStagePeaks, freePort, log, mb, median, now, outDir, positiveIntArg, processMemory, rendererPids, resetPeak, root, run, sec, stagePeaks, waitForUrl, type StageSample } from './support';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// performance.memory with real numbers; measureUserAgentSpecificMemory without its random delay.
const MEMORY_ARGS = ['--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory'];
const MODEL_FILES = ['spine-localizer.json', 'spine-localizer.onnx', 'vertebra-detector.json', 'vertebra-detector.onnx'];
const STAGES: string[] = PIPELINE_STAGES.map((s) => s.name);

const args = process.argv.slice(2);
const intArg = (name: string, fallback: number) => positiveIntArg(args, name, fallback);
const NODE_RUNS = intArg('node-runs', 3);
const BROWSER_RUNS = intArg('browser-runs', 3);
const SKIP_NODE = args.includes('--skip-node');
const SKIP_BROWSER = args.includes('--skip-browser');
const GC_PROBE = args.includes('--gc-probe');

interface Models {
  dir: string;
  trained: boolean;
  description: string;
}

function chooseModels(): Models {
  const trained = join(root, 'public', 'models');
  if (MODEL_FILES.every((f) => existsSync(join(trained, f)))) {
    return { dir: trained, trained: true, description: 'the trained models in public/models' };
  }
  return {
    dir: join(root, 'src', 'core', 'pipeline', 'testdata'),
    trained: false,
    description:
      'the TINY UNTRAINED test models of src/core/pipeline/testdata (public/models is empty): the network stages time the plumbing, not the real networks',
  };
}

async function nodeBench(models: Models): Promise<NodeReport> {
  log(`Node: ${NODE_RUNS} runs in a child process (onnxruntime-node)...`);
  const out = await run(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'pipeline.node.ts'), fixtureDir, models.dir, String(NODE_RUNS)], {
    capture: true,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as NodeReport;
}

interface BrowserRun {
  cold: boolean;
  wallMs: number;
  timings: { stage: string; label: string; ms: number }[];
  backend: string;
  reason: string;
  label: string;
  peakRss: number | null;
  rssBefore: number | null;
  /** Largest sampled renderer RSS while the page showed each stage, bytes. */
  stagePeakRss: Record<string, number>;
  vertebrae: number;
}

interface BrowserReport {
  name: string;
  runs: BrowserRun[];
  /** Renderer RSS after the page loaded, before the volume. */
  rendererIdle: number | null;
  measured: { api: string; before: number | null; after: number | null };
  openMs: number;
}

/**
 * Waits at least `minMs` (the retired worker's memory comes back 1–1.5 s after the results),
 * then until the process's RSS has not fallen for 1 s, at most `maxMs`; its lowest RSS.
 */
async function settleRss(pid: number, minMs = 2500, maxMs = 6000): Promise<{ rss: number; ms: number }> {
  const t0 = now();
  let low = processMemory(pid)?.rss ?? 0;
  let lowAt = t0;
  while ((now() - t0 < minMs || now() - lowAt < 1000) && now() - t0 < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rss = processMemory(pid)?.rss ?? low;
    if (rss < low - 1e6) {
      low = rss;
      lowAt = now();
    }
  }
  return { rss: low, ms: now() - t0 };
}

/**
 * The browser's own memory figure: measureUserAgentSpecificMemory (page + workers) or
 * performance.memory; with the first, also its breakdown by realm ("Worker analysis.worker-….js
 * JS 12 MB"), largest first.
 */
async function browserMemory(page: Page): Promise<{ api: string; bytes: number | null; breakdown: string[] }> {
  return page.evaluate(async () => {
    interface Entry {
      bytes: number;
      types: string[];
      attribution: { url?: string; scope?: string }[];
    }
    const perf = performance as Performance & {
      measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: Entry[] }>;
      memory?: { usedJSHeapSize: number };
    };
    let why = 'not available';
    if (crossOriginIsolated && perf.measureUserAgentSpecificMemory) {
      const t0 = performance.now();
      // It waits for every worker of the page to answer; give up after 10 s.
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000));
      try {
        const m = await Promise.race([perf.measureUserAgentSpecificMemory(), timeout]);
        if (m !== 'timeout') {
          const breakdown = m.breakdown
            .filter((e) => e.bytes > 1e6)
            .sort((a, b) => b.bytes - a.bytes)
            .map((e) => {
              const where = e.attribution.map((a) => `${a.scope ?? ''} ${(a.url ?? '').split('/').pop() ?? ''}`.trim()).join(', ') || 'shared';
              return `${where} ${e.types.join('+') || '?'} ${(e.bytes / 1e6).toFixed(0)} MB`;
            });
          return { api: `measureUserAgentSpecificMemory (page and workers, ${(performance.now() - t0).toFixed(0)} ms)`, bytes: m.bytes, breakdown };
        }
        why = 'no answer within 10 s';
      } catch (e) {
        why = String(e);
      }
    }
    return { api: `performance.memory (main thread JS heap only; measureUserAgentSpecificMemory: ${why})`, bytes: perf.memory?.usedJSHeapSize ?? null, breakdown: [] };
  });
}

/**
 * Clicks "Analyze spine" and waits, in the page, for the outcome; returns the wall time and,
 * when `pid` is the page's renderer, its RSS sampled every 20 ms here, each sample put to the
 * stage the page was showing then (the page notes each change of stage with the wall clock).
 */
async function analyzeOnce(page: Page, pid: number | undefined): Promise<{ phase: string; ms: number; stagePeakRss: Record<string, number> }> {
  const rss: { t: number; bytes: number }[] = [];
  const sampleRss = () => {
    const m = pid !== undefined ? processMemory(pid) : null;
    if (m) rss.push({ t: Date.now(), bytes: m.rss });
  };
  const timer = setInterval(sampleRss, 20);
  let outcome: { phase: string; ms: number; changes: { stage: string; t: number }[] };
  try {
    outcome = await page.evaluate(
      () =>
        new Promise<{ phase: string; ms: number; changes: { stage: string; t: number }[] }>((resolve, reject) => {
          const panel = document.querySelector('[data-testid="analysis-panel"]')!;
          const button = document.querySelector<HTMLButtonElement>('[data-testid="analyze-button"]')!;
          if (button.disabled) reject(new Error('the Analyze button is disabled'));
          const t0 = performance.now();
          const changes = [{ stage: 'start', t: Date.now() }];
          const timer = setTimeout(() => reject(new Error('no outcome after 300 s')), 300_000);
          const observer = new MutationObserver(() => {
            const stage = panel.querySelector('[data-testid="analysis-stage"]')?.getAttribute('data-stage') || changes[changes.length - 1].stage;
            if (stage !== changes[changes.length - 1].stage) changes.push({ stage, t: Date.now() });
            const phase = panel.getAttribute('data-phase');
            if (phase === 'done' || phase === 'error') {
              observer.disconnect();
              clearTimeout(timer);
              changes.push({ stage: 'results', t: Date.now() });
              resolve({ phase, ms: performance.now() - t0, changes });
            }
          });
          observer.observe(panel, { attributes: true, subtree: true, childList: true, attributeFilter: ['data-phase', 'data-stage'] });
          button.click();
        }),
    );
  } finally {
    clearInterval(timer);
  }
  sampleRss();
  const { changes } = outcome;
  const samples: StageSample[] = rss.map(({ t, bytes }) => {
    let i = 0;
    while (i + 1 < changes.length && changes[i + 1].t <= t) i++;
    return { stage: changes[i].stage, bytes };
  });
  return { phase: outcome.phase, ms: outcome.ms, stagePeakRss: stagePeaks(samples) };
}

async function browserBench(
  url: string,
  files: string[],
  models: Models,
  config: { name: string; extraArgs: string[]; query: string; volumeBytes: number },
): Promise<BrowserReport> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...MEMORY_ARGS, ...config.extraArgs] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const bytes = new Map<string, Buffer>();
    for (const f of MODEL_FILES) bytes.set(f, await readFile(join(models.dir, f)));
    await page.route(
      (u) => u.pathname.startsWith('/bench-models/'),
      (route) => {
        const name = new URL(route.request().url()).pathname.slice('/bench-models/'.length);
        const body = bytes.get(name);
        return body ? route.fulfill({ status: 200, body, contentType: 'application/octet-stream' }) : route.fulfill({ status: 404, body: '' });
      },
    );
    await page.goto(`${url}?models=/bench-models/${config.query}`);
    await page.getByTestId('status').waitFor();
    const idle = new Map(rendererPids().map((pid) => [pid, processMemory(pid)?.rss ?? 0]));
    const t0 = now();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('[data-testid="status"]')?.textContent?.trim() ?? ''), null, {
      timeout: 180_000,
      polling: 100,
    });
    const openMs = now() - t0;
    if ((await page.getByTestId('status').textContent())?.trim() !== 'ready') throw new Error(`the series did not open: ${await page.getByTestId('status-text').textContent()}`);
    // The page's renderer: the one that grew by the volume.
    const pid = rendererPids()
      .map((p) => ({ p, rss: processMemory(p)?.rss ?? 0 }))
      .sort((a, b) => b.rss - a.rss)[0]?.p;
    const rendererIdle = pid !== undefined ? (idle.get(pid) ?? null) : null;
    const before = await browserMemory(page);
    if (before.breakdown.length) log(`  before the first analysis, by realm: ${before.breakdown.join('; ')}`);

    const runs: BrowserRun[] = [];
    for (let i = 0; i <= BROWSER_RUNS; i++) {
      const exact = pid !== undefined && resetPeak(pid);
      const rssBefore = pid !== undefined ? (processMemory(pid)?.rss ?? null) : null;
      const outcome = await analyzeOnce(page, pid);
      const peakRss = exact ? (processMemory(pid!)?.hwm ?? null) : null;
      if (outcome.phase !== 'done') throw new Error(`${config.name} run ${i + 1}: ${await page.getByTestId('analysis-panel').innerText()}`);
      const timings = await page.getByTestId('timing-row').evaluateAll((rows) =>
        rows.map((r) => ({ stage: r.getAttribute('data-stage') ?? '', label: r.querySelector('td')?.textContent ?? '', ms: Number(r.getAttribute('data-ms')) })),
      );
      const run: BrowserRun = {
        cold: i === 0,
        wallMs: outcome.ms,
        timings,
        backend: (await page.getByTestId('analysis-backend').textContent()) ?? '',
        reason: (await page.getByTestId('analysis-backend-reason').textContent()) ?? '',
        label: (await page.getByTestId('analysis-backend-reason').getAttribute('title')) ?? '',
        peakRss,
        rssBefore,
        stagePeakRss: outcome.stagePeakRss,
        vertebrae: await page.getByTestId('vertebra-row').count(),
      };
      runs.push(run);
      const pipeline = run.timings.filter((t) => STAGES.includes(t.stage)).reduce((s, t) => s + t.ms, 0);
      log(`  ${config.name} run ${i + 1}${run.cold ? ' (cold)' : ''}: click → results ${sec(run.wallMs)}, pipeline ${sec(pipeline)}, ${run.backend}, peak renderer RSS ${peakRss ? mb(peakRss) : 'n/a'}`);
      if (rendererIdle !== null) log(`    sampled peak by stage over the idle page: ${formatStagePeaks(run.stagePeakRss, rendererIdle, config.volumeBytes)}`);
      if (pid !== undefined && i < BROWSER_RUNS) {
        const settled = await settleRss(pid);
        if (rendererIdle !== null) log(`    the page after the results, settled in ${sec(settled.ms)}: ${mb(settled.rss)} = ${((settled.rss - rendererIdle) / config.volumeBytes).toFixed(2)} × volume over the idle page`);
      }
    }
    const after = await browserMemory(page);
    if (after.breakdown.length) log(`  after the last analysis, by realm: ${after.breakdown.join('; ')}`);
    await context.close();
    return { name: config.name, runs, rendererIdle, measured: { api: after.api, before: before.bytes, after: after.bytes }, openMs };
  } finally {
    await browser.close();
  }
}

/** Renderer RSS over the idle page with the series open, before and after a forced collection. */
async function gcProbe(url: string, files: string[]): Promise<{ openOverIdle: number; afterGcOverIdle: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--js-flags=--expose-gc'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId('status').waitFor();
    const idle = new Map(rendererPids().map((pid) => [pid, processMemory(pid)?.rss ?? 0]));
    await page.getByTestId('file-input').setInputFiles(files);
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent?.trim() === 'ready', null, { timeout: 180_000, polling: 100 });
    await new Promise((r) => setTimeout(r, 3000));
    const pid = rendererPids()
      .map((p) => ({ p, rss: processMemory(p)?.rss ?? 0 }))
      .sort((a, b) => b.rss - a.rss)[0].p;
    const open = processMemory(pid)!.rss;
    type Gc = { gc?: () => void };
    const collect = () => (globalThis as Gc).gc?.();
    await page.evaluate(collect);
    for (const worker of page.workers()) await worker.evaluate(collect).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 3000));
    const after = processMemory(pid)!.rss;
    return { openOverIdle: open - (idle.get(pid) ?? 0), afterGcOverIdle: after - (idle.get(pid) ?? 0) };
  } finally {
    await browser.close();
  }
}

/** What Chromium with --enable-unsafe-webgpu offers: a real adapter, a fallback one, or none. */
async function probeWebGpu(url: string): Promise<{ real: boolean; text: string }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    return await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) return { real: false, text: 'no navigator.gpu' };
      const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!a) return { real: false, text: 'no adapter' };
      const name = `${a.info.vendor} ${a.info.architecture} ${a.info.description}`.trim();
      const software = a.info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(name);
      return { real: !software, text: `${name}${software ? ' (fallback/software adapter)' : ''}` };
    });
  } finally {
    await browser.close();
  }
}

function stageMedians(runs: { timings: { stage: string; ms: number }[] }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of STAGES) out.set(s, median(runs.map((r) => r.timings.filter((t) => t.stage === s).reduce((a, t) => a + t.ms, 0))));
  return out;
}

const pipelineSum = (r: { timings: { stage: string; ms: number }[] }) => r.timings.filter((t) => STAGES.includes(t.stage)).reduce((s, t) => s + t.ms, 0);
const verdict = (ok: boolean, over: string) => (ok ? 'pass' : `FAIL (${over})`);

async function main(): Promise<void> {
  const started = now();
  const { files, bytes, dimensions, truthLevels } = await ensurePhantomFixture();
  const models = chooseModels();
  const int16Bytes = dimensions.reduce((a, b) => a * b, 1) * 2;
  const memoryGoal = 3 * int16Bytes;
  log(`fixture ${CASE}: ${files.length} files, ${mb(bytes)}, ${dimensions.join(' x ')} (int16 volume ${mb(int16Bytes)}); models: ${models.description}`);

  const node = SKIP_NODE ? null : await nodeBench(models);

  const browsers: BrowserReport[] = [];
  let webgpuNote = 'not run (--skip-browser)';
  let gcNote: string | null = null;
  if (!SKIP_BROWSER) {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const distDir = join(outDir, 'dist');
    log('building the app (vite build) into bench/.out/dist...');
    await run(process.execPath, [vite, 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'error']);
    const ortMissing = Object.values(ORT_BUILD_FILES)
      .flat()
      .filter((f) => !existsSync(join(distDir, 'ort', f)));
    if (ortMissing.length) throw new Error(`the build's ort/ folder lacks ${ortMissing.join(', ')}: run npm ci (postinstall copies them) or node scripts/copy-ort-wasm.mjs`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const preview = spawn(process.execPath, [vite, 'preview', '--outDir', distDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await waitForUrl(url, preview, 30_000);
      log(`Chromium WASM: open the series, then ${BROWSER_RUNS} + 1 analyses...`);
      browsers.push(await browserBench(url, files, models, { name: 'Chromium WASM', extraArgs: [], query: '&backend=wasm', volumeBytes: int16Bytes }));
      if (GC_PROBE) {
        log('GC probe: the series opened in a Chromium with --expose-gc...');
        const g = await gcProbe(url, files);
        gcNote = `GC probe (series open, no analysis): the renderer holds ${mb(g.openOverIdle)} = ${(g.openOverIdle / int16Bytes).toFixed(2)} × volume over the idle page; after a forced collection in the page and its workers ${mb(g.afterGcOverIdle)} = ${(g.afterGcOverIdle / int16Bytes).toFixed(2)} ×: ${mb(g.openOverIdle - g.afterGcOverIdle)} was garbage.`;
      }
      const probe = await probeWebGpu(url);
      if (probe.real) {
        log(`Chromium WebGPU (${probe.text}): ${BROWSER_RUNS} + 1 analyses...`);
        browsers.push(await browserBench(url, files, models, { name: 'Chromium WebGPU', extraArgs: ['--enable-unsafe-webgpu'], query: '', volumeBytes: int16Bytes }));
        webgpuNote = `adapter: ${probe.text}`;
      } else {
        webgpuNote = `no real WebGPU adapter here (Chromium with --enable-unsafe-webgpu offers: ${probe.text})`;
        log(webgpuNote);
      }
    } finally {
      preview.kill();
    }
  }

  // ---------- the table ----------
  const columns: { name: string; medians: Map<string, number>; total: number; goalMs: number }[] = [];
  if (node) columns.push({ name: `Node: ${node.backend}`, medians: stageMedians(node.runs), total: median(node.runs.map(pipelineSum)), goalMs: 4000 });
  for (const b of browsers) {
    const warm = b.runs.filter((r) => !r.cold);
    const label = warm[0]?.label || b.runs[0]?.label || '';
    columns.push({ name: `${b.name}: ${label}`, medians: stageMedians(warm), total: median(warm.map(pipelineSum)), goalMs: 8000 });
  }
  const ms = (x: number) => (Number.isFinite(x) ? (x >= 1000 ? sec(x) : `${x.toFixed(0)} ms`) : 'n/a');
  const lines: string[] = [];
  lines.push(
    `### Pipeline benchmark: ${CASE}, ${dimensions.join(' × ')} (int16 ${mb(int16Bytes)}), medians of ${NODE_RUNS} Node and ${BROWSER_RUNS} warm browser runs`,
    '',
    `**Models: ${models.description}.**`,
    '',
    `| stage | ${columns.map((c) => c.name).join(' | ')} |`,
    `|---|${columns.map(() => '---|').join('')}`,
  );
  const stageLabels: Record<string, string> = Object.fromEntries(PIPELINE_STAGES.map((s) => [s.name, s.label]));
  for (const s of STAGES) lines.push(`| ${stageLabels[s]} | ${columns.map((c) => ms(c.medians.get(s)!)).join(' | ')} |`);
  lines.push(`| **whole analysis** (sum of the stages) | ${columns.map((c) => `**${ms(c.total)}**`).join(' | ')} |`);
  lines.push(`| goal | ${columns.map((c) => `≤ ${sec(c.goalMs)}: ${verdict(c.total <= c.goalMs, `+${sec(c.total - c.goalMs)}`)}`).join(' | ')} |`);
  const extra = (nodeCell: string, browserCell: (b: BrowserReport) => string) =>
    `${node ? `${nodeCell} | ` : ''}${browsers.map(browserCell).join(' | ')}`;
  lines.push(
    `| models: download, check, load | ${extra(ms(node?.modelLoadMs ?? NaN), (b) => {
      const prep = (r: BrowserRun) => r.timings.filter((t) => !STAGES.includes(t.stage)).reduce((s, t) => s + t.ms, 0);
      const cold = b.runs[0];
      const warm = b.runs.filter((r) => !r.cold);
      // Warm runs download nothing but load the models into a fresh worker (analysisClient.ts).
      return `cold ${ms(prep(cold))} (click → results ${ms(cold.wallMs)}); warm, files kept by the page: ${warm.length ? ms(median(warm.map(prep))) : 'n/a'}`;
    })} |`,
  );
  lines.push(`| click → results, warm | ${extra('–', (b) => ms(median(b.runs.filter((r) => !r.cold).map((r) => r.wallMs))))} |`);
  // The memory rows have a browser cell even with --skip-node (extra() leaves the Node cell out then).
  const nodePeakCell = (n: NodeReport) => {
    const peak = Math.max(...n.runs.map((r) => r.peakRss));
    const held = peak - n.rssBeforeVolume;
    const working = peak - n.rssWithModels;
    return `RSS ${mb(peak)}${n.exactPeak ? ' (VmHWM)' : ' (sampled)'}; over the process before the volume: ${mb(held)} = ${(held / int16Bytes).toFixed(2)} × volume (${verdict(held <= memoryGoal, `> ${mb(memoryGoal)}`)}); analysis alone (over volume + models): ${mb(working)}; JS heap ${mb(Math.max(...n.runs.map((r) => r.peakHeapUsed)))}, ArrayBuffers ${mb(Math.max(...n.runs.map((r) => r.peakArrayBuffers)))} (sampled)`;
  };
  const nodeStagesCell = (n: NodeReport) => {
    const worst = n.runs.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
    return formatStagePeaks(worst.stagePeakRss, n.rssBeforeVolume, int16Bytes);
  };
  if (node || browsers.length) {
    lines.push(
      `| peak memory | ${extra(
        node ? nodePeakCell(node) : '',
        (b) => {
          const cold = b.runs[0];
          const warm = b.runs.filter((r) => !r.cold && r.peakRss !== null && r.rssBefore !== null);
          if (cold.peakRss === null || cold.rssBefore === null || b.rendererIdle === null) return 'renderer peak not measurable here';
          const warmPeak = median(warm.map((r) => r.peakRss!));
          const warmRise = median(warm.map((r) => r.peakRss! - r.rssBefore!));
          const over = (peak: number) => `${mb(peak - b.rendererIdle!)} = ${((peak - b.rendererIdle!) / int16Bytes).toFixed(2)} × volume`;
          return (
            `renderer (page + workers) RSS: idle page ${mb(b.rendererIdle)}, volume open ${mb(cold.rssBefore)}; ` +
            `peak (VmHWM) cold ${mb(cold.peakRss)}, warm ${mb(warmPeak)}; ` +
            `rise during the analysis: cold ${mb(cold.peakRss - cold.rssBefore)}, warm ${mb(warmRise)}; ` +
            `peak over the idle page: cold ${over(cold.peakRss)} (${verdict(cold.peakRss - b.rendererIdle <= memoryGoal, `> ${mb(memoryGoal)}`)}), warm ${over(warmPeak)} (${verdict(warmPeak - b.rendererIdle <= memoryGoal, `> ${mb(memoryGoal)}`)})`
          );
        },
      )} |`,
    );
  }
  if (node || browsers.length) {
    lines.push(
      `| peak by stage (sampled; × volume over the process before the volume, over the idle page) | ${extra(node ? nodeStagesCell(node) : '', (b) =>
        b.rendererIdle === null ? 'n/a' : `cold: ${formatStagePeaks(b.runs[0].stagePeakRss, b.rendererIdle, int16Bytes)}; warm: ${b.runs[1] ? formatStagePeaks(b.runs[1].stagePeakRss, b.rendererIdle, int16Bytes) : 'n/a'}`,
      )} |`,
    );
  }
  lines.push(
    `| browser's own figure | ${extra('–', (b) => `${b.measured.api}: ${b.measured.before !== null ? mb(b.measured.before) : 'n/a'} before the first analysis, ${b.measured.after !== null ? mb(b.measured.after) : 'n/a'} after the last`)} |`,
  );
  lines.push(
    '',
    `Chromium WebGPU: ${webgpuNote}.`,
    ...(gcNote ? [gcNote] : []),
    `Vertebrae found: ${[node ? `Node ${node.runs[0]?.vertebrae}` : '', ...browsers.map((b) => `${b.name} ${b.runs[0]?.vertebrae}`)].filter(Boolean).join(', ')} of ${truthLevels.length} in the ground truth (${truthLevels[0]}–${truthLevels[truthLevels.length - 1]})${models.trained ? '' : ' (untrained models: meaningless)'}.`,
    `Memory goal: ≤ 3 × the int16 volume = ${mb(memoryGoal)}. "Over the process before the volume" counts the volume itself, the runtime, the models and the analysis's working memory; for the browser the renderer process holds the page (with the viewer's own memory for the volume), the ingest and analysis workers and ORT's threads; "rise during the analysis" is the analysis's own share. Cold = the first analysis of the page (ORT's WebAssembly compiled and started, models loaded); warm = later ones.`,
    `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${CHROMIUM}; series opened in the page in ${browsers[0] ? sec(browsers[0].openMs) : 'n/a'}; fixture ${relative(root, fixtureDir)}; total bench time ${sec(now() - started)}.`,
  );
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
