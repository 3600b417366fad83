/**
 * The web runner's move from WebGPU to WebAssembly, on a fake onnxruntime-web: a session that
 * cannot be created on WebGPU, a lost device and an out-of-memory during a run each retry that
 * work on WASM, tell the user once, and keep later work on WASM. (The real WebGPU path is
 * exercised in e2e/analyze-webgpu.spec.ts on Chromium's software adapter.)
 */
import { describe, expect, it } from 'vitest';
import type { BackendPlan } from './backend';
import { configureOrtWasm, ortWebRunner, type GpuDeviceLike, type OrtApi } from './ortWebRunner';

type Provider = 'webgpu' | 'wasm';

interface FakeBehaviour {
  /** Fail InferenceSession.create on WebGPU with this message. */
  createFails?: string;
  /** Fail the n-th WebGPU run (1-based) with this message; a callback may change the device. */
  runFails?: { on: number; message: string; before?: () => void };
}

function fakeOrt(behaviour: FakeBehaviour = {}) {
  const log: string[] = [];
  let gpuRuns = 0;
  class FakeTensor {
    readonly type = 'float32';
    constructor(
      _type: string,
      readonly data: Float32Array,
      readonly dims: readonly number[],
    ) {}
  }
  const ort = {
    env: { versions: { web: '1.30.0' }, wasm: {} as Record<string, unknown> },
    Tensor: FakeTensor,
    InferenceSession: {
      async create(_bytes: Uint8Array, options?: { executionProviders?: unknown[] }) {
        const ep = options?.executionProviders?.[0];
        const provider: Provider = (typeof ep === 'string' ? ep : (ep as { name: string }).name) as Provider;
        log.push(`create ${provider}`);
        if (provider === 'webgpu' && behaviour.createFails) throw new Error(behaviour.createFails);
        return {
          inputNames: ['image'],
          outputNames: ['out'],
          inputMetadata: [{ name: 'image', isTensor: true, type: 'float32', shape: [1, 'N'] }],
          outputMetadata: [{ name: 'out', isTensor: true, type: 'float32', shape: [1, 'N'] }],
          async run(feeds: Record<string, FakeTensor>) {
            log.push(`run ${provider}`);
            if (provider === 'webgpu' && behaviour.runFails && ++gpuRuns === behaviour.runFails.on) {
              behaviour.runFails.before?.();
              await Promise.resolve(); // let device.lost handlers run
              throw new Error(behaviour.runFails.message);
            }
            const x = feeds.image.data;
            return { out: new FakeTensor('float32', x.map((v) => v * 2), feeds.image.dims) };
          },
          async release() {
            log.push(`release ${provider}`);
          },
        };
      },
    },
  };
  return { ort: ort as unknown as OrtApi, log, env: ort.env };
}

function fakeDevice(): { device: GpuDeviceLike; lose: (message: string) => void; outOfMemory: () => void } {
  let lose!: (info: { reason: string; message: string }) => void;
  const listeners: ((e: { error?: { constructor?: { name?: string }; message?: string } }) => void)[] = [];
  class GPUOutOfMemoryError {
    message = 'out of memory';
  }
  return {
    device: {
      lost: new Promise((resolve) => (lose = resolve)),
      addEventListener: (_type, listener) => listeners.push(listener),
    },
    lose: (message) => lose({ reason: 'unknown', message }),
    outOfMemory: () => listeners.forEach((l) => l({ error: new GPUOutOfMemoryError() })),
  };
}

const webgpuPlan: BackendPlan = { kind: 'webgpu', threads: 2, reason: 'real WebGPU adapter (nvidia ada)', notes: [], adapterName: 'nvidia ada' };
const feeds = { image: { data: new Float32Array([1, 2, 3]), dims: [1, 3] } };
const model = new Uint8Array([1, 2, 3]);

