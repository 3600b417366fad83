/// <reference lib="webworker" />
/**
 * Ingest off the main thread: scans the dropped files into a catalog (kept here, so another
 * series can be loaded without sending the files again) and decodes the chosen series into a
 * Volume whose voxel buffer is transferred, not copied, to the page.
 */
import { scanStudy, loadSeries, configureCodecs, noVolumeReason, type StudyCatalog } from '../core/ingest';
import type { IngestProgress, SourceFile } from '../core/ingest/types';
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
      });
      if (signal.aborted) return;
      post({ type: 'loaded', requestId, volume }, [volume.voxels.buffer as ArrayBuffer]);
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
