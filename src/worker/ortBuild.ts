/**
 * Which onnxruntime-web build runs the networks. onnxruntime-web ships one WebAssembly runtime
 * per feature set, and which one a worker loads decides much of the analysis's memory:
 *
 * - `onnxruntime-web/webgpu` loads ort-wasm-simd-threaded.asyncify.wasm (27 MB): the WebGPU
 *   execution provider plus the WASM one. Asyncify instruments every function so WebGPU's
 *   asynchronous calls can suspend the WebAssembly stack, which about doubles the code V8 has to
 *   compile and keep.
 * - `onnxruntime-web/wasm` loads ort-wasm-simd-threaded.wasm (14 MB): WebAssembly only, no
 *   asyncify.
 *
 * Measured with the tiny test models on the bench-512 series (npm run bench:pipeline, headless
 * Chromium, 2 threads, 2 cores shared with a training job): the first analysis of a page peaked
 * at 3.37 × the int16 volume over the idle page with the asyncify build and at 2.62 × with the
 * plain one, and loading the runtime and models took 2.45 s instead of 0.64 s. In Node 20 (one thread): +520 MB resident after loading
 * the two models and +220 MB more in the first localizer run (80 × 192 × 192 grid) against
 * +96 MB and +112 MB, with the same outputs.
 *
 * So WebAssembly runs get the plain build, and only WebGPU gets the asyncify one. A worker that
 * already holds the asyncify build (WebGPU ran, then failed over, or a later analysis is planned
 * on WASM) keeps running WASM on it rather than loading a second runtime beside it.
 */
import type { BackendKind } from './backend';

export type OrtBuild = 'webgpu' | 'wasm';

/** The build for a backend, given the builds this worker has already loaded (or is loading). */
export function ortBuildFor(kind: BackendKind, loaded: ReadonlySet<OrtBuild>): OrtBuild {
  if (kind === 'webgpu') return 'webgpu';
  return loaded.has('webgpu') ? 'webgpu' : 'wasm';
}

/** The files each build loads from `env.wasm.wasmPaths` (scripts/copy-ort-wasm.mjs copies both). */
export const ORT_BUILD_FILES: Record<OrtBuild, readonly string[]> = {
  webgpu: ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'],
  wasm: ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'],
};
