/** Plausibility of CT values, so a user learns early when a file is not in Hounsfield units. */
import { valueRange } from '../volume';

/**
 * Every 31st voxel is enough to tell HU from 8-bit or unrescaled data (air fills large
 * regions), at a fraction of a full pass over hundreds of megabytes.
 */
const sampleStride = 31;

const EIGHT_BIT = 'this looks like an 8-bit windowed image, not Hounsfield units';
const NO_INTERCEPT = 'air should be about −1000 HU, so the rescale intercept may be missing';

export function unitWarnings(voxels: ArrayLike<number>, modality: string): { huRange: [number, number]; warnings: string[] } {
  const huRange = valueRange(voxels, sampleStride);
  const warnings: string[] = [];
  if (modality !== 'CT') {
    warnings.push(`modality ${modality || 'unknown'}, not CT: values are not Hounsfield units and the spine analysis is made for CT`);
  } else if (huRange[0] >= 0 && huRange[1] <= 255) {
    warnings.push(`values run about ${huRange[0]}–${huRange[1]}: ${EIGHT_BIT}`);
  } else if (huRange[0] >= 0) {
    warnings.push(`no value below 0: ${NO_INTERCEPT}`);
  }
  return { huRange, warnings };
}

/** True for the warnings above that say a CT's values are not Hounsfield units. */
export function isNotHuWarning(warning: string): boolean {
  return warning.endsWith(EIGHT_BIT) || warning.endsWith(NO_INTERCEPT);
}
