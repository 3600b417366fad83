/**
 * The pipeline's ModelRunner on onnxruntime-web, for the analysis worker: the browser's
 * counterpart of src/node/ortNodeRunner.ts. It runs on the backend that backend.ts chose:
 *
 * - WebGPU (ORT's native WebGPU execution provider, `onnxruntime-web/webgpu`) on the GPUDevice
 *   the worker created from the adapter it accepted. When a WebGPU session cannot be created, or
 *   a run fails (the device was lost, the GPU ran out of memory, an operator failed), the runner
 *   moves to WebAssembly for good: that run is retried on WASM, later runs and later loads go
 *   straight to WASM, and `onFallback` gets one sentence for the user.
 * - WebAssembly, multithreaded when the page is cross-origin isolated.
 *
 * The ORT module is passed in (the worker imports it; tests pass a fake), so this file has no
 * runtime import of onnxruntime-web.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { runFloat32, type ModelRunner, type ModelSession, type TensorData, type TensorInfo } from '../core/pipeline/runner';
import type { BackendKind, BackendPlan } from './backend';

/** The parts of the onnxruntime-web module the runner uses. */
export interface OrtApi {
  env: {
    versions?: { web?: string };
    logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
    wasm: { wasmPaths?: unknown; numThreads?: number; proxy?: boolean };
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
}

/** The parts of a GPUDevice the runner watches (real devices and test fakes alike). */
export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: { constructor?: { name?: string }; message?: string } }) => void): void;
}

export interface OrtWebRunnerOptions {
  ort: OrtApi;
  plan: BackendPlan;
  /** The device to run WebGPU sessions on (plan.kind 'webgpu'); ORT makes its own when absent. */
  device?: GpuDeviceLike | null;
  /** Called once, when WebGPU fails and the runner moves to WebAssembly. */
  onFallback?: (message: string) => void;
}

export interface OrtWebRunner extends ModelRunner {
  /** The backend the next run uses (becomes 'wasm' after a WebGPU failure). */
  readonly kind: BackendKind;
  /** The sentence given to onFallback, once WebGPU has failed. */
  readonly fallbackMessage: string | null;
}

