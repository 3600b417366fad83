import { AnalysisProgress } from './AnalysisProgress';
import { AnalysisResults } from './AnalysisResults';
import { AnalyzeButton } from './AnalyzeButton';
import { BackendSummary } from './BackendSummary';
import type { AnalysisState } from './useAnalysis';

interface Props {
  state: AnalysisState;
  /** A volume is loaded and on screen. */
  enabled: boolean;
  onAnalyze: () => void;
  onCancel: () => void;
  /** The volume's values do not look like Hounsfield units (ingest's warning). */
  notHu?: boolean;
}

const ERROR_TITLES: Partial<Record<string, string>> = {
  'model-mismatch': 'The analysis models failed their checks:',
  'no-spine': 'No spine was found in this volume:',
  'too-large': 'This volume is too large to analyze:',
};

/** The sidebar's analysis section: the button, then progress, the results, or what went wrong. */
export function AnalysisPanel({ state, enabled, onAnalyze, onCancel, notHu = false }: Props) {
  return (
    <section className="panel analysis" aria-label="Spine analysis" data-testid="analysis-panel" data-phase={state.phase}>
      <h2 className="panel__title">Spine analysis</h2>
      <AnalyzeButton enabled={enabled} running={state.phase === 'running'} onAnalyze={onAnalyze} />
      {state.phase === 'idle' && !enabled && <p className="muted">Open a CT study to analyze its spine.</p>}
      {state.phase === 'running' && (
        <>
          <AnalysisProgress progress={state.progress} onCancel={onCancel} />
          {state.backend && <BackendSummary backend={state.backend} running />}
        </>
      )}
      {state.phase === 'cancelled' && (
        <p className="muted" data-testid="analysis-cancelled">
          Analysis cancelled.
        </p>
      )}
      {state.phase === 'error' && (
        <div data-testid="analysis-error" data-code={state.code}>
          <p className="message message--error" role="alert">
            {ERROR_TITLES[state.code] && <b className="message__title">{ERROR_TITLES[state.code]} </b>}
            {state.message}
          </p>
          {state.detail && <p className="muted">{state.detail}</p>}
        </div>
      )}
      {notHu && (state.phase === 'done' || state.phase === 'running') && (
        <p className="message message--warning" data-testid="analysis-not-hu">
          This volume is not in Hounsfield units (see Messages). The networks were trained on HU: treat this result with caution.
        </p>
      )}
      {state.phase === 'done' && <AnalysisResults outcome={state.outcome} />}
    </section>
  );
}
