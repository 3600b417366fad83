/** Plausibility of CT values, so a user learns early when a file is not in Hounsfield units. */

/**
 * Range over every `stride`-th voxel: enough to tell HU from 8-bit or unrescaled data (air
 * fills large regions), at a fraction of a full pass over hundreds of megabytes.
 */
export function sampledRange(voxels: ArrayLike<number>, stride = 31): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < voxels.length; i += stride) {
    const v = voxels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

export function unitWarnings(voxels: ArrayLike<number>, modality: string): { huRange: [number, number]; warnings: string[] } {
  const huRange = sampledRange(voxels);
  const warnings: string[] = [];
  if (modality !== 'CT') {
    warnings.push(`modality ${modality || 'unknown'}, not CT: values are not Hounsfield units and the spine analysis is made for CT`);
  } else if (huRange[0] >= 0 && huRange[1] <= 255) {
    warnings.push(`values run about ${huRange[0]}–${huRange[1]}: this looks like an 8-bit windowed image, not Hounsfield units`);
  } else if (huRange[0] >= 0) {
    warnings.push(`no value below 0: air should be about −1000 HU, so the rescale intercept may be missing`);
  }
  return { huRange, warnings };
}
