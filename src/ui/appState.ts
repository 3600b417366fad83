/** The page's state and the events that change it (a plain reducer: no DOM, no Cornerstone). */
import type { IngestProgress, IngestResult } from '../core/ingest/types';
import type { Volume } from '../core/volume';

/**
 * idle: nothing open. scanning/loading: the worker is reading. rendering: the volume is being
 * handed to Cornerstone. ready: on screen. error: the last action failed (see `error`).
 */
export type Phase = 'idle' | 'scanning' | 'loading' | 'rendering' | 'ready' | 'error';

export interface AppState {
  phase: Phase;
  /** What is being opened, for the progress line ("3 files", "example_ct.nii.gz"). */
  sourceLabel: string;
  progress: IngestProgress | null;
  result: IngestResult | null;
  seriesId: string | null;
  volume: Volume | null;
  error: string | null;
}

export const initialState: AppState = {
  phase: 'idle',
  sourceLabel: '',
  progress: null,
  result: null,
  seriesId: null,
  volume: null,
  error: null,
};

export type AppEvent =
  | { type: 'scanStarted'; sourceLabel: string }
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'scanned'; result: IngestResult }
  | { type: 'loadStarted'; seriesId: string }
  | { type: 'loaded'; volume: Volume }
  | { type: 'rendered' }
  | { type: 'failed'; message: string };

export function reduce(state: AppState, event: AppEvent): AppState {
  switch (event.type) {
    case 'scanStarted':
      return { ...initialState, phase: 'scanning', sourceLabel: event.sourceLabel, volume: state.volume };
    case 'progress':
      return { ...state, progress: event.progress };
    case 'scanned':
      return { ...state, result: event.result, progress: null };
    case 'loadStarted':
      return { ...state, phase: 'loading', seriesId: event.seriesId, progress: null, error: null };
    case 'loaded':
      return { ...state, phase: 'rendering', volume: event.volume, progress: null };
    case 'rendered':
      return { ...state, phase: 'ready' };
    case 'failed':
      return { ...state, phase: 'error', progress: null, error: event.message };
  }
}

const STAGE_WORDS: Record<IngestProgress['stage'], string> = {
  reading: 'Reading',
  parsing: 'Parsing',
  decoding: 'Decoding',
  assembling: 'Assembling',
};

const STAGE_UNITS: Record<IngestProgress['stage'], string> = {
  reading: 'files',
  parsing: 'files',
  decoding: 'slices',
  assembling: 'slices',
};

/** "Decoding 120 / 300 slices" */
export function progressText(p: IngestProgress): string {
  return `${STAGE_WORDS[p.stage]} ${p.done} / ${p.total} ${STAGE_UNITS[p.stage]}`;
}

export function phaseText(state: AppState): string {
  switch (state.phase) {
    case 'idle':
      return 'Drop a CT study (DICOM files, folders, .zip or NIfTI) or open the demo.';
    case 'scanning':
      return state.progress ? progressText(state.progress) : `Reading ${state.sourceLabel}…`;
    case 'loading':
      return state.progress ? progressText(state.progress) : 'Loading series…';
    case 'rendering':
      return 'Rendering…';
    case 'ready':
      return 'Ready';
    case 'error':
      return state.error ?? 'Something went wrong.';
  }
}
