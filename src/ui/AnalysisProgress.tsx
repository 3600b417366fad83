import type { AnalysisProgress as Progress } from '../worker/analysisProtocol';

/** The running analysis: stage, overall percent, and a way out. */
export function AnalysisProgress({ progress, onCancel }: { progress: Progress | null; onCancel: () => void }) {
  const percent = Math.max(0, Math.min(100, Math.round(progress?.percent ?? 0)));
  const label = progress?.label ?? 'starting';
  return (
    <div className="analysis-progress" data-testid="analysis-progress">
      <div className="analysis-progress__line">
        <span className="analysis-progress__stage" data-testid="analysis-stage" data-stage={progress?.stage ?? ''}>
          {label.charAt(0).toUpperCase() + label.slice(1)}
        </span>
        <span className="analysis-progress__percent" data-testid="analysis-percent">
          {percent} %
        </span>
      </div>
      <div className="progress__track analysis-progress__track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${label}, ${percent} %`}>
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <button type="button" className="btn btn--tool" onClick={onCancel} data-testid="analysis-cancel">
        Cancel
      </button>
    </div>
  );
}
