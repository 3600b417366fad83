/**
 * The backend decision (backend.ts) with fake adapters: WebGPU only on a real adapter whose
 * limits hold the largest tensor; WebAssembly otherwise, with the reason; threads from
 * isolation and core count; the tensor estimate from the cards and the volume's geometry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DetectorCard, LocalizerCard } from '../core/pipeline/modelCard';
import type { VolumeGeometry } from '../core/volume';
import { chooseBackend, estimateLargestTensorBytes, isSoftwareAdapter, wasmThreads, type AdapterFacts, type BackendFacts } from './backend';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

function adapter(overrides: { info?: AdapterFacts['info']; isFallbackAdapter?: boolean; binding?: number; buffer?: number } = {}): AdapterFacts {
  return {
    info: overrides.info ?? { vendor: 'nvidia', architecture: 'ada', device: '', description: '', isFallbackAdapter: false },
    isFallbackAdapter: overrides.isFallbackAdapter,
    limits: { maxStorageBufferBindingSize: overrides.binding ?? 2 * GB, maxBufferSize: overrides.buffer ?? 4 * GB },
  };
}

function facts(gpu: BackendFacts['gpu'], more: Partial<BackendFacts> = {}): BackendFacts {
  return { gpu, crossOriginIsolated: true, hardwareConcurrency: 8, requiredBufferBytes: 200 * MB, ...more };
}

describe('chooseBackend', () => {
  it('takes WebGPU on a real adapter whose limits hold the largest tensor', () => {
    const plan = chooseBackend(facts({ kind: 'adapter', adapter: adapter() }));
    expect(plan.kind).toBe('webgpu');
    expect(plan.reason).toBe('real WebGPU adapter (nvidia ada)');
    expect(plan.threads).toBe(4); // for WASM, should WebGPU fail later
  });

  it('rejects an adapter flagged isFallbackAdapter (GPUAdapterInfo, or the adapter itself in older Chromium)', () => {
    const swiftshader = adapter({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } });
    const plan = chooseBackend(facts({ kind: 'adapter', adapter: swiftshader }));
    expect(plan.kind).toBe('wasm');
    expect(plan.reason).toBe('software WebGPU adapter (google swiftshader) rejected');
    const old = adapter({ info: { vendor: 'acme', architecture: 'x' }, isFallbackAdapter: true });
    expect(chooseBackend(facts({ kind: 'adapter', adapter: old })).kind).toBe('wasm');
  });

  it('rejects software renderers by name even without the flag', () => {
    for (const info of [
      { vendor: 'google', architecture: 'swiftshader' },
      { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' },
      { vendor: 'mesa', device: 'lavapipe' },
    ]) {
      const a = adapter({ info: { ...info, isFallbackAdapter: false } });
      expect(isSoftwareAdapter(a), JSON.stringify(info)).toBe(true);
      const plan = chooseBackend(facts({ kind: 'adapter', adapter: a }));
      expect(plan.kind).toBe('wasm');
      expect(plan.reason).toMatch(/^software WebGPU adapter/);
    }
    expect(isSoftwareAdapter(adapter())).toBe(false);
  });

  it('rejects a real adapter whose buffer limits are below the largest tensor, naming the limit', () => {
    const small = adapter({ binding: 128 * MB, buffer: 256 * MB });
    const plan = chooseBackend(facts({ kind: 'adapter', adapter: small }, { requiredBufferBytes: 200 * MB }));
    expect(plan.kind).toBe('wasm');
    expect(plan.reason).toBe('WebGPU adapter nvidia ada too small: maxStorageBufferBindingSize 128 MB < 200 MB needed for this volume');
    const tiny = chooseBackend(facts({ kind: 'adapter', adapter: adapter({ binding: 64 * MB, buffer: 64 * MB }) }));
    expect(tiny.reason).toContain('maxStorageBufferBindingSize 64 MB and maxBufferSize 64 MB < 200 MB');
    // Exactly enough is enough.
    expect(chooseBackend(facts({ kind: 'adapter', adapter: small }, { requiredBufferBytes: 128 * MB })).kind).toBe('webgpu');
  });

  it('falls back to WebAssembly when there is no WebGPU at all, saying which way', () => {
    expect(chooseBackend(facts({ kind: 'no-api' })).reason).toBe('WebGPU is not available in this browser');
    expect(chooseBackend(facts({ kind: 'no-adapter' })).reason).toBe('no WebGPU adapter');
    const failed = chooseBackend(facts({ kind: 'error', message: 'blocklisted' }));
    expect(failed.kind).toBe('wasm');
    expect(failed.reason).toBe('the WebGPU adapter request failed (blocklisted)');
  });

  it('honours ?backend=: wasm always, webgpu on any adapter (software included) but not without one', () => {
    expect(chooseBackend(facts({ kind: 'adapter', adapter: adapter() }, { forced: 'wasm' })).kind).toBe('wasm');
    const swiftshader = adapter({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } });
    const forced = chooseBackend(facts({ kind: 'adapter', adapter: swiftshader }, { forced: 'webgpu' }));
    expect(forced.kind).toBe('webgpu');
    expect(forced.reason).toContain('?backend=webgpu');
    const none = chooseBackend(facts({ kind: 'no-adapter' }, { forced: 'webgpu' }));
    expect(none.kind).toBe('wasm');
    expect(none.reason).toBe('WebGPU requested but no WebGPU adapter');
  });

  it('uses min(4, cores) WebAssembly threads when cross-origin isolated, else one with a note', () => {
    expect(wasmThreads(true, 2)).toBe(2);
    expect(wasmThreads(true, 16)).toBe(4);
    expect(wasmThreads(true, 0)).toBe(1);
    expect(wasmThreads(true, NaN)).toBe(1);
    expect(wasmThreads(false, 16)).toBe(1);
    const plan = chooseBackend(facts({ kind: 'no-adapter' }, { crossOriginIsolated: false }));
    expect(plan.threads).toBe(1);
    expect(plan.notes.join(' ')).toContain('not cross-origin isolated');
    expect(chooseBackend(facts({ kind: 'no-adapter' }, { hardwareConcurrency: 2 })).threads).toBe(2);
  });
});

describe('estimateLargestTensorBytes', () => {
  const testdata = new URL('../core/pipeline/testdata/', import.meta.url).pathname;
  const localizer = JSON.parse(readFileSync(`${testdata}spine-localizer.json`, 'utf8')) as LocalizerCard;
  const detector = JSON.parse(readFileSync(`${testdata}vertebra-detector.json`, 'utf8')) as DetectorCard;

  function geometry(dimensions: [number, number, number], spacingMm: [number, number, number], sliceDirection: [number, number, number] = [0, 0, 1]): VolumeGeometry {
    return { dimensions, spacingMm, originMm: [0, 0, 0], direction: { column: [1, 0, 0], row: [0, 1, 0], slice: sliceDirection } };
  }

  it('is one localizer slab (resampled to 2 x 2 x 4 mm, padded to 16, at most 48 slices) times 8 channels-per-voxel, in float32 bytes', () => {
    // 512 x 512 x 300 at 0.7 x 0.7 x 1 mm: 357.7 x 357.7 x 299 mm → 179 x 179 x 75 → padded 192 x 192 x 80 → slab 192 x 192 x 48.
    const g = geometry([512, 512, 300], [0.7, 0.7, 1]);
    expect(localizer.inference.slabSlices).toBe(48);
    expect(estimateLargestTensorBytes(g, localizer, detector)).toBe(192 * 192 * 48 * 8 * 4);
  });

  it('is the whole padded grid when the volume is shallower than one slab', () => {
    // 120 slices of 1 mm: 119 mm → 30 slices → padded 32 < 48.
    const g = geometry([512, 512, 120], [0.7, 0.7, 1]);
    expect(estimateLargestTensorBytes(g, localizer, detector)).toBe(192 * 192 * 32 * 8 * 4);
  });

  it('follows the patient axes, not the voxel axes (a sagittal stack gives the same grid)', () => {
    const axial = geometry([512, 512, 300], [0.7, 0.7, 1]);
    // Columns along y, rows along z, slices along x: the same box of patient space.
    const sagittal: VolumeGeometry = {
      dimensions: [512, 300, 512],
      spacingMm: [0.7, 1, 0.7],
      originMm: [0, 0, 0],
      direction: { column: [0, 1, 0], row: [0, 0, -1], slice: [1, 0, 0] },
    };
    expect(estimateLargestTensorBytes(sagittal, localizer, detector)).toBe(estimateLargestTensorBytes(axial, localizer, detector));
  });

  it('is the detector image when that is larger (a long thin volume)', () => {
    // 16 x 16 voxels across, 2000 mm long: the localizer grid is tiny, the straightened image long.
    const g = geometry([16, 16, 2001], [1, 1, 1]);
    const rows = Math.ceil((Math.ceil(Math.hypot(15, 15, 2000)) + 1) / 32) * 32;
    expect(estimateLargestTensorBytes(g, localizer, detector)).toBe(rows * 160 * 8 * 4);
  });
});