describe('ortWebRunner', () => {
  it('runs on WebGPU while it works, and reports the signature and the backend', async () => {
    const { ort, log } = fakeOrt();
    const runner = ortWebRunner({ ort, plan: webgpuPlan, device: fakeDevice().device });
    const session = await runner.load(model);
    expect(session.signature).toEqual({ inputs: [{ name: 'image', shape: [1, 'N'] }], outputs: [{ name: 'out', shape: [1, 'N'] }] });
    const out = await session.run(feeds);
    expect(Array.from(out.out.data)).toEqual([2, 4, 6]);
    expect(out.out.dims).toEqual([1, 3]);
    expect(runner.kind).toBe('webgpu');
    expect(runner.backend).toBe('onnxruntime-web 1.30.0 (webgpu, nvidia ada)');
    expect(runner.fallbackMessage).toBeNull();
    expect(log).toEqual(['create webgpu', 'run webgpu']);
  });

  it('loads on WebAssembly when WebGPU cannot create the session, and says so once', async () => {
    const { ort, log } = fakeOrt({ createFails: 'Only Conv2d or Conv1d are supported' });
    const messages: string[] = [];
    const runner = ortWebRunner({ ort, plan: webgpuPlan, onFallback: (m) => messages.push(m) });
    await (await runner.load(model)).run(feeds);
    await (await runner.load(model)).run(feeds);
    expect(runner.kind).toBe('wasm');
    expect(runner.backend).toBe('onnxruntime-web 1.30.0 (wasm, 2 threads)');
    expect(messages).toEqual(['WebGPU could not load the model (Only Conv2d or Conv1d are supported): the analysis continues on WebAssembly (2 threads)']);
    // The second model goes straight to WASM.
    expect(log).toEqual(['create webgpu', 'create wasm', 'run wasm', 'create wasm', 'run wasm']);
  });

  it('retries a run on WebAssembly when the device is lost, and moves the other sessions too', async () => {
    const gpu = fakeDevice();
    const { ort, log } = fakeOrt({ runFails: { on: 2, message: 'mapAsync failed', before: () => gpu.lose('GPU process crashed') } });
    const messages: string[] = [];
    const runner = ortWebRunner({ ort, plan: webgpuPlan, device: gpu.device, onFallback: (m) => messages.push(m) });
    const localizer = await runner.load(model);
    const detector = await runner.load(model);
    await localizer.run(feeds);
    const out = await localizer.run(feeds); // fails on WebGPU, retried on WASM
    expect(Array.from(out.out.data)).toEqual([2, 4, 6]);
    await detector.run(feeds); // follows the runner to WASM before running
    expect(messages).toEqual(['the GPU device was lost (GPU process crashed): the analysis continues on WebAssembly (2 threads)']);
    expect(runner.fallbackMessage).toBe(messages[0]);
    expect(log).toEqual([
      'create webgpu', 'create webgpu',
      'run webgpu', 'run webgpu', 'create wasm', 'release webgpu', 'run wasm',
      'create wasm', 'release webgpu', 'run wasm',
    ]);
  });

  it('retries on WebAssembly when the GPU runs out of memory', async () => {
    const gpu = fakeDevice();
    const { ort } = fakeOrt({ runFails: { on: 1, message: 'Failed to run the model', before: gpu.outOfMemory } });
    const messages: string[] = [];
    const runner = ortWebRunner({ ort, plan: webgpuPlan, device: gpu.device, onFallback: (m) => messages.push(m) });
    const out = await (await runner.load(model)).run(feeds);
    expect(Array.from(out.out.data)).toEqual([2, 4, 6]);
    expect(messages[0]).toMatch(/^the GPU ran out of memory \(Failed to run the model\): the analysis continues on WebAssembly/);
  });

  it('recognises out-of-memory and lost-device errors by their message too', async () => {
    for (const [message, why] of [
      ['GPUOutOfMemoryError: allocation failed', 'the GPU ran out of memory'],
      ['WebGPU device was lost', 'the GPU device was lost'],
      ['some shader error', 'WebGPU failed'],
    ]) {
      const { ort } = fakeOrt({ runFails: { on: 1, message } });
      const runner = ortWebRunner({ ort, plan: webgpuPlan, device: fakeDevice().device });
      await (await runner.load(model)).run(feeds);
      expect(runner.fallbackMessage, message).toMatch(new RegExp(`^${why} \\(`));
    }
  });

  it('runs plain WebAssembly plans without touching WebGPU', async () => {
    const { ort, log } = fakeOrt();
    const runner = ortWebRunner({ ort, plan: { ...webgpuPlan, kind: 'wasm', threads: 1 } });
    await (await runner.load(model)).run(feeds);
    expect(log).toEqual(['create wasm', 'run wasm']);
    expect(runner.backend).toBe('onnxruntime-web 1.30.0 (wasm, 1 thread)');
  });

  it('configures ORT: absolute wasm path, threads, no proxy worker', () => {
    const { ort, env } = fakeOrt();
    configureOrtWasm(ort, { wasmPaths: 'http://localhost:4173/ort/', threads: 2 });
    expect(env.wasm).toEqual({ wasmPaths: 'http://localhost:4173/ort/', numThreads: 2, proxy: false });
  });
});
