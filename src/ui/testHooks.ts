/** `window.__spinelens`: read-only hooks for end-to-end tests (Playwright). */
import type { Types } from '@cornerstonejs/core';
import type { Volume } from '../core/volume';
import type { MprViewer, ViewName } from './cornerstone/mprViewer';

export interface SpineLensTestHooks {
  getViewport(name: ViewName): Types.IVolumeViewport | null;
  /** Ruler lengths in patient millimetres, in drawing order. */
  getLengthMeasurementsMm(): number[];
  /** Cornerstone tool name on the left mouse button ("WindowLevel", "Crosshairs", "Length"). */
  getActiveTool(): string | null;
  /** Where the loaded volume's voxels live: shared with the workers, or the page's own buffer. */
  getVolumeStorage(): 'shared' | 'private' | null;
}

declare global {
  interface Window {
    __spinelens?: SpineLensTestHooks;
  }
}

export function installTestHooks(getViewer: () => MprViewer | null, getVolume: () => Volume | null = () => null): () => void {
  const hooks: SpineLensTestHooks = {
    getViewport: (name) => getViewer()?.viewport(name) ?? null,
    getLengthMeasurementsMm: () => getViewer()?.lengthMeasurementsMm() ?? [],
    getActiveTool: () => getViewer()?.activePrimaryTool() ?? null,
    getVolumeStorage: () => {
      const v = getVolume();
      if (!v) return null;
      return typeof SharedArrayBuffer !== 'undefined' && v.voxels.buffer instanceof SharedArrayBuffer ? 'shared' : 'private';
    },
  };
  window.__spinelens = hooks;
  return () => {
    if (window.__spinelens === hooks) delete window.__spinelens;
  };
}
