/** The ruler (Length tool) measurements drawn on a viewport's images, as world distances. */
import { annotation as csAnnotation, LengthTool } from '@cornerstonejs/tools';

/**
 * Lengths in mm of the Length annotations in `element`'s frame of reference (the MPR views
 * share one, the review view has its own), in drawing order.
 */
export function rulerLengthsMm(element: HTMLDivElement): number[] {
  return (csAnnotation.state.getAnnotations(LengthTool.toolName, element) ?? [])
    .map((a) => {
      const [p, q] = a.data?.handles?.points ?? [];
      return p && q ? Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) : NaN;
    })
    .filter((x) => Number.isFinite(x));
}
