/// <reference lib="webworker" />
/**
 * The analysis off the main thread: Volume → result document (src/core/pipeline/analyze.ts) on
 * onnxruntime-web. A module worker of its own, beside the ingest worker, so that a long network
 * run never holds up reading another study, and a crash here (out of WebAssembly memory) loses
 * no open study.
 *
 * Where the volume lives: in the page, for the viewer. When the page is cross-origin isolated
 * the ingest worker has put the voxels in a SharedArrayBuffer, and posting the Volume here shares
 * them: nothing is copied or transferred, the viewer and the analysis read the same memory, and
 * nothing writes it after loading. Without isolation the post copies the voxels once (the viewer
 * keeps its own); the copy is dropped when the analysis ends. See analysisProtocol.ts.
 *
 * Per request: choose the backend (backend.ts), import the onnxruntime-web build for it (the
 * plain WebAssembly one unless WebGPU runs: ortBuild.ts), take the two models and their cards
 * from the request (kept by the page from an earlier download) or download them from the models
 * URL and send the page their Blobs, check them (the core's card checks), run the pipeline with
 * progress per stage (in a kept WebGPU worker, the localizer input's buffers lent from one analysis to the next), and
 * answer with the result, the timings and which backend ran and
 * why. Cancel: a flag in shared memory the pipeline's progress callbacks read
 * (so even a long resample stops at the next slice), a `cancel` message, and a pause before each
 * network run so that message is seen.
 */
import { analyze, PipelineError, type PipelineModels } from '../core/pipeline/analyze';
import { DETECTOR_NAME, LOCALIZER_NAME, ModelCheckError, parseCard, type DetectorCard, type LocalizerCard } from '../core/pipeline/modelCard';
import { loadPipelineModels, ModelsMissingError, releasePipelineModels, type ModelFileReader } from '../core/pipeline/models';
import { loadPipelineModelsInTurn } from '../core/pipeline/modelsInTurn';
import type { ResampleBuffers } from '../core/pipeline/resample';
import type { CheckedModel, ModelSession } from '../core/pipeline/runner';
import {
  modelsMissingMessage,
  type AnalysisErrorCode,
  type AnalysisOutcome,
  type AnalysisProgress,
  type AnalysisRequest,
  type AnalysisResponse,
  type BackendReport,
  type KeptModelFiles,
} from './analysisProtocol';
import { chooseBackend, estimateLargestTensorBytes, type BackendKind, type BackendPlan, type GpuAnswer } from './backend';
import { ortBuildFor, type OrtBuild } from './ortBuild';
import { configureOrtWasm, ortWebRunner, type OrtWebRunner } from './ortWebRunner';

declare const self: DedicatedWorkerGlobalScope;

function post(message: AnalysisResponse): void {
  self.postMessage(message);
}

// ---------- the models, by URL ----------

const MODEL_FILES = [LOCALIZER_NAME, DETECTOR_NAME].flatMap((n) => [`${n}.json`, `${n}.onnx`]);

/**
 * A model file by URL, as a Blob; null when the server has no such file. A Blob, not bytes:
 * Chromium keeps its data in the browser's blob store, not in this renderer, so neither this
 * worker nor the page (which keeps the files for the next worker) holds 10 MB of models through
 * the analysis. The bytes are read to start a session; a WebAssembly session drops them, a
 * WebGPU one keeps its own to move to WebAssembly (ortWebRunner.ts).
 */
