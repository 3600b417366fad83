/**
 * Ingest on the real CTs in ../shared/data/real (skipped, with a note, where that folder is
 * absent, as in a user's clone).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fsSources } from '../../node/fsSources';
import { valueRange, voxelToPatientMm } from '../volume';
import { loadSeries, scanStudy } from '.';

const real = new URL('../../../../shared/data/real/', import.meta.url).pathname;
const haveReal = existsSync(real);
if (!haveReal) console.warn(`skipping real-CT ingest tests: ${real} is absent`);

async function load(path: string) {
  const catalog = await scanStudy(await fsSources([real + path]));
  expect(catalog.result.bestSeriesId).not.toBeNull();
  return { catalog, volume: await loadSeries(catalog, catalog.result.bestSeriesId!) };
}

describe.runIf(haveReal)('real CT', () => {
  it('reads the JPEG 2000 lossless series (no SeriesInstanceUID) into one 512×512×20 HU volume', async () => {
    const { catalog, volume } = await load('totalsegmentator-abdomen/example_ct_dicom');
    expect(catalog.result.series).toHaveLength(1);
    expect(catalog.result.skipped).toEqual([]);
    expect(volume.geometry.dimensions).toEqual([512, 512, 20]);
    expect(volume.geometry.spacingMm[0]).toBeCloseTo(0.9765625, 6);
    expect(volume.geometry.spacingMm[2]).toBeCloseTo(2, 6);
    // Slices are sorted inferior → superior along the normal (+z), last at the top position in the files.
    expect(volume.geometry.direction.slice).toEqual([0, 0, 1]);
    expect(voxelToPatientMm(volume.geometry, 0, 0, 19)[2]).toBeCloseTo(-766.5, 3);
    const [min, max] = valueRange(volume.voxels);
    expect(min).toBe(-1024); // air outside the body after RescaleIntercept −1024
    expect(max).toBeGreaterThan(1000); // cortical bone
    expect(volume.warnings).toEqual([]);
  });

  it('reads the TotalSegmentator NIfTI and converts RAS to LPS', async () => {
    const { volume } = await load('totalsegmentator-abdomen/example_ct.nii.gz');
    expect(volume.geometry.dimensions).toEqual([122, 101, 112]);
    expect(volume.geometry.spacingMm).toEqual([3, 3, 3]);
    // The file's affine has i → R-to-L flipped: in LPS its first axis points to patient Right (−x).
    expect(volume.geometry.direction.column[0]).toBeCloseTo(-1, 6);
    expect(volume.geometry.direction.row[1]).toBeCloseTo(-1, 6);
    // Every vertebra centroid of the derived JSON (voxel index ↔ RAS mm) lands on (−R, −A, S).
    const { vertebrae } = JSON.parse(readFileSync(real + 'totalsegmentator-abdomen/derived_vertebra_centroids_example_ct.json', 'utf8'));
    for (const v of vertebrae as { voxel: number[]; world_ras_mm: number[] }[]) {
      const lps = voxelToPatientMm(volume.geometry, v.voxel[0], v.voxel[1], v.voxel[2]);
      expect(lps[0]).toBeCloseTo(-v.world_ras_mm[0], 1);
      expect(lps[1]).toBeCloseTo(-v.world_ras_mm[1], 1);
      expect(lps[2]).toBeCloseTo(v.world_ras_mm[2], 1);
    }
    const [min, max] = valueRange(volume.voxels);
    expect(min).toBeLessThan(-900);
    expect(max).toBeGreaterThan(1000);
  });

  it('warns that the LIDC chest is 8-bit windowed, not HU', async () => {
    const { volume } = await load('lidc2-chest-uint8/LIDC2_uint8.nii.gz');
    expect(volume.geometry.dimensions).toEqual([256, 256, 133]);
    expect(volume.warnings.join(' ')).toMatch(/not Hounsfield units/);
  });
});
