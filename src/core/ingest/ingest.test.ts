/**
 * Ingest against every synthetic DICOM case of src/testing/dicom (real bytes through the real
 * parser and codecs). The phantom is defined in patient mm, so checking voxel values at the
 * positions our geometry gives checks orientation, spacing, sorting and decoding at once.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_CASES } from '../../testing/dicom/fixtureCases';
import { distanceToNearestSurfaceMm, HU, sampleHU } from '../../testing/dicom/phantom';
import { expectedVoxelValue, mrSignal, type SeriesFile, type SeriesTruth, type WarningKeyword } from '../../testing/dicom/syntheticSeries';
import { voxelToPatientMm, type Volume } from '../volume';
import { airHU, assembleVolume } from './dicom/assembleVolume';
import { parseDicomFile } from './dicom/parseDicomFile';
import { planStack } from './dicom/stackGeometry';
import { loadSeries, noVolumeReason, scanStudy, type SourceFile, type StudyCatalog } from '.';

async function buildCase(name: string) {
  const built = await FIXTURE_CASES[name].build({});
  const files: SeriesFile[] = [];
  for await (const f of built.files) files.push(f);
  return { ...built, files };
}

/**
 * In-memory sources; `ranged` ones also read byte ranges, as files on disk and browser Files
 * do, which sends uncompressed DICOM through the header-first path.
 */
function sources(files: { path: string; bytes: Uint8Array }[], ranged = false): SourceFile[] {
  return files.map((f) => ({
    path: f.path,
    size: f.bytes.length,
    read: async () => f.bytes,
    ...(ranged ? { readRange: async (start: number, end: number) => f.bytes.slice(start, end) } : {}),
  }));
}

async function ingestCase(name: string, ranged = false): Promise<{ truth: SeriesTruth; catalog: StudyCatalog; volume: Volume }> {
  const { truth, files } = await buildCase(name);
  const catalog = await scanStudy(sources(files, ranged));
  const id = catalog.result.bestSeriesId ?? catalog.result.series.find((s) => s.usable)?.id;
  expect(id, `no usable series in case ${name}`).toBeDefined();
  return { truth, catalog, volume: await loadSeries(catalog, id!) };
}

const warningPatterns: Record<WarningKeyword, RegExp> = {
  'missing-slices': /missing slice/,
  'gantry-tilt': /gantry tilt/,
  duplicates: /duplicate slice/,
  'localizer-excluded': /localizer/,
  'not-ct': /not CT/,
  'uneven-spacing': /uneven slice spacing/,
  'mixed-sizes': /mixes orientations or image sizes/,
  'multiple-acquisitions': /several acquisitions/,
};

/**
 * Every 5th voxel that lies more than 1.5 voxels from any phantom surface must hold the
 * phantom's value at the patient position our geometry gives it (interpolation is exact
 * there, since both neighbours hold the same value).
 */