/** ORT's global WebAssembly settings: once, before the first session (later changes are ignored). */
export function configureOrtWasm(ort: OrtApi, settings: { wasmPaths: string; threads: number }): void {
  ort.env.wasm.wasmPaths = settings.wasmPaths;
  ort.env.wasm.numThreads = settings.threads;
  // Already in a worker: no proxy worker of ORT's own.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

function info(names: readonly string[], metadata: readonly InferenceSession.ValueMetadata[] | undefined): TensorInfo[] {
  // Shapes the runtime cannot read are empty: the card check then skips them (modelCard.ts).
  return names.map((name, i) => {
    const m = metadata?.[i];
    return { name, shape: m && m.isTensor ? [...m.shape] : [] };
  });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function ortWebRunner(options: OrtWebRunnerOptions): OrtWebRunner {
  const { ort, plan, device } = options;
  let kind: BackendKind = plan.kind;
  let fallbackMessage: string | null = null;
  let deviceLost: string | null = null;
  let outOfMemory = false;
  if (kind === 'webgpu' && device) {
    void device.lost.then((i) => {
      deviceLost = i.message || i.reason || 'lost';
    });
    device.addEventListener?.('uncapturederror', (e) => {
      if (e.error?.constructor?.name === 'GPUOutOfMemoryError') outOfMemory = true;
    });
  }
  const version = ort.env.versions?.web ?? '';
  const label = () => `onnxruntime-web ${version} (${kind === 'webgpu' ? `webgpu, ${plan.adapterName ?? 'GPU'}` : `wasm, ${plan.threads} thread${plan.threads === 1 ? '' : 's'}`})`.replace('  ', ' ');

  function fallBack(why: string): void {
    if (kind === 'wasm') return;
    kind = 'wasm';
    fallbackMessage = `${why}: the analysis continues on WebAssembly (${plan.threads} thread${plan.threads === 1 ? '' : 's'})`;
    options.onFallback?.(fallbackMessage);
  }

  /** Why a WebGPU run failed, in words, from the device's state and the error. */
  function gpuFailure(err: unknown): string {
    const text = messageOf(err);
    if (deviceLost !== null) return `the GPU device was lost (${deviceLost})`;
    if (outOfMemory || /out of memory|\boom\b|GPUOutOfMemoryError/i.test(text)) return `the GPU ran out of memory (${text})`;
    if (/device (was |is )?lost|device.*destroyed/i.test(text)) return `the GPU device was lost (${text})`;
    return `WebGPU failed (${text})`;
  }

  function create(bytes: Uint8Array, on: BackendKind): Promise<InferenceSession> {
    const executionProviders: InferenceSession.ExecutionProviderConfig[] =
      on === 'webgpu' ? [device ? ({ name: 'webgpu', device } as unknown as InferenceSession.ExecutionProviderConfig) : 'webgpu'] : ['wasm'];
    // The CPU arena off, as in Node (ortNodeRunner.ts, where it kept the localizer's activations
    // after each run). In the browser npm run bench:pipeline measured no gain from it (peak
    // 3.62 × the volume cold); kept so both runtimes allocate alike. Full graph optimisation also
    // for memory: with 'basic' the same bench peaked higher (3.41 / 3.37 × cold / warm against
    // 3.23 / 3.17 ×), the fused graph holding fewer activations. (One thread instead of two saved
    // no memory either, 3.17 / 3.11 ×, and took 5.6 s instead of 3.5.)
    return ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all', enableCpuMemArena: false });
  }

  function runOn(session: InferenceSession, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    return runFloat32(session, (data, dims) => new ort.Tensor('float32', data, dims), feeds);
  }

  function wrap(bytes: Uint8Array, first: InferenceSession, on: BackendKind): ModelSession {
    let session = first;
    let sessionKind = on;
    const signature = { inputs: info(first.inputNames, first.inputMetadata), outputs: info(first.outputNames, first.outputMetadata) };
    // Only a WebGPU session may need its model again (to move to WebAssembly); a WebAssembly one
    // lets the bytes go, ORT having copied them (npm run bench:pipeline: one copy of the models
    // less through the analysis).
    let fallbackBytes: Uint8Array | null = on === 'webgpu' ? bytes : null;
    /** The same model on WebAssembly, replacing the WebGPU session. */
    async function moveToWasm(): Promise<void> {
      const old = session;
      session = await create(fallbackBytes!, 'wasm');
      sessionKind = 'wasm';
      fallbackBytes = null;
      await old.release().catch(() => undefined);
    }
    return {
      signature,
      async run(feeds) {
        // Another model's failure moved the runner: follow it before running.
        if (sessionKind === 'webgpu' && kind === 'wasm') await moveToWasm();
        if (sessionKind === 'webgpu') {
          try {
            const out = await runOn(session, feeds);
            // A device lost during the run may still hand back buffers: do not trust them.
            if (deviceLost === null) return out;
            throw new Error(`device lost: ${deviceLost}`);
          } catch (err) {
            fallBack(gpuFailure(err));
            await moveToWasm();
          }
        }
        return runOn(session, feeds);
      },
      release: () => session.release(),
    };
  }

  return {
    get backend() {
      return label();
    },
    get kind() {
      return kind;
    },
    get fallbackMessage() {
      return fallbackMessage;
    },
    async load(modelBytes: Uint8Array): Promise<ModelSession> {
      if (kind === 'webgpu') {
        try {
          return wrap(modelBytes, await create(modelBytes, 'webgpu'), 'webgpu');
        } catch (err) {
          fallBack(`WebGPU could not load the model (${messageOf(err)})`);
        }
      }
      return wrap(modelBytes, await create(modelBytes, 'wasm'), 'wasm');
    },
  };
}
