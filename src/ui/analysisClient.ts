/**
 * Promise wrapper around the analysis worker. One analysis at a time: a new one, or cancel(),
 * rejects the running one's promise with CancelledError at once (the worker stops at its next
 * check). The volume is posted as is: shared memory when the ingest worker could share it, else
 * one structured-clone copy (see src/worker/analysisProtocol.ts).
 */
import type { Volume } from '../core/volume';
import type {
  AnalysisErrorCode,
  AnalysisOutcome,
  AnalysisProgress,
  AnalysisRequest,
  AnalysisResponse,
  BackendReport,
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
  resolve: (o: AnalysisOutcome) => void;
  reject: (e: Error) => void;
}

export class AnalysisClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private running: Running | null = null;

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
      this.running = { requestId, call, cancelFlag, resolve, reject };
      const request: AnalysisRequest = {
        type: 'analyze',
        requestId,
        volume: call.volume,
        modelsBase: call.modelsBase,
        modelsBaseIsDefault: call.modelsBaseIsDefault,
        forcedBackend: call.forcedBackend,
        cancelFlag,
      };
      this.worker!.postMessage(request);
    });
  }

  /** Stops the running analysis, if any; its promise rejects with CancelledError. */
  cancel(): void {
    const r = this.running;
    if (!r) return;
    if (r.cancelFlag) Atomics.store(r.cancelFlag, 0, 1);
    this.worker?.postMessage({ type: 'cancel', requestId: r.requestId } satisfies AnalysisRequest);
    this.finish(new CancelledError());
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
        r.call.onBackend?.(msg.backend);
        return;
      case 'analyzed':
        this.finish(msg.outcome);
        return;
      case 'error':
        this.finish(msg.code === 'cancelled' ? new CancelledError() : new AnalysisError(msg.code, msg.message, msg.detail));
        return;
    }
  }
}