async function fetchModelFile(base: string, name: string): Promise<Blob | null> {
  const url = new URL(name, base).href;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`could not download ${url} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (res.status === 404 || res.status === 410) return null;
  if (!res.ok) throw new Error(`could not download ${url}: HTTP ${res.status}`);
  // A single-page-app server answers unknown paths with index.html: that is no model file.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) return null;
  return res.blob();
}

interface ModelFiles {
  base: string;
  blobs: Map<string, Blob>;
  localizer: LocalizerCard;
  detector: DetectorCard;
}

/** Downloads the four files (all missing ones named at once) and parses the two cards. */
async function downloadModels(base: string): Promise<ModelFiles> {
  const got = await Promise.all(MODEL_FILES.map((name) => fetchModelFile(base, name)));
  const missing = MODEL_FILES.filter((_, i) => !got[i]);
  if (missing.length) throw new ModelsMissingError(base, missing);
  return modelFilesFrom(base, new Map(MODEL_FILES.map((name, i) => [name, got[i]!])));
}

/**
 * The files the page kept from an earlier worker's download; null if they are not all there, or
 * cannot be read any more (then they are downloaded again).
 */
async function keptModelFiles(kept: KeptModelFiles | null, base: string): Promise<ModelFiles | null> {
  if (!kept || kept.base !== base) return null;
  const blobs = new Map(kept.files);
  if (!MODEL_FILES.every((name) => blobs.has(name))) return null;
  return modelFilesFrom(base, blobs).catch((err: unknown) => {
    if (err instanceof ModelCheckError) throw err; // a card that is wrong: said so, and dropped by the page
    return null;
  });
}

async function modelFilesFrom(base: string, blobs: Map<string, Blob>): Promise<ModelFiles> {
  const text = (name: string) => blobs.get(name)!.text();
  return {
    base,
    blobs,
    localizer: parseCard<LocalizerCard>(await text(`${LOCALIZER_NAME}.json`), LOCALIZER_NAME),
    detector: parseCard<DetectorCard>(await text(`${DETECTOR_NAME}.json`), DETECTOR_NAME),
  };
}

// ---------- the backend ----------

interface Gpu {
  answer: GpuAnswer;
  adapter: GPUAdapter | null;
}

let gpuPromise: Promise<Gpu> | null = null;

/** What navigator.gpu offers, asked once per worker. */
function askGpu(): Promise<Gpu> {
  gpuPromise ??= (async (): Promise<Gpu> => {
    const gpu = (self.navigator as WorkerNavigator & { gpu?: GPU }).gpu;
    if (!gpu) return { answer: { kind: 'no-api' }, adapter: null };
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return { answer: { kind: 'no-adapter' }, adapter: null };
      return { answer: { kind: 'adapter', adapter }, adapter };
    } catch (err) {
      return { answer: { kind: 'error', message: err instanceof Error ? err.message : String(err) }, adapter: null };
    }
  })();
  return gpuPromise;
}

let device: GPUDevice | null = null;

/** A device with the adapter's full buffer limits (the defaults, 128/256 MB, are too small). */
async function deviceFor(adapter: GPUAdapter): Promise<GPUDevice> {
  if (device) return device;
  const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupStorageSize, maxComputeInvocationsPerWorkgroup } = adapter.limits;
  const d = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupStorageSize, maxComputeInvocationsPerWorkgroup },
  });
  device = d;
  void d.lost.then(() => {
    if (device === d) device = null;
  });
  return d;
}

const wasmPaths = new URL(`${import.meta.env.BASE_URL}ort/`, self.location.origin).href;
let ortThreads: number | null = null;

type Ort = typeof import('onnxruntime-web/webgpu');
const ortBuilds = new Map<OrtBuild, Promise<Ort>>();

/**
 * The onnxruntime-web build for a backend (ortBuild.ts: the plain one for WebAssembly, far
 * lighter than the asyncify one WebGPU needs), imported on first use and kept.
 */
function loadOrt(kind: BackendKind): Promise<Ort> {
  const build = ortBuildFor(kind, new Set(ortBuilds.keys()));
  let loading = ortBuilds.get(build);
  if (!loading) {
    loading = build === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
    ortBuilds.set(build, loading);
    // A failed download is tried again by the next analysis.
    loading.catch(() => ortBuilds.delete(build));
  }
  return loading;
}

/**
 * Set once WebGPU has failed in this tab (in this worker, or in an earlier one as the request
 * says): later analyses go straight to WebAssembly.
 */
let webGpuBroken: string | null = null;

interface Loaded {
  key: string;
  runner: OrtWebRunner;
  models: PipelineModels;
  plan: BackendPlan;
}

let modelFiles: ModelFiles | null = null;
let loaded: Loaded | null = null;
/** Tells the running request's page that the runner moved from WebGPU to WebAssembly. */
let onFallback: (() => void) | null = null;

async function unload(): Promise<void> {
  const old = loaded;
  loaded = null;
  if (old) await releasePipelineModels(old.models).catch(() => undefined);
}

function report(plan: BackendPlan, runner: OrtWebRunner | null): BackendReport {
  return {
    kind: runner?.kind ?? plan.kind,
    planned: plan.kind,
    label: runner?.backend ?? plan.kind,
    reason: plan.reason,
    threads: plan.threads,
    notes: plan.notes,
    fallback: runner?.fallbackMessage ?? null,
  };
}

// ---------- cancellation ----------

/** Lets queued messages (a cancel) in before the next network run, then honours them. */
function cancellable(model: CheckedModel<LocalizerCard> | CheckedModel<DetectorCard>, signal: AbortSignal): typeof model {
  const session: ModelSession = {
    signature: model.session.signature,
    async run(feeds) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      signal.throwIfAborted();
      return model.session.run(feeds);
    },
    release: () => model.session.release(),
  };
  return { card: model.card, session } as typeof model;
}

// ---------- one analysis ----------

let current: { requestId: number; controller: AbortController } | null = null;
/**
 * The localizer input and its scratch planes, lent from one analysis to the next in a WebGPU
 * worker, which the page keeps (analyses here run one at a time, and none keeps its input): no
 * new 12 MB tensor per analysis for this worker's garbage collector to find.
 */
const resampleBuffers: ResampleBuffers = {};
let queue: Promise<void> = Promise.resolve();

async function runAnalysis(req: Extract<AnalysisRequest, { type: 'analyze' }>, controller: AbortController): Promise<void> {
  const { requestId } = req;
  const signal = controller.signal;
  const checkFlag = () => {
    if (req.cancelFlag && Atomics.load(req.cancelFlag, 0) !== 0) controller.abort();
  };
  const progress = (p: AnalysisProgress) => {
    checkFlag();
    post({ type: 'progress', requestId, progress: p });
  };
  const timings: AnalysisOutcome['timings'] = [];
  let plan: BackendPlan | null = null;
  try {
    signal.throwIfAborted();
    webGpuBroken ??= req.webGpuBroken;
    let t = performance.now();
    let filesFrom: 'this worker' | 'the page' | 'the server' = 'this worker';
    if (!modelFiles || modelFiles.base !== req.modelsBase) {
      modelFiles = null;
      await unload();
      modelFiles = await keptModelFiles(req.keptModels, req.modelsBase);
      filesFrom = 'the page';
      if (!modelFiles) {
        progress({ stage: 'models', label: 'downloading the models', percent: 0 });
        modelFiles = await downloadModels(req.modelsBase);
        filesFrom = 'the server';
        post({ type: 'models', requestId, models: { base: modelFiles.base, files: [...modelFiles.blobs] } });
      }
    }
    const files = modelFiles;
    const filesLabel = filesFrom === 'the server' ? 'download models and cards' : 'models and cards (downloaded earlier in this tab)';
    timings.push({ stage: 'models', label: filesLabel, ms: performance.now() - t });
    signal.throwIfAborted();

    t = performance.now();
    progress({ stage: 'backend', label: 'choosing the backend', percent: 0 });
    const gpu = await askGpu();
    const requiredBufferBytes = estimateLargestTensorBytes(req.volume.geometry, files.localizer, files.detector);
    plan = chooseBackend({
      gpu: gpu.answer,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: self.navigator.hardwareConcurrency,
      requiredBufferBytes,
      forced: webGpuBroken && req.forcedBackend !== 'wasm' ? 'wasm' : req.forcedBackend,
    });
    if (webGpuBroken && req.forcedBackend !== 'wasm') plan = { ...plan, reason: `WebGPU failed earlier in this session (${webGpuBroken})` };
    ortThreads ??= plan.threads;
    plan = { ...plan, threads: ortThreads };
    timings.push({ stage: 'backend', label: 'choose the backend', ms: performance.now() - t });

    t = performance.now();
    let key = `${files.base}|${plan.kind}`;
    const cached = loaded !== null && loaded.key === key;
    if (!cached) {
      await unload();
      progress({ stage: 'models', label: `loading the models (${plan.kind})`, percent: 0 });
      let gpuDevice: GPUDevice | null = null;
      if (plan.kind === 'webgpu' && gpu.adapter) {
        try {
          gpuDevice = await deviceFor(gpu.adapter);
        } catch (err) {
          webGpuBroken = `the WebGPU device request failed (${err instanceof Error ? err.message : String(err)})`;
          plan = { ...plan, kind: 'wasm', reason: webGpuBroken };
        }
      }
      const ort = await loadOrt(plan.kind);
      // Before the build's first session; later calls change nothing.
      configureOrtWasm(ort, { wasmPaths, threads: ortThreads });
      const runner = ortWebRunner({ ort, plan, device: gpuDevice, onFallback: () => onFallback?.() });
      // Read for the sessions; ORT copies each model into its own memory.
      const read: ModelFileReader = async (name) => {
        const blob = files.blobs.get(name);
        return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
      };
      // On WebAssembly one session at a time (modelsInTurn.ts): ORT's heap only grows, and this
      // worker is retired after one analysis anyway. A WebGPU worker keeps both for the next.
      const models = await (plan.kind === 'wasm' ? loadPipelineModelsInTurn : loadPipelineModels)(runner, read, files.base);
      key = `${files.base}|${plan.kind}`;
      loaded = { key, runner, models, plan };
    }
    const { runner, models } = loaded!;
    const thisPlan = plan;
    // The report is about this request's plan (its reason may differ from the cached one's);
    // a move to WebAssembly during the run is reported at once.
    onFallback = () => post({ type: 'backend', requestId, backend: report(thisPlan, runner) });
    onFallback();
    timings.push({ stage: 'models', label: cached ? 'models (already loaded)' : 'check and load the models', ms: performance.now() - t });

    // Only a kept WebGPU worker lends buffers to its next analysis. A WebAssembly worker is
    // retired after this one (the input is then cut to the body in place, bodyCrop.ts, no second
    // tensor beside it), and a WebGPU worker asked for WebAssembly (?backend=wasm) lets its go.
    const lend = runner.kind === 'webgpu';
    if (!lend) for (const key of Object.keys(resampleBuffers)) delete resampleBuffers[key as keyof ResampleBuffers];
    const run = await analyze(
      req.volume,
      { localizer: cancellable(models.localizer, signal), detector: cancellable(models.detector, signal) } as PipelineModels,
      {
        signal,
        onProgress: (e) => progress({ stage: e.stage, label: e.label, percent: e.percent }),
        resampleBuffers: lend ? resampleBuffers : undefined,
      },
    );
    onFallback = null;
    if (runner.fallbackMessage) webGpuBroken = runner.fallbackMessage;
    timings.push(...run.timings);
    post({ type: 'analyzed', requestId, outcome: { result: run.result, timings, backend: report(plan, runner), modelsCached: filesFrom !== 'the server' } });
  } catch (err) {
    onFallback = null;
    if (loaded?.runner.fallbackMessage) webGpuBroken = loaded.runner.fallbackMessage;
    // Files that failed their checks are fetched again next time (they may have been fixed).
    if (err instanceof ModelCheckError) modelFiles = null;
    const { code, message, detail } = describe(err, req, signal);
    post({ type: 'error', requestId, code, message, detail });
  }
}

function describe(err: unknown, req: Extract<AnalysisRequest, { type: 'analyze' }>, signal: AbortSignal): { code: AnalysisErrorCode; message: string; detail?: string } {
  if (signal.aborted || (err instanceof Error && err.name === 'AbortError')) return { code: 'cancelled', message: 'Analysis cancelled.' };
  if (err instanceof ModelsMissingError) {
    return { code: 'models-missing', message: modelsMissingMessage(req.modelsBase, req.modelsBaseIsDefault), detail: `Missing: ${err.missing.join(', ')}.` };
  }
  if (err instanceof ModelCheckError) return { code: 'model-mismatch', message: err.message };
  if (err instanceof PipelineError) return { code: err.code, message: err.message };
  const text = err instanceof Error ? err.message || err.name : String(err);
  return { code: 'failed', message: `Analysis failed: ${text}` };
}

self.addEventListener('message', (event: MessageEvent<AnalysisRequest>) => {
  const req = event.data;
  if (req.type === 'cancel') {
    if (current?.requestId === req.requestId) current.controller.abort();
    return;
  }
  // A new analysis supersedes the running one, which stops at its next check; they never overlap.
  current?.controller.abort();
  const controller = new AbortController();
  current = { requestId: req.requestId, controller };
  queue = queue.then(() => runAnalysis(req, controller)).finally(() => {
    if (current?.controller === controller) current = null;
  });
});

self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  const text = event.reason instanceof Error ? event.reason.message : String(event.reason);
  post({ type: 'error', requestId: null, code: 'failed', message: `Analysis failed: ${text}` });
});
