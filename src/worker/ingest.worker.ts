/// <reference lib="webworker" />
/**
 * Ingest off the main thread: scans the dropped files into a catalog (kept here, so another
 * series can be loaded without sending the files again) and decodes the chosen series into a
 * Volume for the page.
 *
 * The voxels: when the page is cross-origin isolated they are moved into a SharedArrayBuffer (one
 * copy, here, once per load) and posted as shared memory, so the page's viewer and the analysis
 * worker (analysis.worker.ts) later read the very same bytes with no further copy. Otherwise the
 * buffer is transferred, not copied, to the page, as before.
 */
import { scanStudy, loadSeries, configureCodecs, noVolumeReason, type StudyCatalog } from '../core/ingest';
import type { IngestProgress, SourceFile } from '../core/ingest/types';
import type { Volume } from '../core/volume';
import type { InputFile, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let catalog: StudyCatalog | null = null;
let current: AbortController | null = null;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function toSourceFile(input: InputFile): SourceFile {
  return {
    path: input.path,
    size: input.file.size,
    read: async () => new Uint8Array(await input.file.arrayBuffer()),
    readRange: async (start, end) => new Uint8Array(await input.file.slice(start, end).arrayBuffer()),
  };
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'IngestError') return err.message;
    if (err.name === 'AbortError') return 'Cancelled.';
    return `Unexpected error while reading the study: ${err.message || err.name}`;
  }
  return `Unexpected error while reading the study: ${String(err)}`;
}

/**
 * Puts the voxels in shared memory when the page can share it, and says what to transfer:
 * nothing for shared voxels, the private buffer otherwise (also when the allocation fails).
 */
function shareVoxels(volume: Volume): Transferable[] {
  const voxels = volume.voxels;
  if (!canShare()) return [voxels.buffer as ArrayBuffer];
  if (voxels.buffer instanceof SharedArrayBuffer) return []; // assembled in shared memory already
  try {
    // NIfTI volumes (and DICOM when shared allocation failed) arrive private: one copy.
    const shared = new SharedArrayBuffer(voxels.byteLength);
    const view = voxels instanceof Int16Array ? new Int16Array(shared) : new Float32Array(shared);
    view.set(voxels);
    volume.voxels = view;
    return [];
  } catch {
    return [voxels.buffer as ArrayBuffer]; // out of memory for a second buffer: transfer the private one
  }
}

function canShare(): boolean {
  return self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined';
}

/** Voxels assembled straight into shared memory (no copy before posting them); private memory if that fails. */
function allocateShared(kind: 'int16' | 'float32', length: number): Int16Array | Float32Array {
  const int16 = kind === 'int16';
  try {
    const shared = new SharedArrayBuffer(length * (int16 ? 2 : 4));
    return int16 ? new Int16Array(shared) : new Float32Array(shared);
  } catch {
    return int16 ? new Int16Array(length) : new Float32Array(length);
  }
}

/** Cancels whatever is running and returns the signal of the new request. */
function begin(): AbortSignal {
  current?.abort();
  current = new AbortController();
  return current.signal;
}

async function handle(req: WorkerRequest): Promise<void> {
  const { requestId } = req;
  switch (req.type) {
    case 'configure':
      configureCodecs({ wasmUrl: req.wasmUrl });
      post({ type: 'configured', requestId });
      return;
    case 'scan': {
      const signal = begin();
      catalog = null;
      const onProgress = (progress: IngestProgress) => post({ type: 'progress', requestId, progress });
      const scanned = await scanStudy(req.files.map(toSourceFile), { onProgress, signal });
      if (signal.aborted) return;
      catalog = scanned;
      const { result } = scanned;
      post({ type: 'scanned', requestId, result, noVolumeReason: result.bestSeriesId ? null : noVolumeReason(result) });
      return;
    }
    case 'load': {
      if (!catalog) throw new Error('No study is open; open files first.');
      const signal = begin();
      const volume = await loadSeries(catalog, req.seriesId, {
        onProgress: (progress) => post({ type: 'progress', requestId, progress }),
        signal,
        allocateVoxels: canShare() ? allocateShared : undefined,
      });
      if (signal.aborted) return;
      post({ type: 'loaded', requestId, volume }, shareVoxels(volume));
      return;
    }
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  handle(req).catch((err: unknown) => post({ type: 'error', requestId: req.requestId, message: messageOf(err) }));
});

self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  post({ type: 'error', requestId: null, message: messageOf(event.reason) });
});
