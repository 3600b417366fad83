import type { IngestProgress } from '../core/ingest/types';
import { progressText } from './appState';

/** A determinate bar with counts when progress is known, an indeterminate one otherwise. */
export function ProgressBar({ progress, busy, showText = true }: { progress: IngestProgress | null; busy: boolean; showText?: boolean }) {
  const fraction = progress && progress.total > 0 ? Math.min(1, progress.done / progress.total) : null;
  return (
    <div className="progress" aria-hidden={!busy} style={{ visibility: busy ? 'visible' : 'hidden' }}>
      <div
        className={`progress__track${fraction === null ? ' progress__track--indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={progress?.total ?? 1}
        aria-valuenow={progress?.done}
        aria-valuetext={progress ? progressText(progress) : 'Working'}
      >
        <div className="progress__fill" style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      {showText && (
        <span className="progress__text" data-testid="progress-text">
          {progress ? progressText(progress) : busy ? 'Working…' : ''}
        </span>
      )}
    </div>
  );
}
