/**
 * The Cornerstone annotation tool of the review view: one annotation per vertebra with its six
 * handles (AS, AI, MS, MI, PS, PI) and the three height segments between them, coloured by
 * Genant grade, the level and G written beside the anterior edge.
 *
 * The tool never decides anything: dragging a handle reports the vertebra's new points to the
 * page (`onPreview` while the mouse moves, `onCommit` when it is released); the page computes
 * the heights and grade with the core and sends the result back through `reviewViewer.ts`,
 * which rewrites the annotations. Annotations are made by the page, never drawn by the user,
 * so `addNewAnnotation` does nothing.
 */
import { getEnabledElement, type Types } from '@cornerstonejs/core';
import {
  AnnotationTool,
  annotation as csAnnotation,
  drawing,
  utilities as toolUtilities,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

export type PointsPx = [number, number][];

export interface SixPointData {
  vertebraId: string;
  label: string;
  color: string;
  selected: boolean;
}

export interface SixPointCallbacks {
  /** While a handle moves: the vertebra's six points in image pixels (column, row). */
  onPreview: (vertebraId: string, pointsPx: PointsPx) => void;
  /** The drag ended: the points to keep. */
  onCommit: (vertebraId: string, pointsPx: PointsPx) => void;
  /** The drag was abandoned (Esc): show the points from before it again. */
  onCancel: (vertebraId: string) => void;
  /** A click on a vertebra's segments or handles. */
  onSelect: (vertebraId: string) => void;
}

type SixPointAnnotation = ToolTypes.Annotation & { data: ToolTypes.Annotation['data'] & { sixPoint: SixPointData } };

/** Which handles the three height segments join: anterior, middle, posterior. */
const SEGMENTS: [number, number][] = [
  [0, 1],
  [2, 3],
  [4, 5],
];

/** Image pixel (column, row) ↔ world, for an image at origin 0, identity directions. */
export function pixelToWorld([column, row]: readonly [number, number], pixelMm: number): Types.Point3 {
  return [column * pixelMm, row * pixelMm, 0];
}

export function worldToPixel(p: Types.Point3 | readonly number[], pixelMm: number): [number, number] {
  return [p[0] / pixelMm, p[1] / pixelMm];
}

export class SixPointTool extends AnnotationTool {
  static toolName = 'SpineLensSixPoint';

  constructor(toolProps: ToolTypes.PublicToolProps = {}) {
    super(toolProps, {
      supportedInteractionTypes: ['Mouse', 'Touch'],
      configuration: { pixelMm: 1, callbacks: null as SixPointCallbacks | null },
    });
  }

  private get callbacks(): SixPointCallbacks | null {
    return (this.configuration.callbacks as SixPointCallbacks | null) ?? null;
  }

  private pointsPx(annotation: ToolTypes.Annotation): PointsPx {
    const pixelMm = this.configuration.pixelMm as number;
    return annotation.data.handles!.points!.map((p) => worldToPixel(p, pixelMm));
  }

  addNewAnnotation(): ToolTypes.Annotation | null {
    return null;
  }

  isPointNearTool(element: HTMLDivElement, annotation: ToolTypes.Annotation, canvasCoords: Types.Point2, proximity: number): boolean {
    const { viewport } = getEnabledElement(element)!;
    const canvas = annotation.data.handles!.points!.map((p) => viewport.worldToCanvas(p));
    return SEGMENTS.some(([a, b]) => toolUtilities.math.lineSegment.distanceToPoint(canvas[a], canvas[b], canvasCoords) <= proximity);
  }

  toolSelectedCallback(evt: ToolTypes.EventTypes.InteractionEventType, annotation: ToolTypes.Annotation): void {
    this.callbacks?.onSelect((annotation as SixPointAnnotation).data.sixPoint.vertebraId);
    this.startEdit(evt, annotation, undefined);
  }

  handleSelectedCallback(evt: ToolTypes.EventTypes.InteractionEventType, annotation: ToolTypes.Annotation, handle: ToolTypes.ToolHandle): void {
    this.callbacks?.onSelect((annotation as SixPointAnnotation).data.sixPoint.vertebraId);
    const index = annotation.data.handles!.points!.findIndex((p) => p === handle);
    this.startEdit(evt, annotation, index >= 0 ? index : undefined);
  }

  /** A handle drag moves that point; a drag on a segment moves the whole vertebra. */
  private startEdit(evt: ToolTypes.EventTypes.InteractionEventType, annotation: ToolTypes.Annotation, handleIndex: number | undefined): void {
    const { element } = evt.detail;
    annotation.highlighted = true;
    this.editData = { annotation, viewportIdsToRender: [getEnabledElement(element)!.viewport.id], handleIndex, hasMoved: false };
    this.isDrawing = true;
    this._activateModify(element);
    evt.preventDefault();
  }

  protected _dragCallback = (evt: ToolTypes.EventTypes.InteractionEventType): void => {
    if (!this.editData) return;
    const { annotation, handleIndex } = this.editData;
    const points = annotation.data.handles!.points!;
    if (handleIndex === undefined) {
      const delta = evt.detail.deltaPoints.world;
      for (const p of points) {
        p[0] += delta[0];
        p[1] += delta[1];
      }
    } else {
      const world = evt.detail.currentPoints.world;
      points[handleIndex] = [world[0], world[1], 0];
    }
    this.editData.hasMoved = true;
    annotation.invalidated = true;
    this.callbacks?.onPreview((annotation as SixPointAnnotation).data.sixPoint.vertebraId, this.pointsPx(annotation));
    toolUtilities.triggerAnnotationRenderForViewportIds(this.editData.viewportIdsToRender ?? []);
  };

  protected _endCallback = (evt: ToolTypes.EventTypes.InteractionEventType): void => {
    if (!this.editData) return;
    const { annotation, hasMoved, viewportIdsToRender } = this.editData;
    this._deactivateModify(evt.detail.element);
    this.editData = null;
    this.isDrawing = false;
    annotation.data.handles!.activeHandleIndex = null;
    if (hasMoved) this.callbacks?.onCommit((annotation as SixPointAnnotation).data.sixPoint.vertebraId, this.pointsPx(annotation));
    toolUtilities.triggerAnnotationRenderForViewportIds(viewportIdsToRender ?? []);
  };

  cancel(element: HTMLDivElement): string | undefined {
    if (!this.editData) return undefined;
    const { annotation } = this.editData;
    this._deactivateModify(element);
    this.editData = null;
    this.isDrawing = false;
    this.callbacks?.onCancel((annotation as SixPointAnnotation).data.sixPoint.vertebraId);
    return annotation.annotationUID;
  }

  renderAnnotation = (enabledElement: Types.IEnabledElement, svg: ToolTypes.SVGDrawingHelper): boolean => {
    const { viewport } = enabledElement;
    const annotations = csAnnotation.state.getAnnotations(SixPointTool.toolName, viewport.element) as SixPointAnnotation[] | undefined;
    if (!annotations?.length) return false;
    for (const annotation of annotations) {
      const uid = annotation.annotationUID!;
      const { color, label, selected } = annotation.data.sixPoint;
      const canvas = annotation.data.handles!.points!.map((p) => viewport.worldToCanvas(p));
      const width = selected ? 3 : 2;
      SEGMENTS.forEach(([a, b], i) => drawing.drawLine(svg, uid, `seg${i}`, canvas[a], canvas[b], { color, width }));
      // Upper and lower endplates, thin: the outline a reader expects to see.
      drawing.drawLine(svg, uid, 'sup', canvas[0], canvas[4], { color, width: 1, lineDash: '3,3' });
      drawing.drawLine(svg, uid, 'inf', canvas[1], canvas[5], { color, width: 1, lineDash: '3,3' });
      drawing.drawHandles(svg, uid, 'handles', canvas, { color, handleRadius: selected ? 4 : 3, fill: selected ? color : undefined });
      const left = Math.min(canvas[0][0], canvas[1][0]);
      const midY = (canvas[0][1] + canvas[1][1]) / 2;
      drawing.drawTextBox(svg, uid, 'label', [label], [left - 8 - 7 * label.length, midY - 9] as Types.Point2, {
        color,
        background: 'rgba(0,0,0,0.55)',
        fontSize: '12px',
        padding: 2,
      });
    }
    return true;
  };
}
