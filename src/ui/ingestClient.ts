/**
 * Promise wrapper around the ingest worker. A new `scan` or `load` supersedes the running one:
 * the superseded promise rejects with `CancelledError` (callers ignore it).
 */
import type { IngestProgress, IngestResult } from '../core/ingest/types';
import type { Volume } from '../core/volume';
import type { CodecUrls, InputFile, WorkerRequest, WorkerResponse } from '../worker/protocol';

export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

interface Pending {
  resolve: (value: WorkerResponse) => void;
  reject: (err: Error) => void;
  onProgress?: (p: IngestProgress) => void;
  /** Only one scan/load runs at a time; configure requests never cancel. */
  exclusive: boolean;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { requestId: number } ? Omit<R, 'requestId'> : never) : never;

export class IngestClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private codecs: CodecUrls | null = null;
  private crashes = 0;
  private dead: Error | null = null;

  constructor() {
    this.worker = this.spawn();
  }

  /** Creates the worker; after a crash a fresh one replaces it (the open study is then lost). */
  private spawn(): Worker {
    const worker = new Worker(new URL('../worker/ingest.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (e: MessageEvent<WorkerResponse>) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      const why = e.message || 'it could not start';
      worker.terminate();
      if (++this.crashes >= 3) {
        this.dead = new Error(`The file reader cannot run in this browser (${why}). Reload the page, or try a current Chrome, Edge or Firefox.`);
        this.failAll(this.dead);
        return;
      }
      this.failAll(new Error(`The file reader stopped (${why}). Open the files again; reload the page if it keeps happening.`));
      this.worker = this.spawn();
      if (this.codecs) void this.configure(this.codecs).catch(() => undefined);
    });
    worker.addEventListener('messageerror', () => {
      this.failAll(new Error('The file reader sent a reply the page could not read. Open the files again.'));
    });
    return worker;
  }

  configure(wasmUrl: CodecUrls): Promise<void> {
    this.codecs = wasmUrl;
    return this.request({ type: 'configure', wasmUrl }, false).then(() => undefined);
  }

  async scan(
    files: InputFile[],
    onProgress?: (p: IngestProgress) => void,
  ): Promise<{ result: IngestResult; noVolumeReason: string | null }> {
    const res = await this.request({ type: 'scan', files }, true, onProgress);
    if (res.type !== 'scanned') throw new Error(`Unexpected reply from the file reader: ${res.type}`);
    return { result: res.result, noVolumeReason: res.noVolumeReason };
  }

  async load(seriesId: string, onProgress?: (p: IngestProgress) => void): Promise<Volume> {
    const res = await this.request({ type: 'load', seriesId }, true, onProgress);
    if (res.type !== 'loaded') throw new Error(`Unexpected reply from the file reader: ${res.type}`);
    return res.volume;
  }

  dispose(): void {
    this.failAll(new CancelledError());
    this.worker.terminate();
  }

  private request(body: RequestBody, exclusive: boolean, onProgress?: (p: IngestProgress) => void): Promise<WorkerResponse> {
    if (this.dead) return Promise.reject(this.dead);
    if (exclusive) {
      for (const [id, p] of this.pending) {
        if (p.exclusive) {
          this.pending.delete(id);
          p.reject(new CancelledError());
        }
      }
    }
    const requestId = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onProgress, exclusive });
      this.worker.postMessage({ ...body, requestId } as WorkerRequest);
    });
  }

  private onMessage(msg: WorkerResponse): void {
    if (msg.type === 'error' && msg.requestId === null) {
      this.failAll(new Error(msg.message));
      return;
    }
    const p = this.pending.get(msg.requestId as number);
    if (!p) return; // superseded request
    switch (msg.type) {
      case 'progress':
        p.onProgress?.(msg.progress);
        return;
      case 'error':
        this.pending.delete(msg.requestId as number);
        p.reject(msg.message === 'Cancelled.' ? new CancelledError() : new Error(msg.message));
        return;
      default:
        this.pending.delete(msg.requestId as number);
        p.resolve(msg);
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
