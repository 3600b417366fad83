/**
 * The named fixture cases: one per ingest situation. The CLI (writeFixture.ts) writes them to
 * disk and the generator's own tests check every one, so this list is the catalogue of what an
 * ingest is tested against. Each case returns its files as a stream (bench-512 is ~160 MB) and
 * the truth of its main series.
 */
import { TransferSyntax } from './dicomWriter';
import { makeDicomdir } from './dicomdir';
import { makeGarbage, type GarbageFile } from './garbage';
import { makeCtSeries, streamCtSeries, type CtSeriesOptions, type SeriesFile, type SeriesTruth } from './syntheticSeries';
import { zipFiles } from './zip';

export interface CaseSize {
  slices?: number;
  columns?: number;
  rows?: number;
}

export interface FixtureCaseResult {
  /** Truth of the main series (paths inside the zip for the zip case). */
  truth: SeriesTruth;
  files: AsyncIterable<SeriesFile>;
  /** Files that are not part of any good series, with what an ingest should do with them. */
  garbage: GarbageFile[];
  /** Other files that are not images of the main series (DICOMDIR, the zip itself). */
  notes: string[];
}

export interface FixtureCase {
  description: string;
  build(size: CaseSize): Promise<FixtureCaseResult>;
}

function sized(size: CaseSize): CtSeriesOptions {
  const out: CtSeriesOptions = {};
  if (size.slices !== undefined) out.slices = size.slices;
  if (size.columns !== undefined) out.columns = size.columns;
  if (size.rows !== undefined) out.rows = size.rows;
  return out;
}

function slicesOf(size: CaseSize): number {
  return size.slices ?? 40;
}

/** A case that is one series made with these options. */
function series(description: string, options: (size: CaseSize) => CtSeriesOptions): FixtureCase {
  return {
    description,
    async build(size) {
      // Size overrides win, so even bench-512 can be made small for a quick check.
      const { truth, files } = streamCtSeries({ ...options(size), ...sized(size) });
      return { truth, files, garbage: [], notes: [] };
    },
  };
}

async function* fromArray(files: SeriesFile[]): AsyncGenerator<SeriesFile> {
  yield* files;
}

