/**
 * The straightening a result's pixel coordinates refer to, rebuilt from the result alone: the
 * pipeline (detect.ts `detectorStraightening`) builds it from the centreline taken superior
 * first and smoothed as the card says, with the card's step and half width, and the result keeps
 * the centreline, the step, the smoothing and the centre column (half width = centre column ×
 * step). Edits map dragged pixels to patient mm through it, so a moved point lands where the
 * pipeline would have put it.
 */
import type { Straightening } from '../geometry/straighten';
import { detectorStraightening } from '../pipeline/detect';
import type { AnalysisResult } from '../pipeline/result';

export function straighteningOf(result: Pick<AnalysisResult, 'centrelineMm' | 'midSagittal'>): Straightening {
  const { stepMm, centreColumn, rows, centrelineSmoothingSigmaMm } = result.midSagittal;
  const s = detectorStraightening(result.centrelineMm, { stepMm, halfWidthMm: centreColumn * stepMm, centrelineSmoothingSigmaMm });
  // A mismatch means the result was not made from this centreline and step: pixels would land elsewhere.
  if (s.centreColumn !== centreColumn || s.curveMm.length !== rows) {
    throw new Error(
      `the result's mid-sagittal image (${rows} rows, centre column ${centreColumn}) does not match its centreline resampled at ${stepMm} mm (${s.curveMm.length} rows, centre column ${s.centreColumn})`,
    );
  }
  return s;
}
