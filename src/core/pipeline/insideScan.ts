/**
 * Only a vertebra whose six points all lie inside the scanned volume can be measured. One cut by
 * the scan's first or last slice (or its field of view) shows part of its body; the detector may
 * still place six points on it, extrapolated past the scan's edge, and its heights would then
 * describe bone the scan does not hold (a half-seen body reads as a crush fracture). Such
 * detections are left out of the result; the ground truth of the phantoms leaves them out the
 * same way ("partialVertebrae"). Python twin: training/models/inside_scan.py.
 */
import { patientMmToVoxel, type Vec3, type VolumeGeometry } from '../volume';

/** True when every point's voxel index lies between the first and last voxel centre on each axis. */
export function insideScan(geometry: VolumeGeometry, pointsMm: readonly Vec3[]): boolean {
  return pointsMm.every((p) => {
    const index = patientMmToVoxel(geometry, p);
    return index.every((k, axis) => k >= 0 && k <= geometry.dimensions[axis] - 1);
  });
}
