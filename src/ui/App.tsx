import { useCallback, useEffect, useRef, useState } from 'react';
import { AnalysisPanel } from './AnalysisPanel';
import { phaseText } from './appState';
import { DEFAULT_PRESET, WINDOW_PRESETS, type WindowPreset } from './cornerstone/presets';
import type { MprViewer, ToolMode } from './cornerstone/mprViewer';
import { DropZone } from './DropZone';
import { EmptyState } from './EmptyState';
import { FilePickers } from './FilePickers';
import { MessagesPanel } from './MessagesPanel';
import { ProgressBar } from './ProgressBar';
import { SeriesChooser } from './SeriesChooser';
import { StudyHeader } from './StudyHeader';
import { installTestHooks } from './testHooks';
import { Toolbar } from './Toolbar';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import { useAnalysis } from './useAnalysis';
import { useStudyLoader } from './useStudyLoader';
import { Viewer } from './Viewer';

/** `?demo` asks for the demo CT, `?demo=phantom` for the fracture phantom; null: neither. */
function wantsDemo(): string | null {
  return new URLSearchParams(window.location.search).get('demo');
}

export function App() {
  const { state, openFiles, openDemo, openPhantomDemo, loadSeries, rendered, reportError } = useStudyLoader();
  const [preset, setPreset] = useState<WindowPreset | null>(DEFAULT_PRESET);
  const [windowWL, setWindowWL] = useState({ width: DEFAULT_PRESET.width, level: DEFAULT_PRESET.level });
  const [mode, setMode] = useState<ToolMode>('windowLevel');
  const [resetToken, setResetToken] = useState(0);
  const viewerRef = useRef<MprViewer | null>(null);
  /** Set when the views cannot work at all: shown over the views whatever else happens. */
  const [fatal, setFatal] = useState<string | null>(null);

  const phase = fatal ? 'error' : state.phase;
  const statusText = fatal ?? phaseText(state);
  const busy = !fatal && (state.phase === 'scanning' || state.phase === 'loading' || state.phase === 'rendering');
  const hasVolume = state.volume !== null;
  const analysis = useAnalysis(state.volume);
  const canAnalyze = hasVolume && !fatal && !busy;

  const volumeRef = useRef(state.volume);
  volumeRef.current = state.volume;
  useEffect(() => installTestHooks(() => viewerRef.current, () => volumeRef.current), []);

  const demoRequested = useRef(false);
  useEffect(() => {
    const demo = wantsDemo();
    if (!demoRequested.current && demo !== null) {
      demoRequested.current = true;
      void (demo === 'phantom' ? openPhantomDemo() : openDemo());
    }
  }, [openDemo, openPhantomDemo]);

  const choosePreset = useCallback((p: WindowPreset) => {
    setPreset(p);
    setWindowWL({ width: p.width, level: p.level });
  }, []);

  // A window/level drag in one view: show its values, apply them to all views, and light the
  // preset button only if they match one. Same values return the same object (no loop).
  const windowDragged = useCallback((wl: { width: number; level: number }) => {
    setWindowWL((prev) => (prev.width === wl.width && prev.level === wl.level ? prev : wl));
    setPreset(WINDOW_PRESETS.find((p) => p.width === wl.width && p.level === wl.level) ?? null);
  }, []);

  const shortcuts: Record<string, () => void> = {
    r: () => setMode('ruler'),
    c: () => setMode('crosshairs'),
    a: () => {
      if (canAnalyze && analysis.state.phase !== 'running') analysis.start();
    },
    Escape: () => {
      viewerRef.current?.cancel();
      setMode('windowLevel');
    },
  };
  for (const p of WINDOW_PRESETS) shortcuts[p.key] = () => choosePreset(p);
  useKeyboardShortcuts(shortcuts, hasVolume && !fatal);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          Spine<span>Lens</span>
        </div>
        <FilePickers onFiles={openFiles} onDemo={openDemo} onPhantomDemo={openPhantomDemo} />
        <Toolbar
          enabled={hasVolume && !fatal}
          presetId={preset?.id ?? null}
          mode={mode}
          onPreset={choosePreset}
          onMode={setMode}
          onReset={() => setResetToken((t) => t + 1)}
        />
      </header>
      <StudyHeader volume={state.volume} />
      <main className="workspace">
        <div className="views-wrap">
          <Viewer
            volume={state.volume}
            mode={mode}
            windowWL={windowWL}
            resetToken={resetToken}
            onViewer={(v) => {
              viewerRef.current = v;
            }}
            onWindowDragged={windowDragged}
            onRendered={rendered}
            onError={reportError}
            onFatal={setFatal}
          />
          {(!hasVolume || fatal) && (
            <EmptyState>
              {fatal ? (
                <>
                  <div className="empty-state__title empty-state__title--error">The views cannot be shown</div>
                  <p className="message message--error" data-testid="fatal-viewer-error">
                    {fatal}
                  </p>
                </>
              ) : busy ? (
                <>
                  <div className="empty-state__title">Opening {state.sourceLabel || 'study'}…</div>
                  <ProgressBar progress={state.progress} busy />
                </>
              ) : state.phase === 'error' ? (
                <>
                  <div className="empty-state__title empty-state__title--error">Could not open the study</div>
                  <p className="message message--error">{state.error}</p>
                  <p className="muted">Drop other files here, or use the buttons above.</p>
                </>
              ) : (
                <>
                  <div className="empty-state__title">Drop a CT study anywhere in this window</div>
                  <p className="muted">
                    DICOM files or folders (several at once), .zip archives, DICOMDIR, NIfTI (.nii, .nii.gz).
                    <br />
                    Everything stays in this browser: no file is uploaded.
                  </p>
                  <button type="button" className="btn btn--primary" onClick={openDemo}>
                    Open demo study
                  </button>
                </>
              )}
            </EmptyState>
          )}
        </div>
        <aside className="sidebar">
          <AnalysisPanel state={analysis.state} enabled={canAnalyze} onAnalyze={analysis.start} onCancel={analysis.cancel} />
          <SeriesChooser
            series={state.result?.series ?? []}
            selectedId={state.seriesId}
            disabled={busy}
            onChoose={loadSeries}
          />
          <MessagesPanel error={fatal ?? state.error} result={state.result} volume={state.volume} />
          <section className="panel help" aria-label="Mouse and keys">
            <h2 className="panel__title">Mouse and keys</h2>
            <ul className="help__list">
              <li><b>Wheel</b> scroll slices</li>
              <li><b>Right drag</b> zoom · <b>Middle drag</b> pan</li>
              <li><b>Left drag</b> window/level, crosshairs (C) or ruler (R); Esc returns</li>
              <li><b>1 2 3</b> bone, soft tissue, lung</li>
              <li><b>A</b> analyze the spine</li>
            </ul>
          </section>
        </aside>
      </main>
      <footer className="statusbar">
        <span className={`status-pill status-pill--${phase}`} data-testid="status">
          {phase}
        </span>
        <span className="statusbar__text" data-testid="status-text" title={statusText}>
          {statusText}
        </span>
        <ProgressBar progress={state.progress} busy={busy} showText={false} />
        <span className="statusbar__wl">
          W {windowWL.width} · L {windowWL.level}
        </span>
      </footer>
      <DropZone onFiles={openFiles} onError={reportError} />
    </div>
  );
}
