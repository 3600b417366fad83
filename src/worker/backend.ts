/**
 * Which onnxruntime-web backend runs the analysis, decided from what the browser offers. Pure
 * functions over plain data (no navigator, no ORT), so the rules are unit-tested with fake
 * adapters (backend.test.ts); src/worker/analysis.worker.ts gathers the facts and applies them.
 *
 * Rules, in order:
 *  1. `?backend=wasm` forces WebAssembly; `?backend=webgpu` forces WebGPU on any adapter (for
 *     testing the WebGPU code path on a software adapter with tiny models, never for users).
 *  2. WebGPU only on a real adapter: navigator.gpu exists, requestAdapter() gives one, it is not
 *     a fallback adapter (adapter.info.isFallbackAdapter, or a software renderer by name:
 *     SwiftShader, llvmpipe, WARP…, which ORT's own ['webgpu', 'wasm'] fallback would happily
 *     pick and run ~250× slower than WASM), and its maxStorageBufferBindingSize and
 *     maxBufferSize hold the largest tensor this volume needs (estimateLargestTensorBytes).
 *  3. Otherwise multithreaded WebAssembly with min(4, hardwareConcurrency) threads when the page
 *     is cross-origin isolated (threads need SharedArrayBuffer), else one thread, with a note.
 */
import { canonicalAxes, roundUp } from '../core/pipeline/resample';
import type { DetectorCard, LocalizerCard } from '../core/pipeline/modelCard';
import type { VolumeGeometry } from '../core/volume';

export type BackendKind = 'webgpu' | 'wasm';

/** The parts of a GPUAdapter the decision reads (real adapters and test fakes alike). */
export interface AdapterFacts {
  info?: Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> & { isFallbackAdapter?: boolean };
  /** Chromium before GPUAdapterInfo.isFallbackAdapter had it on the adapter. */
  isFallbackAdapter?: boolean;
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>;
}

/** What navigator.gpu answered. */
export type GpuAnswer =
  | { kind: 'no-api' }
  | { kind: 'no-adapter' }
  | { kind: 'error'; message: string }
  | { kind: 'adapter'; adapter: AdapterFacts };

export interface BackendFacts {
  gpu: GpuAnswer;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Bytes of the largest single GPU buffer the models need for this volume. */
  requiredBufferBytes: number;
  forced?: BackendKind | null;
}

export interface BackendPlan {
  kind: BackendKind;
  /** WebAssembly threads: what WASM runs with, also after a WebGPU failure falls back to it. */
  threads: number;
  /** Why this backend, one short phrase for the user ("software WebGPU adapter (SwiftShader)"). */
  reason: string;
  /** Other things worth saying (single-threaded because not isolated, …). */
  notes: string[];
  /** "vendor architecture" of the adapter, when there was one. */
  adapterName: string | null;
}

export const MAX_WASM_THREADS = 4;

