/**
 * The spine analysis of the loaded volume: start, progress, cancel, outcome. A new volume
 * cancels a running analysis and clears the last outcome (it described another volume).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Volume } from '../core/volume';
import type { AnalysisErrorCode, AnalysisOutcome, AnalysisProgress, BackendReport } from '../worker/analysisProtocol';
import type { BackendKind } from '../worker/backend';
import { AnalysisClient, AnalysisError } from './analysisClient';
import { CancelledError } from './ingestClient';

export type AnalysisState =
  | { phase: 'idle' }
  | { phase: 'running'; progress: AnalysisProgress | null; backend: BackendReport | null }
  | { phase: 'done'; outcome: AnalysisOutcome }
  | { phase: 'error'; code: AnalysisErrorCode; message: string; detail?: string }
  | { phase: 'cancelled' };

export interface ModelsLocation {
  /** Absolute URL of the models folder, ending in "/". */
  base: string;
  isDefault: boolean;
}

/** `?models=URL` (tests, other hosts) or the app's own public/models. */
export function modelsLocation(href = window.location.href): ModelsLocation {
  const param = new URL(href).searchParams.get('models');
  if (param) {
    const url = new URL(param, href);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return { base: url.href, isDefault: false };
  }
  return { base: new URL(`${import.meta.env.BASE_URL}models/`, href).href, isDefault: true };
}

/** `?backend=wasm|webgpu`: forces a backend (benchmarks, tests); anything else decides. */
export function forcedBackend(href = window.location.href): BackendKind | null {
  const b = new URL(href).searchParams.get('backend');
  return b === 'wasm' || b === 'webgpu' ? b : null;
}

export function useAnalysis(volume: Volume | null) {
  const [state, setState] = useState<AnalysisState>({ phase: 'idle' });
  const clientRef = useRef<AnalysisClient | null>(null);

  useEffect(
    () => () => {
      clientRef.current?.dispose();
      clientRef.current = null;
    },
    [],
  );

  // Another volume: whatever ran or was shown belonged to the previous one.
  useEffect(() => {
    clientRef.current?.cancel();
    setState({ phase: 'idle' });
  }, [volume]);

  const start = useCallback(() => {
    if (!volume) return;
    clientRef.current ??= new AnalysisClient();
    const models = modelsLocation();
    setState({ phase: 'running', progress: null, backend: null });
    clientRef.current
      .analyze({
        volume,
        modelsBase: models.base,
        modelsBaseIsDefault: models.isDefault,
        forcedBackend: forcedBackend(),
        onProgress: (progress) => setState((s) => (s.phase === 'running' ? { ...s, progress } : s)),
        onBackend: (backend) => setState((s) => (s.phase === 'running' ? { ...s, backend } : s)),
      })
      .then(
        (outcome) => setState({ phase: 'done', outcome }),
        (err: unknown) => {
          // A cancel from a new volume is not news; a cancel by the user is shown.
          if (err instanceof CancelledError) return;
          if (err instanceof AnalysisError) setState({ phase: 'error', code: err.code, message: err.message, detail: err.detail });
          else setState({ phase: 'error', code: 'failed', message: `Analysis failed: ${err instanceof Error ? err.message : String(err)}` });
        },
      );
  }, [volume]);

  const cancel = useCallback(() => {
    clientRef.current?.cancel();
    setState((s) => (s.phase === 'running' ? { phase: 'cancelled' } : s));
  }, []);

  return { state, start, cancel };
}
