/**
 * The straightened mid-sagittal image of a review, in HU, as the review view shows it and the
 * report prints it. Outside the scanned volume it holds air, as the detector saw it.
 */
import { midSagittalImage, type Straightening } from '../../core/geometry/straighten';
import type { Volume } from '../../core/volume';

const OUTSIDE_HU = -1024;

export function straightImageHu(volume: Volume, s: Straightening): Float32Array {
  return midSagittalImage(volume, s, OUTSIDE_HU);
}