export const FIXTURE_CASES: Record<string, FixtureCase> = {
  plain: series('Explicit VR little endian, signed pixels, axial, 64x64x40 at 4x4x2 mm', () => ({ seed: 101 })),
  implicit: series('Implicit VR little endian', () => ({ transferSyntax: TransferSyntax.ImplicitVRLittleEndian, seed: 102 })),
  jpeg2000: series('JPEG 2000 lossless, unsigned pixels with intercept -1024', () => ({
    transferSyntax: TransferSyntax.JPEG2000Lossless,
    seed: 103,
  })),
  'jpeg2000-signed': series('JPEG 2000 lossless of signed pixels', () => ({
    transferSyntax: TransferSyntax.JPEG2000Lossless,
    pixelRepresentation: 1,
    seed: 104,
  })),
  jpegls: series('JPEG-LS lossless, unsigned 12-bit pixels', () => ({ transferSyntax: TransferSyntax.JPEGLSLossless, seed: 105 })),
  jpeglossless: series('JPEG Lossless process 14 SV1, 12-bit precision', () => ({
    transferSyntax: TransferSyntax.JPEGLosslessSV1,
    seed: 106,
  })),
  'jpeglossless-signed': series('JPEG Lossless SV1 of signed pixels (16-bit precision)', () => ({
    transferSyntax: TransferSyntax.JPEGLosslessSV1,
    pixelRepresentation: 1,
    seed: 107,
  })),
  rle: series('RLE lossless', () => ({ transferSyntax: TransferSyntax.RLELossless, seed: 108 })),
  deflate: series('Deflated explicit VR little endian', () => ({
    transferSyntax: TransferSyntax.DeflatedExplicitVRLittleEndian,
    seed: 109,
  })),
  bigendian: series('Explicit VR big endian (retired syntax, still in old archives)', () => ({
    transferSyntax: TransferSyntax.ExplicitVRBigEndian,
    seed: 110,
  })),
  'raw-no-preamble': series('Implicit VR little endian dataset with no preamble, DICM or meta header', () => ({
    transferSyntax: TransferSyntax.ImplicitVRLittleEndian,
    part10: false,
    fileNaming: 'no-extension',
    seed: 111,
  })),
  tilt: series('Gantry tilt 15 degrees: tilted IOP, positions stepping along z (sheared grid)', () => ({
    gantryTiltDeg: 15,
    seed: 112,
  })),
  missing: series('Two adjacent slices missing a third of the way up', (size) => {
    const k = Math.floor(slicesOf(size) / 3);
    return { missingSliceIndices: [k, k + 1], seed: 113 };
  }),
  duplicates: series('Two slices written twice with new SOPInstanceUIDs', (size) => ({
    duplicateSliceIndices: [1, Math.floor(slicesOf(size) / 2)],
    seed: 114,
  })),
  uneven: series('Slice gaps 1.5x larger in the upper half of the stack', () => ({ unevenSpacing: true, seed: 115 })),
  multiframe: series('Enhanced CT, all slices as frames of one file', () => ({ multiframe: true, seed: 116 })),
  'multiframe-jpeg2000': series('Enhanced CT multi-frame in JPEG 2000 (one fragment per frame, offset table)', () => ({
    multiframe: true,
    transferSyntax: TransferSyntax.JPEG2000Lossless,
    seed: 117,
  })),
  localizer: series('A coronal LOCALIZER image in the same series', () => ({ includeLocalizer: true, seed: 118 })),
  mr: series('MR Image Storage (not CT): no rescale', () => ({ modality: 'MR', seed: 119 })),
  sagittal: series('Sagittal slices, non-square pixels (3 mm rows along z, 4 mm columns along y)', () => ({
    orientation: 'sagittal',
    pixelSpacingMm: [3, 4],
    seed: 120,
  })),
  coronal: series('Coronal slices', () => ({ orientation: 'coronal', seed: 121 })),
  oblique: series('Oblique plane (15 deg about z, 20 deg about x), non-square pixels', () => ({
    orientation: 'oblique',
    pixelSpacingMm: [3.5, 4],
    seed: 122,
  })),
  padding: series('Pixel padding -2000 outside the circular field of view', () => ({
    pixelPaddingValue: -2000,
    seed: 123,
  })),
  'padding-unsigned': series('Unsigned pixels, padding 0 (= -1024 HU after rescale) outside the FOV', () => ({
    pixelRepresentation: 0,
    pixelPaddingValue: 0,
    seed: 124,
  })),
  shuffled: series('Files in random order with random nested names and no extension', () => ({
    shuffleFileOrder: true,
    fileNaming: 'random',
    seed: 125,
  })),
  'second-acquisition': series('Every slice twice: AcquisitionNumber 1 and 2 (+100 HU)', () => ({
    secondAcquisition: true,
    seed: 126,
  })),
  'mixed-sizes': series('Two slices also present at half matrix size', (size) => ({
    mixedSizeSliceIndices: [2, Math.floor(slicesOf(size) / 2)],
    seed: 127,
  })),
  'rescale-slope': series('Unsigned pixels with RescaleSlope 2, intercept -1024', () => ({
    pixelRepresentation: 0,
    bitsStored: 12,
    rescaleSlope: 2,
    rescaleIntercept: -1024,
    seed: 128,
  })),
  dicomdir: {
    description: 'A CD-style export: DICOMDIR at the root, images under DICOM/ with no extension',
    async build(size) {
      const s = await makeCtSeries({ ...sized(size), fileNaming: 'no-extension', pathPrefix: 'DICOM/', seed: 129 });
      const dir = makeDicomdir([s]);
      return { truth: s.truth, files: fromArray([dir, ...s.files]), garbage: [], notes: [`${dir.path}: DICOMDIR (no image)`] };
    },
  },
  'garbage-mix': {
    description: 'A good series under series/ plus junk: random bytes, text, empty, truncated and corrupt files',
    async build(size) {
      const s = await makeCtSeries({ ...sized(size), pathPrefix: 'series/', seed: 130 });
      const garbage = await makeGarbage({ pathPrefix: 'junk/' });
      return {
        truth: s.truth,
        files: fromArray([...s.files, ...garbage.map(({ path, bytes }) => ({ path, bytes }))]),
        garbage,
        notes: [],
      };
    },
  },
  zip: {
    description: 'The series in one zip file (study.zip) with nested random names',
    async build(size) {
      const s = await makeCtSeries({ ...sized(size), fileNaming: 'random', pathPrefix: 'export/', seed: 131 });
      const zip = { path: 'study.zip', bytes: zipFiles(s.files) };
      return { truth: s.truth, files: fromArray([zip]), garbage: [], notes: ['study.zip holds the series; truth paths are inside it'] };
    },
  },
  'bench-512': series('512x512x300, 0.7 mm pixels, 1 mm slices, uncompressed: for load-time benchmarks', () => ({
    columns: 512,
    rows: 512,
    slices: 300,
    pixelSpacingMm: [0.7, 0.7],
    sliceSpacingMm: 1,
    seed: 132,
  })),
};
