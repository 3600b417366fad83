/** Starts the spine analysis of the loaded volume (key A). */
export function AnalyzeButton({ enabled, running, onAnalyze }: { enabled: boolean; running: boolean; onAnalyze: () => void }) {
  return (
    <button
      type="button"
      className="btn btn--primary analysis__start"
      disabled={!enabled || running}
      onClick={onAnalyze}
      title={enabled ? 'Find the vertebrae and grade their heights (key A)' : 'Open a CT study first'}
      data-testid="analyze-button"
    >
      {running ? 'Analyzing…' : 'Analyze spine'} <kbd>A</kbd>
    </button>
  );
}
