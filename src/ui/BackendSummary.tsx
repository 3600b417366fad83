import type { BackendReport } from '../worker/analysisProtocol';

/** Which runtime ran the networks, and why that one. */
export function BackendSummary({ backend, running = false }: { backend: BackendReport; running?: boolean }) {
  return (
    <div className="backend" data-testid="analysis-backend-summary">
      <p className="backend__line">
        {running ? 'Running on' : 'Ran on'}{' '}
        <b className="backend__kind" data-testid="analysis-backend">
          {backend.kind}
        </b>{' '}
        <span className="muted">{backend.kind === 'wasm' ? `(${backend.threads} thread${backend.threads === 1 ? '' : 's'})` : ''}</span>
      </p>
      <p className="backend__reason muted" data-testid="analysis-backend-reason" title={backend.label}>
        {backend.reason}
      </p>
      {backend.fallback && (
        <p className="message message--warning" data-testid="analysis-backend-fallback">
          {backend.fallback}
        </p>
      )}
      {backend.notes.map((n, i) => (
        <p className="message message--warning" key={i}>
          {n}
        </p>
      ))}
    </div>
  );
}
