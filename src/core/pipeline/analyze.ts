/**
 * The whole analysis of ../shared/DESIGN.md, Volume → result document, as a pure function of the
 * volume and two checked models: the same code runs in Node (tests, command line) and in the
 * browser's worker. It reports progress per stage as an overall percentage, stops at the next
 * stage boundary (or resampled slice) when its AbortSignal fires, and times every stage.
 */
import type { Vec3, Volume } from '../volume';
import { bodyCentreLine, centresOnLine, sameBodies } from './bodyCentreLine';
import { cropToBody } from './bodyCrop';
import { bodyDetections, decodeWithCard, detectorInput, midSagittalInfo, runDetector, straightenForDetector, vertebraeFromDetections, type MidSagittal } from './detect';
import { runLocalizer, spineCurve } from './localize';
import type { DetectorCard, LocalizerCard } from './modelCard';
import { localizerInput, type ResampleBuffers } from './resample';
import { PipelineError } from './pipelineError';
import { patientSummary, type AnalysisResult, type VertebraResult } from './result';
import type { CheckedModel } from './runner';

export interface PipelineModels {
  localizer: CheckedModel<LocalizerCard>;
  detector: CheckedModel<DetectorCard>;
}

export type StageName = 'resample' | 'localize' | 'centreline' | 'straighten' | 'detect' | 'decode' | 'quantify' | 'secondLook';

/** Stages in order, what to call them, and a rough share of the total time (sums to 100). */
export const STAGES: readonly { name: StageName; label: string; weight: number }[] = [
  { name: 'resample', label: 'resample for the localizer', weight: 20 },
  { name: 'localize', label: 'spine localizer (network)', weight: 40 },
  { name: 'centreline', label: 'limits and centreline', weight: 1 },
  { name: 'straighten', label: 'straighten, mid-sagittal image', weight: 4 },
  { name: 'detect', label: 'vertebra detector (network)', weight: 14 },
  { name: 'decode', label: 'decode and Butterfly-IoU NMS', weight: 3 },
  { name: 'quantify', label: 'points to mm, Genant, levels', weight: 2 },
  { name: 'secondLook', label: 'second look along the bodies', weight: 16 },
];

export interface ProgressEvent {
  stage: StageName;
  label: string;
  /** Overall progress 0–100 (the stages' weights); reaches 100 when the result is ready. */
  percent: number;
  /** Progress within the stage, 0–1. */
  stageFraction: number;
}

export interface StageTiming {
  stage: StageName;
  label: string;
  ms: number;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Clock in ms (performance.now by default); tests may pass their own. */
  now?: () => number;
  /** Kept by a caller that analyses repeatedly (the worker): the resample reuses them (resample.ts). */
  resampleBuffers?: ResampleBuffers;
}

export interface AnalysisRun {
  result: AnalysisResult;
  timings: StageTiming[];
}

export { PipelineError, type PipelineErrorCode } from './pipelineError';

