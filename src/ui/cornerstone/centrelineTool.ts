/**
 * Draws the spine centreline of the analysis in the original volume's views: where the view's
 * plane runs along the spine (sagittal, coronal) the whole curve projected onto it, where the
 * spine crosses the plane (axial) a ring at the crossing. It shows what the straightened image
 * was cut along, so a reader can see at a glance whether the localizer followed the spine.
 */
import type { Types } from '@cornerstonejs/core';
import { AnnotationDisplayTool, drawing, type Types as ToolTypes } from '@cornerstonejs/tools';

const COLOR = 'rgb(56, 189, 248)';
/** Beyond this distance from the plane an axial view shows no ring (the spine is elsewhere). */
const RING_MAX_DISTANCE_MM = 3;

const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

export class CentrelineTool extends AnnotationDisplayTool {
  static toolName = 'SpineLensCentreline';

  constructor(toolProps: ToolTypes.PublicToolProps = {}) {
    super(toolProps, { configuration: { centrelineMm: null as Types.Point3[] | null } });
  }

  renderAnnotation = (enabledElement: Types.IEnabledElement, svg: ToolTypes.SVGDrawingHelper): boolean => {
    const points = this.configuration.centrelineMm as Types.Point3[] | null;
    if (!points || points.length < 2) return false;
    const { viewport } = enabledElement;
    const { viewPlaneNormal: normal, focalPoint } = viewport.getCamera();
    if (!normal || !focalPoint) return false;
    const first = points[0];
    const last = points[points.length - 1];
    const along = [last[0] - first[0], last[1] - first[1], last[2] - first[2]];
    const length = Math.hypot(along[0], along[1], along[2]) || 1;
    const uid = `spinelens-centreline-${viewport.id}`;
    if (Math.abs(dot(along, normal)) / length > 0.7) {
      let best = -1;
      let bestDistance = Infinity;
      points.forEach((p, i) => {
        const d = Math.abs(dot([p[0] - focalPoint[0], p[1] - focalPoint[1], p[2] - focalPoint[2]], normal));
        if (d < bestDistance) [best, bestDistance] = [i, d];
      });
      if (bestDistance > RING_MAX_DISTANCE_MM) return false;
      drawing.drawCircle(svg, uid, 'ring', viewport.worldToCanvas(points[best]), 7, { color: COLOR, width: 2 });
      return true;
    }
    drawing.drawPolyline(svg, uid, 'line', points.map((p) => viewport.worldToCanvas(p)), { color: COLOR, width: 1.5, lineDash: '6,4' });
    return true;
  };
}
