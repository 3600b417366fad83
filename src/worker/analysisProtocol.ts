/**
 * Messages between the page and the analysis worker (analysis.worker.ts).
 *
 * The volume is not copied to get here: when the page is cross-origin isolated, the ingest
 * worker put the voxels in a SharedArrayBuffer (ingest.worker.ts), so posting the Volume shares
 * that memory with this worker; the page's viewer and the analysis read the same bytes. Without
 * isolation the voxels are an ordinary buffer the viewer needs, and the post copies them once
 * (structured clone); the worker drops its copy when the analysis ends.
 *
 * A worker that ran on WebAssembly is retired after its analysis (analysisClient.ts): ORT's
 * WebAssembly memory only grows, so a kept worker would start every later analysis with the
 * first one's peak still held. The page keeps the model files the first worker downloaded
 * ('models' message, as Blobs whose data the browser holds outside the page's memory) and hands
 * them to the next worker, so nothing is downloaded twice.
 */
import type { StageName, StageTiming } from '../core/pipeline/analyze';
import type { AnalysisResult } from '../core/pipeline/result';
import type { Volume } from '../core/volume';
import type { BackendKind } from './backend';

export type AnalysisRequest =
  | {
      type: 'analyze';
      requestId: number;
      volume: Volume;
      /** Absolute URL of the folder holding NAME.onnx and NAME.json, ending in "/". */
      modelsBase: string;
      /** True for the app's own public/models (the message for missing models says so). */
      modelsBaseIsDefault: boolean;
      /** ?backend=wasm|webgpu, or null to decide (backend.ts). */
      forcedBackend: BackendKind | null;
      /** Int32Array(1) over a SharedArrayBuffer: the page sets it to 1 to cancel (seen mid-stage). */
      cancelFlag: Int32Array | null;
      /** The model files an earlier worker downloaded from this page (null: download them). */
      keptModels: KeptModelFiles | null;
      /** Why WebGPU failed earlier in this tab, if it did: this analysis goes to WebAssembly. */
      webGpuBroken: string | null;
    }
  | { type: 'cancel'; requestId: number };

/**
 * The four model files as downloaded from `base` (cards and networks, not yet checked), as
 * Blobs: posting one passes a handle to data in the browser's blob store, not a copy of it.
 */
export interface KeptModelFiles {
  base: string;
  files: [name: string, file: Blob][];
}

/** Preparation steps before the pipeline's own stages. */
export type PrepareStage = 'backend' | 'models';

export interface AnalysisProgress {
  stage: StageName | PrepareStage;
  label: string;
  /** Overall 0–100 (preparation counts as 0; the pipeline's stage weights after it). */
  percent: number;
}

/** Which backend ran the networks and why, for the user and the timing table. */
export interface BackendReport {
  /** What ran the networks in the end ('wasm' after a WebGPU failure). */
  kind: BackendKind;
  /** What was chosen before any failure. */
  planned: BackendKind;
  /** "onnxruntime-web 1.30.0 (wasm, 2 threads)". */
  label: string;
  /** Why the planned backend ("software WebGPU adapter (google swiftshader) rejected"). */
  reason: string;
  threads: number;
  notes: string[];
  /** Set when WebGPU failed and the work moved to WebAssembly. */
  fallback: string | null;
}

export interface AnalysisOutcome {
  result: AnalysisResult;
  /** Preparation (backend, models) then the pipeline's stages, in the order they ran. */
  timings: (StageTiming | { stage: PrepareStage; label: string; ms: number })[];
  backend: BackendReport;
  /** True when the model files were not downloaded for this analysis (kept from an earlier one). */
  modelsCached: boolean;
}

export type AnalysisErrorCode = 'models-missing' | 'model-mismatch' | 'no-spine' | 'too-large' | 'cancelled' | 'failed';

export type AnalysisResponse =
  | { type: 'progress'; requestId: number; progress: AnalysisProgress }
  | { type: 'backend'; requestId: number; backend: BackendReport }
  /** Sent after a download, for the page to keep (Blob handles: the data is not copied). */
  | { type: 'models'; requestId: number; models: KeptModelFiles }
  | { type: 'analyzed'; requestId: number; outcome: AnalysisOutcome }
  | { type: 'error'; requestId: number | null; code: AnalysisErrorCode; message: string; detail?: string };

/** The sentence shown when the models are not where the page looked for them. */
export function modelsMissingMessage(modelsBase: string, isDefault: boolean): string {
  const where = isDefault ? 'public/models is empty' : `nothing at ${modelsBase}`;
  return `The analysis models are not installed (${where}): run npm run train:localizer and npm run train:detector, or use a release build that includes them.`;
}