/** Software renderers that can show up as WebGPU adapters. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software/i;

export function adapterName(adapter: AdapterFacts): string {
  const i = adapter.info ?? {};
  const name = [i.vendor, i.architecture].filter(Boolean).join(' ') || i.description || i.device || '';
  return name.trim() || 'unnamed adapter';
}

/** True for a fallback (software) adapter, by the flag or by the renderer's name. */
export function isSoftwareAdapter(adapter: AdapterFacts): boolean {
  if (adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  const i = adapter.info ?? {};
  return SOFTWARE_RENDERER.test([i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' '));
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

/** Why the adapter's limits cannot hold the buffer, or null when they can. */
export function limitsProblem(adapter: AdapterFacts, requiredBytes: number): string | null {
  const { maxStorageBufferBindingSize: binding, maxBufferSize: buffer } = adapter.limits;
  const short: string[] = [];
  if (binding < requiredBytes) short.push(`maxStorageBufferBindingSize ${mb(binding)}`);
  if (buffer < requiredBytes) short.push(`maxBufferSize ${mb(buffer)}`);
  return short.length ? `${short.join(' and ')} < ${mb(requiredBytes)} needed for this volume` : null;
}

export function wasmThreads(crossOriginIsolated: boolean, hardwareConcurrency: number): number {
  if (!crossOriginIsolated) return 1;
  const cores = Number.isFinite(hardwareConcurrency) && hardwareConcurrency > 0 ? Math.floor(hardwareConcurrency) : 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

export function chooseBackend(facts: BackendFacts): BackendPlan {
  const threads = wasmThreads(facts.crossOriginIsolated, facts.hardwareConcurrency);
  const notes = facts.crossOriginIsolated
    ? []
    : ['single-threaded: the page is not cross-origin isolated (no COOP/COEP headers), so WebAssembly threads are unavailable'];
  const gpu = facts.gpu;
  const name = gpu.kind === 'adapter' ? adapterName(gpu.adapter) : null;
  const wasm = (reason: string): BackendPlan => ({ kind: 'wasm', threads, reason, notes, adapterName: name });

  if (facts.forced === 'wasm') return wasm('WebAssembly requested (?backend=wasm)');
  if (facts.forced === 'webgpu') {
    if (gpu.kind !== 'adapter') return wasm(`WebGPU requested but ${gpuMissingReason(gpu)}`);
    return { kind: 'webgpu', threads, reason: `WebGPU requested (?backend=webgpu) on ${name}`, notes, adapterName: name };
  }
  if (gpu.kind !== 'adapter') return wasm(gpuMissingReason(gpu));
  if (isSoftwareAdapter(gpu.adapter)) return wasm(`software WebGPU adapter (${name}) rejected`);
  const problem = limitsProblem(gpu.adapter, facts.requiredBufferBytes);
  if (problem) return wasm(`WebGPU adapter ${name} too small: ${problem}`);
  return { kind: 'webgpu', threads, reason: `real WebGPU adapter (${name})`, notes, adapterName: name };
}

function gpuMissingReason(gpu: Exclude<GpuAnswer, { kind: 'adapter' }>): string {
  switch (gpu.kind) {
    case 'no-api':
      return 'WebGPU is not available in this browser';
    case 'no-adapter':
      return 'no WebGPU adapter';
    case 'error':
      return `the WebGPU adapter request failed (${gpu.message})`;
  }
}

/**
 * Largest activation of each network per element of its input: fixed by the architectures in
 * training/models. Localizer: the last up-block concatenates 16 + 16 channels at the stem's
 * (Z, Y/2, X/2) resolution, 32 / 4 = 8 values per input voxel. Detector: 32 channels after the
 * stride-2 first stage, 32 / 4 = 8. The cards do not carry these (yet), so they live here.
 */
export const ACTIVATION_RATIO = { localizer: 8, detector: 8 } as const;

/**
 * The largest float32 buffer (bytes) the two networks need for this volume, estimated from the
 * cards' input sizes: the localizer's input is the volume resampled to the card's spacing and
 * padded to its multiple, at most one slab deep (the in-plane body crop can only make it
 * smaller, so it is left out of this upper bound); the detector's is the straightened
 * mid-sagittal image, at most as long as the volume's extent (in steps of stepMm) by
 * 2·halfWidth/step + 1 columns, padded. Each input size times its network's activation ratio,
 * times 4 bytes.
 */
export function estimateLargestTensorBytes(geometry: VolumeGeometry, localizer: LocalizerCard, detector: DetectorCard): number {
  const { voxelFor } = canonicalAxes(geometry);
  const pre = localizer.preprocessing;
  let localizerElements = 1;
  const extentsMm: number[] = [];
  for (let p = 0; p < 3; p++) {
    const a = voxelFor[p];
    const n = geometry.dimensions[a];
    const extent = (n - 1) * geometry.spacingMm[a];
    extentsMm.push(extent);
    const count = roundUp(Math.floor(extent / pre.spacingMm[p] + 1e-9) + 1, pre.padMultiple);
    // z (p = 2) runs slab by slab (slabs.ts): no network input is deeper than one slab.
    localizerElements *= p === 2 ? Math.min(count, localizer.inference.slabSlices) : count;
  }
  const { stepMm, halfWidthMm } = detector.straightening;
  const diagonal = Math.hypot(...extentsMm);
  const rows = roundUp(Math.ceil(diagonal / stepMm) + 1, detector.preprocessing.padMultiple);
  const columns = roundUp(2 * Math.round(halfWidthMm / stepMm) + 1, detector.preprocessing.padMultiple);
  return 4 * Math.max(localizerElements * ACTIVATION_RATIO.localizer, rows * columns * ACTIVATION_RATIO.detector);
}
