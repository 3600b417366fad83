/** `window.__spinelens`: read-only hooks for end-to-end tests (Playwright). */
import type { Types } from '@cornerstonejs/core';
import type { AnalysisResult } from '../core/pipeline/result';
import type { Volume } from '../core/volume';
import type { MprViewer, ViewName } from './cornerstone/mprViewer';
import type { ReviewViewer } from './cornerstone/reviewViewer';

export interface SpineLensTestHooks {
  getViewport(name: ViewName): Types.IVolumeViewport | null;
  /** Ruler lengths in patient millimetres, in drawing order. */
  getLengthMeasurementsMm(): number[];
  /** Cornerstone tool name on the left mouse button ("WindowLevel", "Crosshairs", "Length"). */
  getActiveTool(): string | null;
  /** Where the loaded volume's voxels live: shared with the workers, or the page's own buffer. */
  getVolumeStorage(): 'shared' | 'private' | null;
  /** Page coordinates of a straightened-image pixel (column, row) in the review view. */
  getReviewPagePoint(pointPx: [number, number]): { x: number; y: number } | null;
  /** Ruler lengths drawn on the review view, mm. */
  getReviewLengthsMm(): number[];
  /** The result the review shows now (edits included). */
  getReviewResult(): AnalysisResult | null;
  getReviewViewport(): Types.IStackViewport | null;
}

declare global {
  interface Window {
    __spinelens?: SpineLensTestHooks;
  }
}

export function installTestHooks(
  getViewer: () => MprViewer | null,
  getVolume: () => Volume | null = () => null,
  getReviewViewer: () => ReviewViewer | null = () => null,
  getReviewResult: () => AnalysisResult | null = () => null,
): () => void {
  const hooks: SpineLensTestHooks = {
    getViewport: (name) => getViewer()?.viewport(name) ?? null,
    getLengthMeasurementsMm: () => getViewer()?.lengthMeasurementsMm() ?? [],
    getActiveTool: () => getViewer()?.activePrimaryTool() ?? null,
    getVolumeStorage: () => {
      const v = getVolume();
      if (!v) return null;
      return typeof SharedArrayBuffer !== 'undefined' && v.voxels.buffer instanceof SharedArrayBuffer ? 'shared' : 'private';
    },
    getReviewPagePoint: (pointPx) => getReviewViewer()?.pageCoordinates(pointPx) ?? null,
    getReviewLengthsMm: () => getReviewViewer()?.lengthMeasurementsMm() ?? [],
    getReviewResult,
    getReviewViewport: () => getReviewViewer()?.viewport ?? null,
  };
  window.__spinelens = hooks;
  return () => {
    if (window.__spinelens === hooks) delete window.__spinelens;
  };
}
