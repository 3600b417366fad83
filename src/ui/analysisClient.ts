/**
 * Promise wrapper around the analysis worker. One analysis at a time: a new one, or cancel(),
 * rejects the running one's promise with CancelledError at once. The volume is posted as is:
 * shared memory when the ingest worker could share it, else one structured-clone copy (see
 * src/worker/analysisProtocol.ts).
 *
 * A worker that ran on WebAssembly (or had not yet said which backend) is terminated when its
 * analysis ends, however it ends: ORT's WebAssembly memory never shrinks, and terminating is
 * the only way to give it back to the tab between analyses. A WebGPU worker is kept (its
 * tensors live on the GPU; a new device and pipelines would cost seconds) and is asked to stop
 * instead. What a worker learnt that outlives it is kept here: the model files it downloaded
 * and whether WebGPU failed.
 */
import type { Volume } from '../core/volume';
import type {
  AnalysisErrorCode,
  AnalysisOutcome,
  AnalysisProgress,
  AnalysisRequest,
  AnalysisResponse,
  BackendReport,
  KeptModelFiles,
} from '../worker/analysisProtocol';
import type { BackendKind } from '../worker/backend';
import { CancelledError } from './ingestClient';

export class AnalysisError extends Error {
  constructor(
    readonly code: AnalysisErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AnalysisError';
  }
}

export interface AnalyzeCall {
  volume: Volume;
  modelsBase: string;
  modelsBaseIsDefault: boolean;
  forcedBackend: BackendKind | null;
  onProgress?: (p: AnalysisProgress) => void;
  onBackend?: (b: BackendReport) => void;
}

interface Running {
  requestId: number;
  call: AnalyzeCall;
  cancelFlag: Int32Array | null;
  /** From the worker's 'backend' message; null until then. */
  backend: BackendKind | null;
  resolve: (o: AnalysisOutcome) => void;
  reject: (e: Error) => void;
}

export class AnalysisClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private running: Running | null = null;
  private keptModels: KeptModelFiles | null = null;
  private webGpuBroken: string | null = null;

  private spawn(): Worker {
    const worker = new Worker(new URL('../worker/analysis.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (e: MessageEvent<AnalysisResponse>) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      // A crash (often out of memory): a fresh worker serves the next analysis.
      worker.terminate();
      if (this.worker === worker) this.worker = null;
      this.finish(new AnalysisError('failed', `The analysis stopped unexpectedly (${e.message || 'the worker crashed, perhaps out of memory'}). Try again; reload the page if it keeps happening.`));
    });
    return worker;
  }

  analyze(call: AnalyzeCall): Promise<AnalysisOutcome> {
    this.cancel();
    this.worker ??= this.spawn();
    const requestId = this.nextId++;
    const cancelFlag = typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
    return new Promise<AnalysisOutcome>((resolve, reject) => {
      this.running = { requestId, call, cancelFlag, backend: null, resolve, reject };
      const request: AnalysisRequest = {
        type: 'analyze',
        requestId,
        volume: call.volume,
        modelsBase: call.modelsBase,
        modelsBaseIsDefault: call.modelsBaseIsDefault,
        forcedBackend: call.forcedBackend,
        cancelFlag,
        keptModels: this.keptModels?.base === call.modelsBase ? this.keptModels : null,
        webGpuBroken: this.webGpuBroken,
      };
      this.worker!.postMessage(request);
    });
  }

  /** Stops the running analysis, if any; its promise rejects with CancelledError. */
  cancel(): void {
    const r = this.running;
    if (!r) return;
    if (r.backend === 'webgpu') {
      if (r.cancelFlag) Atomics.store(r.cancelFlag, 0, 1);
      this.worker?.postMessage({ type: 'cancel', requestId: r.requestId } satisfies AnalysisRequest);
    } else {
      this.retireWorker();
    }
    this.finish(new CancelledError());
  }

  private retireWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  dispose(): void {
    this.cancel();
    this.worker?.terminate();
    this.worker = null;
  }

  private finish(outcome: AnalysisOutcome | Error): void {
    const r = this.running;
    if (!r) return;
    this.running = null;
    if (outcome instanceof Error) r.reject(outcome);
    else r.resolve(outcome);
  }

  private onMessage(msg: AnalysisResponse): void {
    const r = this.running;
    if (msg.type === 'error' && msg.requestId === null) {
      this.finish(new AnalysisError(msg.code, msg.message, msg.detail));
      return;
    }
    if (!r || msg.requestId !== r.requestId) return; // a superseded or cancelled request
    switch (msg.type) {
      case 'progress':
        r.call.onProgress?.(msg.progress);
        return;
      case 'backend':
        // Also sent when WebGPU fails mid-run (the worker's onFallback), so a failure is seen here.
        r.backend = msg.backend.kind;
        if (msg.backend.fallback) this.webGpuBroken = msg.backend.fallback;
        r.call.onBackend?.(msg.backend);
        return;
      case 'models':
        this.keptModels = msg.models;
        return;
      case 'analyzed':
        if (msg.outcome.backend.kind !== 'webgpu') this.retireWorker();
        this.finish(msg.outcome);
        return;
      case 'error':
        // Files that failed their checks, or were not all there, are downloaded again next time.
        if (msg.code === 'model-mismatch' || msg.code === 'models-missing') this.keptModels = null;
        if (r.backend !== 'webgpu') this.retireWorker();
        this.finish(msg.code === 'cancelled' ? new CancelledError() : new AnalysisError(msg.code, msg.message, msg.detail));
        return;
    }
  }
}
