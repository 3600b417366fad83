import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Volume } from '../core/volume';
import { MprViewer, VIEW_NAMES, type OrientationLabels, type ToolMode, type ViewName } from './cornerstone/mprViewer';
import { ViewportPane } from './ViewportPane';

interface Props {
  volume: Volume | null;
  mode: ToolMode;
  windowWL: { width: number; level: number };
  /** Increments to ask for a camera reset. */
  resetToken: number;
  onViewer: (viewer: MprViewer | null) => void;
  /** A view's window changed by mouse (window/level drag). */
  onWindowDragged: (wl: { width: number; level: number }) => void;
  onRendered: () => void;
  /** Showing this volume failed. */
  onError: (message: string) => void;
  /** The viewer cannot work at all in this browser (no WebGL2...). */
  onFatal: (message: string) => void;
  /** The review pane (after an analysis): shown first, the three views beside it. */
  review?: ReactNode;
}

const TITLES: Record<ViewName, string> = { sagittal: 'Sagittal', axial: 'Axial', coronal: 'Coronal' };

function describe(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/** The three views. Creates the Cornerstone viewer once and feeds it the volume and settings. */
export function Viewer({ volume, mode, windowWL, resetToken, onViewer, onWindowDragged, onRendered, onError, onFatal, review }: Props) {
  const sagittal = useRef<HTMLDivElement>(null);
  const axial = useRef<HTMLDivElement>(null);
  const coronal = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<MprViewer | null>(null);
  const [labels, setLabels] = useState<Record<ViewName, OrientationLabels | null> | null>(null);
  const callbacks = useRef({ onViewer, onWindowDragged, onRendered, onError, onFatal });
  callbacks.current = { onViewer, onWindowDragged, onRendered, onError, onFatal };

  useEffect(() => {
    let alive = true;
    let created: MprViewer | null = null;
    const elements = { sagittal: sagittal.current!, axial: axial.current!, coronal: coronal.current! };
    MprViewer.create(elements).then(
      (v) => {
        if (!alive) {
          v.destroy();
          return;
        }
        created = v;
        setViewer(v);
        callbacks.current.onViewer(v);
      },
      (err: unknown) => {
        console.error('SpineLens: the viewer could not start', err);
        if (alive) callbacks.current.onFatal(`The image viewer could not start: ${describe(err)}. Try a current Chrome, Edge or Firefox with hardware acceleration turned on.`);
      },
    );
    const observer = new ResizeObserver(() => created?.resize());
    for (const el of Object.values(elements)) observer.observe(el);
    return () => {
      alive = false;
      observer.disconnect();
      callbacks.current.onViewer(null);
      created?.destroy();
    };
  }, []);

  useEffect(() => {
    if (!viewer || !volume) return;
    let alive = true;
    viewer.setVolume(volume).then(
      () => {
        if (!alive) return;
        setLabels(Object.fromEntries(VIEW_NAMES.map((n) => [n, viewer.orientationLabels(n)])) as Record<ViewName, OrientationLabels | null>);
        callbacks.current.onRendered();
      },
      (err: unknown) => {
        console.error('SpineLens: displaying the volume failed', err);
        if (alive) callbacks.current.onError(`The volume was read but could not be displayed: ${describe(err)}`);
      },
    );
    return () => {
      alive = false;
    };
  }, [viewer, volume]);

  // Edge letters follow the camera (crosshair rotation makes oblique views).
  useEffect(() => {
    if (!viewer || !volume) return;
    return viewer.onCameraModified((name) => {
      const next = viewer.orientationLabels(name);
      setLabels((prev) => {
        const cur = prev?.[name];
        if (cur && next && cur.top === next.top && cur.left === next.left) return prev;
        return { ...(prev ?? { sagittal: null, axial: null, coronal: null }), [name]: next };
      });
    });
  }, [viewer, volume]);

  useEffect(() => viewer?.onWindowModified((wl) => callbacks.current.onWindowDragged(wl)), [viewer]);

  useEffect(() => {
    viewer?.setMode(mode);
  }, [viewer, mode]);

  useEffect(() => {
    viewer?.setWindow(windowWL.width, windowWL.level);
  }, [viewer, windowWL]);

  useEffect(() => {
    if (resetToken > 0) viewer?.resetViews();
  }, [viewer, resetToken]);

  const refs = { sagittal, axial, coronal };
  return (
    <div className={review ? 'views views--review' : 'views'}>
      {review}
      {VIEW_NAMES.map((n) => (
        <ViewportPane key={n} ref={refs[n]} name={n} title={TITLES[n]} labels={volume ? (labels?.[n] ?? null) : null} />
      ))}
    </div>
  );
}
