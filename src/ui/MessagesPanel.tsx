import type { IngestResult } from '../core/ingest/types';
import type { Volume } from '../core/volume';

const MAX_LISTED = 200;

interface Props {
  error: string | null;
  result: IngestResult | null;
  volume: Volume | null;
}

/** The current error, the volume's warnings and the files that were skipped, with reasons. */
export function MessagesPanel({ error, result, volume }: Props) {
  const skipped = result?.skipped ?? [];
  const warnings = volume?.warnings ?? [];
  const nothing = !error && skipped.length === 0 && warnings.length === 0;
  return (
    <section className="panel messages" aria-label="Errors and warnings" data-testid="messages">
      <h2 className="panel__title">Messages</h2>
      {nothing && <p className="muted">No problems reported.</p>}
      {error && (
        <p className="message message--error" role="alert" data-testid="error">
          {error}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="message-list" data-testid="volume-warnings">
          {warnings.map((w, i) => (
            <li className="message message--warning" key={i}>
              {w}
            </li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <details className="skipped" data-testid="skipped-files" open={skipped.length <= 5}>
          <summary>
            {skipped.length} file{skipped.length === 1 ? '' : 's'} skipped
          </summary>
          <ul className="message-list">
            {skipped.slice(0, MAX_LISTED).map((s, i) => (
              <li className="skipped__item" key={i}>
                <span className="skipped__path" title={s.path}>
                  {s.path}
                </span>
                <span className="skipped__reason">{s.reason}</span>
              </li>
            ))}
          </ul>
          {skipped.length > MAX_LISTED && <p className="muted">…and {skipped.length - MAX_LISTED} more.</p>}
        </details>
      )}
    </section>
  );
}
