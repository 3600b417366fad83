/**
 * What the benchmarks share: their series on disk, written once under bench/.out (ingest's
 * geometric bench-512, the pipeline's bench-chest-512 phantom), medians, a free port, child
 * processes, and Linux's per-process peak memory (/proc/PID/status VmHWM, which
 * /proc/PID/clear_refs resets: the exact peak of a span, no sampling).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_CASES } from '../src/testing/dicom/fixtureCases';
import { writeFiles } from '../src/testing/dicom/writeFiles';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'bench', '.out');
export const CASE = 'bench-512';
export const fixtureDir = join(outDir, CASE);
const doneMarker = join(outDir, `${CASE}.done.json`);

export const now = () => performance.now();
export const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const log = (msg: string) => process.stderr.write(`${msg}\n`);

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Writes the bench-512 case once; later runs (of either benchmark) reuse it. */
export async function ensureFixture(): Promise<{ files: string[]; bytes: number; dimensions: number[] }> {
  if (existsSync(doneMarker)) {
    const done = JSON.parse(readFileSync(doneMarker, 'utf8')) as { count: number; bytes: number; dimensions: number[] };
    const files = listFiles(fixtureDir);
    if (files.length === done.count) return { files, bytes: done.bytes, dimensions: done.dimensions };
    log(`${relative(root, fixtureDir)} has ${files.length} files, expected ${done.count}: writing it again`);
  }
  rmSync(fixtureDir, { recursive: true, force: true });
  rmSync(doneMarker, { force: true });
  const t0 = now();
  log(`writing the ${CASE} fixture to ${relative(root, fixtureDir)} (once; reused afterwards)...`);
  const result = await FIXTURE_CASES[CASE].build({});
  const { count, bytes } = await writeFiles(result.files, fixtureDir);
  const dimensions = [...result.truth.geometry.dimensions];
  writeFileSync(doneMarker, JSON.stringify({ count, bytes, dimensions }) + '\n');
  log(`  ${count} files, ${(bytes / 1e6).toFixed(1)} MB in ${sec(now() - t0)}`);
  return { files: listFiles(fixtureDir), bytes, dimensions };
}

/**
 * The pipeline benchmark's series: a generated chest phantom (training/phantom, seed 512, T1–L1,
 * 512 × 512 at 0.7 mm, 1 mm slices: 301 slices, ~160 MB) with its ground truth, so the detector
 * and quantify stages time real vertebrae and the table can say how many were found. Written once
 * to bench/.out/bench-chest-512 by the phantom command; a change of PHANTOM_ARGS writes it again.
 */
export const PHANTOM_CASE = 'bench-chest-512';
export const phantomDir = join(outDir, PHANTOM_CASE);
const phantomMarker = join(outDir, `${PHANTOM_CASE}.done.json`);
const PHANTOM_ARGS = ['--seed', '512', '--preset', 'chest', '--no-jitter', '--scan-levels', 'T1:L1', '--matrix', '512', '--spacing', '0.7', '--slice-mm', '1.0', '--format', 'dicom'];

export interface PhantomFixture {
  files: string[];
  bytes: number;
  dimensions: number[];
  /** Levels of the whole vertebrae in the ground truth, superior first. */
  truthLevels: string[];
}

export async function ensurePhantomFixture(): Promise<PhantomFixture> {
  const wanted = PHANTOM_ARGS.join(' ');
  const truthPath = join(phantomDir, 'ground_truth.json');
  const done = existsSync(phantomMarker) ? (JSON.parse(readFileSync(phantomMarker, 'utf8')) as { args: string; count: number }) : null;
  if (!done || done.args !== wanted || !existsSync(truthPath) || listFiles(phantomDir).length !== done.count) {
    rmSync(phantomDir, { recursive: true, force: true });
    rmSync(phantomMarker, { force: true });
    const t0 = now();
    log(`generating the ${PHANTOM_CASE} phantom into ${relative(root, phantomDir)} (once; reused afterwards; needs /usr/bin/python3 with numpy and scipy)...`);
    await run('npm', ['run', '-s', 'phantom', '--', ...PHANTOM_ARGS, '--out', phantomDir]);
    writeFileSync(phantomMarker, JSON.stringify({ args: wanted, count: listFiles(phantomDir).length }) + '\n');
    log(`  written in ${sec(now() - t0)}`);
  }
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { geometry: { dimensions: number[] }; vertebrae: { level: string }[] };
  const files = listFiles(phantomDir).filter((f) => f.endsWith('.dcm'));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  return { files, bytes, dimensions: [...truth.geometry.dimensions], truthLevels: truth.vertebrae.map((v) => v.level) };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Runs a command to its end; stdout is returned, stderr passes through. */
export function run(cmd: string, argv: string[], options: { capture?: boolean } = {}): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', options.capture ? 'pipe' : 'ignore', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', rej);
    child.once('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${cmd} ${argv.join(' ')} exited with ${code}`))));
  });
}

export async function waitForUrl(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** VmRSS and VmHWM (peak since start or the last reset) of a process, bytes; null off Linux. */
export function processMemory(pid: number | 'self'): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const m = { rss: kb('VmRSS'), hwm: kb('VmHWM') };
    return Number.isFinite(m.rss) && Number.isFinite(m.hwm) ? m : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false when not allowed. */
export function resetPeak(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Pids of Chromium renderer processes now running. */
export function rendererPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes('--type=renderer')) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

export const MB = 1e6;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

/** `--name N` from a benchmark's arguments: a positive integer, else the fallback. */
export function positiveIntArg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
  return n;
}

/** A memory sample taken while a stage (by name) was running. */
export interface StageSample {
  stage: string;
  bytes: number;
}

/** The largest sample of each stage, in the order the stages were first seen. */
export function stagePeaks(samples: readonly StageSample[]): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const { stage, bytes } of samples) peaks[stage] = Math.max(peaks[stage] ?? 0, bytes);
  return peaks;
}

/** "resample 1.20×, localize 1.45×": each stage's peak over `base`, in volumes. */
export function formatStagePeaks(peaks: Record<string, number>, base: number, volumeBytes: number): string {
  return Object.entries(peaks)
    .map(([stage, bytes]) => `${stage} ${((bytes - base) / volumeBytes).toFixed(2)}×`)
    .join(', ');
}