export async function analyze(volume: Volume, models: PipelineModels, options: AnalyzeOptions = {}): Promise<AnalysisRun> {
  const now = options.now ?? (() => performance.now());
  const timings: StageTiming[] = [];
  let done = 0; // weight of the finished stages

  async function stage<T>(name: StageName, work: (report: (fraction: number) => void) => T | Promise<T>): Promise<T> {
    options.signal?.throwIfAborted();
    const { label, weight } = STAGES.find((s) => s.name === name)!;
    const report = (fraction: number) => options.onProgress?.({ stage: name, label, percent: done + weight * fraction, stageFraction: fraction });
    report(0);
    const start = now();
    const value = await work(report);
    timings.push({ stage: name, label, ms: now() - start });
    report(1);
    done += weight;
    return value;
  }

  const { localizer, detector } = models;
  const input = await stage('resample', (report) =>
    // A tensor of its own (none lent) is cut in place: one buffer through the localizer run, not two.
    cropToBody(localizerInput(volume, localizer.card, { signal: options.signal, onProgress: report, buffers: options.resampleBuffers }), localizer.card, {
      inPlace: !options.resampleBuffers,
    }),
  );
  const localized = await stage('localize', () => runLocalizer(localizer, input, options.signal));
  const curve = await stage('centreline', () => spineCurve(localized, input.grid, localizer.card));
  if (!curve || curve.centrelineMm.length < 2) {
    const found = curve ? 'only one' : 'none';
    const slices = input.grid.shapeZYX[0];
    const threshold = localizer.card.postprocessing.presenceThreshold;
    // A short slab (the real 20-slice series: 32 mm) can hold spine without a whole vertebra the localizer would call spine.
    const advice = 'Open a series that covers more of the spine: the analysis needs at least one whole vertebral body.';
    throw new PipelineError('no-spine', `no spine found: ${found} of the ${slices} localizer slices reached presence ${threshold}. ${advice}`, timings);
  }
  const first = await lookAlong(volume, curve.centrelineMm, detector, (name, work) => stage(name, work));
  const { line, look } = await stage('secondLook', () => secondLook(volume, curve.centrelineMm, first, detector));
  const { vertebrae } = look;
  const result: AnalysisResult = {
    studyInstanceUID: volume.metadata.studyInstanceUID ?? '',
    seriesInstanceUID: volume.metadata.seriesInstanceUID ?? '',
    models: [localizer.card, detector.card].map((c) => ({ name: c.name, sha256: c.sha256 })),
    centrelineMm: line,
    limitsMm: curve.limitsMm,
    vertebrae,
    patient: patientSummary(vertebrae),
    midSagittal: midSagittalInfo(look.mid, detector.card),
  };
  return { result, timings };
}

interface Look {
  mid: MidSagittal;
  vertebrae: VertebraResult[];
}

type LookStep = 'straighten' | 'detect' | 'decode' | 'quantify';

/** One look: straighten along the line, detect, decode, keep what can be bodies, quantify; each step runs through `step` (the first look's are timed as stages). */
async function lookAlong(volume: Volume, lineMm: readonly Vec3[], detector: CheckedModel<DetectorCard>, step: <T>(name: LookStep, work: () => T | Promise<T>) => Promise<T> = async (_, work) => work()): Promise<Look> {
  const mid = await step('straighten', () => straightenForDetector(volume, lineMm, detector.card));
  const raw = await step('detect', () => runDetector(detector, detectorInput(mid.image, mid.rows, mid.columns, detector.card)));
  const detections = await step('decode', () => decodeWithCard(raw, detector.card, { rows: mid.rows, columns: mid.columns }));
  // Only detections that can be bodies get levels: none cut by the scan's edge (they cannot be
  // measured), none beside a surer one (bodies stack in one column).
  const vertebrae = await step('quantify', () => vertebraeFromDetections(bodyDetections(detections, mid.straightening, volume.geometry), mid.straightening, detector.card));
  return { mid, vertebrae };
}

/**
 * The second look (bodyCentreLine.ts) when the card asks for it, two bodies steer its line and it
 * finds the same bodies as the first; otherwise the first look stands. Returns the look kept and
 * the line its image follows (what the result keeps as its centreline).
 */
async function secondLook(volume: Volume, firstLineMm: Vec3[], first: Look, detector: CheckedModel<DetectorCard>): Promise<{ line: Vec3[]; look: Look }> {
  const settings = detector.card.straightening.secondLook;
  if (!settings) return { line: firstLineMm, look: first };
  const { centreColumn, stepMm } = first.mid.straightening;
  const centres = centresOnLine(first.vertebrae, centreColumn, stepMm, settings);
  if (centres.length < 2) return { line: firstLineMm, look: first };
  const line = bodyCentreLine(firstLineMm, centres, settings.blendMm);
  const second = await lookAlong(volume, line, detector);
  return sameBodies(first.vertebrae, second.vertebrae, settings.sameBodyMm) ? { line, look: second } : { line: firstLineMm, look: first };
}