function expectPhantomAtGeometry(volume: Volume, truth: SeriesTruth): void {
  const g = volume.geometry;
  const [nc, nr, ns] = g.dimensions;
  const margin = 1.5 * Math.max(...g.spacingMm);
  let checked = 0;
  const wrong: string[] = [];
  for (let k = 0; k < ns; k += 3) {
    for (let r = 0; r < nr; r += 5) {
      for (let c = 0; c < nc; c += 5) {
        const p = voxelToPatientMm(g, c, r, k);
        if (distanceToNearestSurfaceMm(p[0], p[1], p[2]) < margin) continue;
        const value = volume.voxels[(k * nr + r) * nc + c];
        if (truth.padding && value === airHU) continue; // outside the scanner's field of view
        // Undoing a tilt shifts slices: at the image edge, air (−1024) is shifted in from outside.
        if (truth.sheared && value >= airHU && value <= HU.air && sampleHU(p[0], p[1], p[2]) === HU.air) continue;
        const hu = sampleHU(p[0], p[1], p[2]);
        const expected = truth.modality === 'CT' ? hu : mrSignal(hu);
        checked++;
        if (Math.abs(value - expected) > 0.5 && wrong.length < 5) wrong.push(`(${c},${r},${k}) at ${p.map((v) => v.toFixed(1))}: ${value} ≠ ${expected}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(200);
}

const seriesCases = [
  'plain', 'implicit', 'jpeg2000', 'jpeg2000-signed', 'jpegls', 'jpeglossless', 'jpeglossless-signed', 'rle', 'deflate',
  'bigendian', 'raw-no-preamble', 'tilt', 'missing', 'duplicates', 'uneven', 'multiframe', 'multiframe-jpeg2000', 'localizer',
  'sagittal', 'coronal', 'oblique', 'padding', 'padding-unsigned', 'shuffled', 'second-acquisition', 'mixed-sizes',
  'rescale-slope', 'dicomdir', 'zip', 'garbage-mix',
];

describe('ingest of generated DICOM cases', () => {
  it.each(seriesCases.flatMap((name) => [[name, 'whole'], [name, 'ranged']]))('%s (%s reads): geometry, HU and warnings', async (name, reads) => {
    const { truth, catalog, volume } = await ingestCase(name, reads === 'ranged');
    const g = volume.geometry;
    expect(g.dimensions.slice(0, 2)).toEqual(truth.geometry.dimensions.slice(0, 2));
    expect(g.spacingMm[0]).toBeCloseTo(truth.pixelSpacingMm[1], 4);
    expect(g.spacingMm[1]).toBeCloseTo(truth.pixelSpacingMm[0], 4);
    if (truth.uniformSpacing && !truth.sheared) {
      expect(g.dimensions[2]).toBe(truth.geometry.dimensions[2]);
      expect(g.spacingMm[2]).toBeCloseTo(truth.geometry.spacingMm[2], 4);
      for (let i = 0; i < 3; i++) expect(g.originMm[i]).toBeCloseTo(truth.geometry.originMm[i], 4);
    }
    expectPhantomAtGeometry(volume, truth);

    const said = [...catalog.result.series.find((s) => s.seriesInstanceUID === truth.seriesInstanceUID && s.usable)!.warnings, ...volume.warnings].join(' | ');
    for (const keyword of truth.warnings) expect(said, `warning "${keyword}"`).toMatch(warningPatterns[keyword]);
    if (truth.warnings.length === 0) expect(volume.warnings).toEqual([]);
  });

  it('padding values become air and nothing else does', async () => {
    const { truth, volume } = await ingestCase('padding');
    const [nc, nr] = volume.geometry.dimensions;
    let padded = 0;
    for (let r = 0; r < nr; r++) {
      for (let c = 0; c < nc; c++) {
        const expected = expectedVoxelValue(truth, c, r, 0);
        const value = volume.voxels[r * nc + c];
        if (expected === null) {
          expect(value).toBe(airHU);
          padded++;
        } else expect(value).toBe(expected);
      }
    }
    expect(padded).toBeGreaterThan(0);
  });

  it('corrects a 15° gantry tilt: slices stack along the true normal', async () => {
    const { volume } = await ingestCase('tilt');
    const d = volume.geometry.direction;
    const dot = d.slice[0] * d.row[0] + d.slice[1] * d.row[1] + d.slice[2] * d.row[2];
    expect(Math.abs(dot)).toBeLessThan(1e-9);
    expect(volume.warnings.join(' ')).toMatch(/gantry tilt of 15\.0°/);
  });

  it('fills missing slices and reports where they were', async () => {
    const { truth, volume } = await ingestCase('missing');
    expect(volume.geometry.dimensions[2]).toBe(truth.geometry.dimensions[2]);
    expect(volume.warnings.join(' ')).toMatch(/2 missing slices \(gap of 6\.0 mm/);
  });

  it('garbage among good files: the series loads and each bad file is listed with a reason', async () => {
    const { garbage, files } = await buildCase('garbage-mix');
    const catalog = await scanStudy(sources(files, true));
    expect(catalog.result.bestSeriesId).not.toBeNull();
    for (const g of garbage.filter((x) => x.expect === 'skip')) {
      const entry = catalog.result.skipped.find((s) => s.path === g.path);
      expect(entry, `${g.kind} file ${g.path} should be skipped`).toBeDefined();
      expect(entry!.reason.length).toBeGreaterThan(10);
    }
    const truncated = garbage.find((g) => g.kind === 'truncated-dicom')!;
    expect(catalog.result.skipped.find((s) => s.path === truncated.path)!.reason).toMatch(/truncated|corrupt/);
  });

  it('a corrupt JPEG 2000 frame fails with a message naming the file and what to do', async () => {
    const [corrupt] = (await buildCase('garbage-mix')).garbage.filter((g) => g.kind === 'corrupt-jpeg2000');
    const parsed = parseDicomFile(corrupt.path, corrupt.bytes);
    if (parsed.kind !== 'images') throw new Error(`expected the corrupt file to parse: ${parsed.reason}`);
    // A stack of three copies at 2 mm steps, so it makes a volume whose decoding must fail.
    const image = parsed.images[0];
    const stack = planStack([0, 1, 2].map((k) => ({ ...image, positionMm: [image.positionMm[0], image.positionMm[1], image.positionMm[2] + 2 * k] })));
    await expect(assembleVolume(stack)).rejects.toThrow(new RegExp(`${corrupt.path}: pixel data could not be decoded`));
  });

  it('only garbage: no series, and one sentence that says what was wrong and what to do', async () => {
    const garbage = (await buildCase('garbage-mix')).garbage;
    const catalog = await scanStudy(sources(garbage));
    expect(catalog.result.bestSeriesId).toBeNull();
    // The corrupt JPEG 2000 file is a parseable one-slice series; everything else is skipped.
    expect(noVolumeReason(catalog.result)).toMatch(/^No series can be shown as a volume \(CT .*only 1 slice.*\)\. \d+ other files were skipped\. Drop the whole folder/);
  });

  it('an MR study is not chosen as CT, but can be opened with a warning', async () => {
    const { files } = await buildCase('mr');
    const catalog = await scanStudy(sources(files));
    expect(catalog.result.bestSeriesId).toBeNull();
    expect(noVolumeReason(catalog.result)).toMatch(/holds no CT series \(found MR\)/);
    const volume = await loadSeries(catalog, catalog.result.series[0].id);
    expect(volume.warnings.join(' ')).toMatch(/modality MR, not CT/);
  });

  it('a two-slice series is listed but refused with its reason', async () => {
    const { files } = await buildCase('plain');
    const catalog = await scanStudy(sources(files.slice(0, 2)));
    expect(catalog.result.bestSeriesId).toBeNull();
    expect(catalog.result.series[0].warnings.join(' ')).toMatch(/only 2 slices: a 3D volume needs at least 3/);
    await expect(loadSeries(catalog, catalog.result.series[0].id)).rejects.toThrow(/cannot be shown: only 2 slices/);
  });

  it('second acquisition and mixed sizes become separate series; the largest CT stack is chosen', async () => {
    const two = await scanStudy(sources((await buildCase('second-acquisition')).files));
    expect(two.result.series.filter((s) => s.usable)).toHaveLength(2);
    const mixed = await scanStudy(sources((await buildCase('mixed-sizes')).files));
    const best = mixed.result.series.find((s) => s.id === mixed.result.bestSeriesId)!;
    expect(best.dimensions[0]).toBe(64);
  });

  it('refuses a volume too large for memory and says how many slices would fit', async () => {
    const { files } = await buildCase('plain');
    const catalog = await scanStudy(sources(files));
    await expect(loadSeries(catalog, catalog.result.bestSeriesId!, { maxVolumeBytes: 64 * 64 * 2 * 10 })).rejects.toThrow(
      /too large to hold in memory: 64×64×40 voxels .* About 10 slices of 64×64 fit/,
    );
  });

  it('reports progress with counts and can be cancelled', async () => {
    const { files } = await buildCase('plain');
    const seen: string[] = [];
    const catalog = await scanStudy(sources(files), { onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total}`) });
    expect(seen.at(-1)).toBe(`reading ${files.length}/${files.length}`);
    const controller = new AbortController();
    const pending = loadSeries(catalog, catalog.result.bestSeriesId!, {
      signal: controller.signal,
      onProgress: (p) => p.done === 5 && controller.abort(),
    });
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
