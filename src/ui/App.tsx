import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnalysisResult } from '../core/pipeline/result';
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
import type { ReviewViewer } from './cornerstone/reviewViewer';
import { centroid } from '../core/geometry/vec3';
import { isNotHuWarning } from '../core/ingest/huCheck';
import { editedSummary } from '../core/review';
import { addPosition } from './review/addPosition';
import { exportReview } from './review/exportReview';
import { ReviewPane } from './review/ReviewPane';
import { ReviewPanel, type ExportKind } from './review/ReviewPanel';
import { useReview } from './review/useReview';
import { useReviewKeys } from './review/useReviewKeys';
import { useStoredFlag } from './useStoredFlag';

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
  const analysed = analysis.state.phase === 'done' ? analysis.state.outcome.result : null;
  const { review, shown, error: reviewError, actions: edit } = useReview(state.volume, analysed);
  const [deidentify, setDeidentify] = useStoredFlag('spinelens.deidentify', false);
  const [exporting, setExporting] = useState<ExportKind | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const shownRef = useRef<AnalysisResult | null>(null);
  shownRef.current = shown;
  const reviewing = Boolean(review && shown && state.volume && !fatal);

  // The linked views draw the curve the straightened image follows (smoothed when the detector card asks for it).
  const centreline = reviewing ? (review?.straightening.curveMm ?? null) : null;
  useEffect(() => {
    viewerRef.current?.setCentreline(centreline);
  }, [centreline]);

  // Selecting a vertebra (table, view or keys) brings the linked views to it.
  const selectedId = review?.selectedId ?? null;
  useEffect(() => {
    const v = shown?.vertebrae.find((x) => x.id === selectedId);
    if (!v) return;
    viewerRef.current?.centreOn(centroid(v.pointsMm));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new selection moves the views, not an edit
  }, [selectedId]);

  const runExport = useCallback(
    async (kind: ExportKind) => {
      if (!review || !shown || !state.volume) return;
      setExporting(kind);
      setExportError(null);
      try {
        await exportReview(kind, { review, shown, volume: state.volume, deidentify, windowWL });
      } catch (err) {
        setExportError(`The ${kind.toUpperCase()} could not be made: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        setExporting(null);
      }
    },
    [review, shown, state.volume, deidentify, windowWL],
  );

  // A new analysis replaces the reviewed result: never silently when a person has edited it.
  const startAnalysis = useCallback(() => {
    const edited = review && editedSummary(review.ai, review.history.present).anyEdits;
    if (edited && !window.confirm('Analyzing again replaces your edited result of this series. Export it first if you want to keep it. Analyze again?')) return;
    analysis.start();
  }, [review, analysis]);

  const addVertebra = useCallback(() => {
    if (shown) edit.addAt(addPosition(shown, review?.selectedId ?? null));
  }, [shown, review?.selectedId, edit]);

  useReviewKeys(
    {
      undo: edit.undo,
      redo: edit.redo,
      next: () => edit.step(1),
      previous: () => edit.step(-1),
      remove: () => selectedId && edit.remove(selectedId),
      toggleNotEvaluable: () => {
        const v = shown?.vertebrae.find((x) => x.id === selectedId);
        if (v) edit.setNotEvaluable(v.id, !v.notEvaluable);
      },
      add: addVertebra,
    },
    reviewing,
  );

  const volumeRef = useRef(state.volume);
  volumeRef.current = state.volume;
  const reviewViewerRef = useRef<ReviewViewer | null>(null);
  useEffect(() => installTestHooks(() => viewerRef.current, () => volumeRef.current, () => reviewViewerRef.current, () => shownRef.current), []);

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
      if (canAnalyze && analysis.state.phase !== 'running') startAnalysis();
    },
    Escape: () => {
      viewerRef.current?.cancel();
      reviewViewerRef.current?.cancel();
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
            review={
              reviewing && review && shown && state.volume ? (
                <ReviewPane
                  volume={state.volume}
                  straightening={review.straightening}
                  shown={shown}
                  selectedId={review.selectedId}
                  windowWL={windowWL}
                  ruler={mode === 'ruler'}
                  resetToken={resetToken}
                  onPreview={edit.preview}
                  onCommit={edit.commit}
                  onCancel={edit.cancelPreview}
                  onSelect={edit.select}
                  onViewer={(v) => {
                    reviewViewerRef.current = v;
                  }}
                  onError={reportError}
                />
              ) : undefined
            }
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
          {reviewing && review && shown && (
            <ReviewPanel
              review={review}
              shown={shown}
              deidentify={deidentify}
              exporting={exporting}
              onDeidentify={setDeidentify}
              onExport={(kind) => void runExport(kind)}
              onSelect={edit.select}
              onAdd={addVertebra}
              onDelete={edit.remove}
              onLevel={edit.setLevel}
              onNotEvaluable={edit.setNotEvaluable}
              onUndo={edit.undo}
              onRedo={edit.redo}
              onRestoreAi={edit.restoreAi}
            />
          )}
          {(reviewError || exportError) && (
            <section className="panel">
              <p className="message message--error" role="alert" data-testid="review-error">
                {reviewError ?? exportError}
              </p>
            </section>
          )}
          <AnalysisPanel state={analysis.state} enabled={canAnalyze} onAnalyze={startAnalysis}
            onCancel={analysis.cancel}
            notHu={Boolean(state.volume?.warnings.some(isNotHuWarning))}
          />
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
              {reviewing && (
                <>
                  <li><b>Drag a point</b> to correct it; <b>drag a segment</b> moves the vertebra</li>
                  <li><b>↑ ↓</b> previous/next vertebra · <b>Del</b> delete · <b>N</b> not evaluable · <b>Insert</b> add</li>
                  <li><b>Ctrl+Z</b> undo · <b>Ctrl+Shift+Z</b> redo</li>
                </>
              )}
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
