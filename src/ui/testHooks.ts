/** `window.__spinelens`: read-only hooks for end-to-end tests (Playwright). */
import type { Types } from '@cornerstonejs/core';
import type { MprViewer, ViewName } from './cornerstone/mprViewer';

export interface SpineLensTestHooks {
  getViewport(name: ViewName): Types.IVolumeViewport | null;
  /** Ruler lengths in patient millimetres, in drawing order. */
  getLengthMeasurementsMm(): number[];
  /** Cornerstone tool name on the left mouse button ("WindowLevel", "Crosshairs", "Length"). */
  getActiveTool(): string | null;
}

declare global {
  interface Window {
    __spinelens?: SpineLensTestHooks;
  }
}

export function installTestHooks(getViewer: () => MprViewer | null): () => void {
  const hooks: SpineLensTestHooks = {
    getViewport: (name) => getViewer()?.viewport(name) ?? null,
    getLengthMeasurementsMm: () => getViewer()?.lengthMeasurementsMm() ?? [],
    getActiveTool: () => getViewer()?.activePrimaryTool() ?? null,
  };
  window.__spinelens = hooks;
  return () => {
    if (window.__spinelens === hooks) delete window.__spinelens;
  };
}
