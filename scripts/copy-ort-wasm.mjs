#!/usr/bin/env node
/**
 * Copies onnxruntime-web's WebAssembly runtime into public/ort/ (gitignored), run by `postinstall`
 * so `npm ci` leaves it in place for `vite dev` and `vite build`.
 *
 * Why: the analysis worker imports `onnxruntime-web/webgpu` for WebGPU (the WebGPU and WASM
 * execution providers; it loads ort-wasm-simd-threaded.asyncify.{mjs,wasm}) and
 * `onnxruntime-web/wasm` for WebAssembly alone (ort-wasm-simd-threaded.{mjs,wasm}: no asyncify,
 * about half the code and far less memory; src/worker/ortBuild.ts). Their multithreaded WASM
 * spawns pthread workers from the loader script's URL; inside a Vite production bundle that URL
 * is the app's own worker chunk, and the page hangs. With these files served from /ort/ and
 * `ort.env.wasm.wasmPaths` set to that absolute URL (src/worker/ortWebRunner.ts), ORT imports
 * its loader from here and the threads start.
 *
 * Only the files of the two builds we import are copied (about 41 MB; a page downloads one).
 * Run it by hand with `node scripts/copy-ort-wasm.mjs` after changing onnxruntime-web's version
 * or build.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const out = join(root, 'public', 'ort');
/** The builds `onnxruntime-web/webgpu` and `onnxruntime-web/wasm` load (src/worker/ortBuild.ts ORT_BUILD_FILES). */
const ORT_WASM_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

if (!existsSync(dist)) {
  // Installing without onnxruntime-web (e.g. a partial install): nothing to copy, not an error.
  console.warn(`copy-ort-wasm: ${dist} not found; skipped (the in-browser analysis needs it)`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });
// Remove what an older version or another build left behind.
for (const name of readdirSync(out)) if (!ORT_WASM_FILES.includes(name)) rmSync(join(out, name), { recursive: true, force: true });
let bytes = 0;
for (const name of ORT_WASM_FILES) {
  const from = join(dist, name);
  if (!existsSync(from)) {
    console.error(`copy-ort-wasm: ${from} is missing: onnxruntime-web changed its file names; update ORT_WASM_FILES`);
    process.exit(1);
  }
  copyFileSync(from, join(out, name));
  bytes += statSync(from).size;
}
console.log(`copy-ort-wasm: ${ORT_WASM_FILES.length} files (${(bytes / 1e6).toFixed(1)} MB) → public/ort/`);
