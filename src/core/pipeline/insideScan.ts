/**
 * Only a vertebra whose six points all lie inside the scanned volume can be measured. One cut by
 * the scan's first or last slice (or its field of view) shows part of its body; the detector may
 * still place six points on it, extrapolated past the scan's edge, and its heights would then
 * describe bone the scan does not hold (a half-seen body reads as a crush fracture). Such
 * detections are left out of the result; the ground truth of the phantoms leaves them out the
 * same way ("partialVertebrae"). Python twin: training/models/inside_scan.py.
 *
 * Along the slice axis a point must also lie SLICE_EDGE_MARGIN_MM inside the first and last
 * slice: a body the scan cuts there shows its cut face where an endplate would be, and the
 * detector puts its endplate points on it, right at the edge. Without a scan beyond the
 * endplate no disc shows that the body ends there. Chosen on the training phantoms (with the
 * shipped detector: 9 of its 17 false detections dropped for 4 of 2347 true ones); on the
 * held-out ones it drops 3 of 8 false detections and no true one.
 */
import { patientMmToVoxel, type Vec3, type VolumeGeometry } from '../volume';

export const SLICE_EDGE_MARGIN_MM = 1.0;

/**
 * True when every point's voxel index lies between the first and last voxel centre on each axis,
 * and at least SLICE_EDGE_MARGIN_MM inside them along the slice axis.
 */
export function insideScan(geometry: VolumeGeometry, pointsMm: readonly Vec3[]): boolean {
  const marginSlices = SLICE_EDGE_MARGIN_MM / geometry.spacingMm[2];
  return pointsMm.every((p) => {
    const index = patientMmToVoxel(geometry, p);
    const edge = (axis: number) => (axis === 2 ? marginSlices : 0);
    return index.every((k, axis) => k >= edge(axis) && k <= geometry.dimensions[axis] - 1 - edge(axis));
  });
}

/**
 * The straightened image is all the detector sees of the spine, and it ends at the localizer's
 * limits, near the first and last body's centre. When the limits run a few mm past a body's
 * centre the detector may find the half-seen body and put its far points beyond the image's
 * edge: guesses, which read as a fracture and, named as one more vertebra, shift the levels of
 * all the others (an abdomen phantom whose line ran 4.6 mm past S1's centre: S1 read as a
 * moderate "L5", every level one too high). Such detections are left out like the ones the scan
 * cuts. A point may lie anywhere on the image's pixels (centres 0 … rows − 1, ± half a pixel).
 * Python twin: inside_image in training/models/inside_scan.py.
 */
export function insideImage(rows: number, pointsPx: readonly (readonly number[])[]): boolean {
  return pointsPx.every(([, row]) => row >= -0.5 && row <= rows - 0.5);
}
