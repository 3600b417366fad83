import { useEffect, useMemo, useRef, useState } from 'react';
import type { Straightening } from '../../core/geometry/straighten';
import type { AnalysisResult } from '../../core/pipeline/result';
import type { Volume } from '../../core/volume';
import { ReviewViewer, type ReviewSegment } from '../cornerstone/reviewViewer';
import type { PointsPx } from '../cornerstone/sixPointTool';
import { gradeColor, segmentLabel } from './gradeStyle';
import { straightImageHu } from './straightImage';

interface Props {
  volume: Volume;
  straightening: Straightening;
  shown: AnalysisResult;
  selectedId: string | null;
  windowWL: { width: number; level: number };
  ruler: boolean;
  resetToken: number;
  onPreview: (id: string, pointsPx: PointsPx) => void;
  onCommit: (id: string, pointsPx: PointsPx) => void;
  onCancel: () => void;
  onSelect: (id: string) => void;
  onViewer: (viewer: ReviewViewer | null) => void;
  onError: (message: string) => void;
}

/** The straightened mid-sagittal image with the editable six-point segments. */
export function ReviewPane(props: Props) {
  const { volume, straightening, shown, selectedId, windowWL, ruler, resetToken } = props;
  const element = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<ReviewViewer | null>(null);
  const [ready, setReady] = useState(false);
  const callbacks = useRef(props);
  callbacks.current = props;

  useEffect(() => {
    let alive = true;
    let created: ReviewViewer | null = null;
    ReviewViewer.create(element.current!, {
      onPreview: (id, p) => callbacks.current.onPreview(id, p),
      onCommit: (id, p) => callbacks.current.onCommit(id, p),
      onCancel: () => callbacks.current.onCancel(),
      onSelect: (id) => callbacks.current.onSelect(id),
    }).then(
      (v) => {
        if (!alive) return v.destroy();
        created = v;
        setViewer(v);
        callbacks.current.onViewer(v);
      },
      (err: unknown) => callbacks.current.onError(`The review view could not start: ${err instanceof Error ? err.message : String(err)}`),
    );
    const observer = new ResizeObserver(() => created?.resize());
    observer.observe(element.current!);
    return () => {
      alive = false;
      observer.disconnect();
      callbacks.current.onViewer(null);
      created?.destroy();
    };
  }, []);

  // The image depends only on the centreline: edits move points, never the image.
  const image = useMemo(
    () => ({
      pixels: straightImageHu(volume, straightening),
      rows: straightening.curveMm.length,
      columns: straightening.columns,
      pixelMm: straightening.stepMm,
    }),
    [volume, straightening],
  );

  useEffect(() => {
    if (!viewer) return;
    let alive = true;
    setReady(false);
    viewer.setImage(image).then(
      () => alive && setReady(true),
      (err: unknown) => callbacks.current.onError(`The straightened image could not be shown: ${err instanceof Error ? err.message : String(err)}`),
    );
    return () => {
      alive = false;
    };
  }, [viewer, image]);

  useEffect(() => {
    if (!viewer || !ready) return;
    const segments: ReviewSegment[] = shown.vertebrae.map((v) => ({
      vertebraId: v.id,
      label: segmentLabel(v),
      color: gradeColor(v),
      selected: v.id === selectedId,
      pointsPx: v.pointsPx,
    }));
    viewer.setSegments(segments);
  }, [viewer, ready, shown, selectedId]);

  useEffect(() => {
    viewer?.setWindow(windowWL.width, windowWL.level);
  }, [viewer, ready, windowWL]);
  useEffect(() => {
    viewer?.setRuler(ruler);
  }, [viewer, ruler]);
  useEffect(() => {
    if (resetToken > 0) viewer?.resetView();
  }, [viewer, resetToken]);

  return (
    <div className="pane pane--review" data-testid="review-pane" data-ready={ready}>
      <div ref={element} className="pane__viewport" data-testid="viewport-review" onContextMenu={(e) => e.preventDefault()} />
      <div className="pane__title pane__title--review" title="Straightened along the spine centreline, mid-sagittal plane; the ruler reads mm">Straightened</div>
      <span className="pane__orient pane__orient--top">S</span>
      <span className="pane__orient pane__orient--bottom">I</span>
      <span className="pane__orient pane__orient--left">A</span>
      <span className="pane__orient pane__orient--right">P</span>
    </div>
  );
}
