/**
 * Tests of the fixture generator itself: every case must be real DICOM that dicom-parser (the
 * parser Cornerstone uses) reads, every compressed frame must decode with an independent
 * decoder to exactly the stored values the phantom implies at that pixel's patient position,
 * and the truth must describe the files. Sizes are small to keep the run short.
 */
import dicomParser from 'dicom-parser';
import { Decoder as JpegLosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { inflateSync, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { voxelToPatientMm, type Vec3 } from '../../core/volume';
import { formatDS, TransferSyntax, writeDicom, type DicomElement } from './dicomWriter';
import { FIXTURE_CASES, type FixtureCaseResult } from './fixtureCases';
import { fovRadiusMm } from './frameRenderer';
import { encodeJpegLosslessFrame } from './jpegLosslessEncoder';
import { BEAD_DISTANCE_MM, BEADS, distanceToNearestSurfaceMm, HU, sampleHU } from './phantom';
import { makeRandom } from './random';
import { encodeRleFrame16 } from './rleEncoder';
import {
  expectedVoxelValue,
  makeCtSeries,
  secondAcquisitionHU,
  type ImageTruth,
  type SeriesFile,
  type SeriesTruth,
} from './syntheticSeries';
import { loadCharls, loadOpenJpeg, runDecoder } from './wasmCodecs';
// Cornerstone's own decoders for the two syntaxes it decodes in JavaScript (not exported by the
// package, so imported by file; the WASM decoders are the codec packages tested above).
import cornerstoneDecodeRLE from '../../../node_modules/@cornerstonejs/dicom-image-loader/dist/esm/shared/decoders/decodeRLE.js';
import cornerstoneDecodeJPEGLossless from '../../../node_modules/@cornerstonejs/dicom-image-loader/dist/esm/shared/decoders/decodeJPEGLossless.js';

type DataSet = ReturnType<typeof dicomParser.parseDicom>;

const SLICES = 8;

async function collect(result: FixtureCaseResult): Promise<SeriesFile[]> {
  const files: SeriesFile[] = [];
  for await (const f of result.files) files.push(f);
  return files;
}

function parse(bytes: Uint8Array, truth?: SeriesTruth): DataSet {
  const options = truth && !truth.part10 ? { TransferSyntaxUID: truth.transferSyntaxUID } : undefined;
  // dicom-parser inflates a deflated dataset with Node's zlib only when given a Buffer (in the
  // browser it uses pako, or an `inflater` option); a plain Uint8Array fails there, not here.
  const input = truth?.transferSyntaxUID === TransferSyntax.DeflatedExplicitVRLittleEndian ? Buffer.from(bytes) : bytes;
  return dicomParser.parseDicom(input, options);
}

function numbers(ds: DataSet, tag: string): number[] {
  const s = ds.string(tag);
  if (s === undefined) throw new Error(`missing ${tag}`);
  return s.split('\\').map(Number);
}

/** Plane geometry of frame `f`: top level for single-frame, functional groups for Enhanced CT. */
function framePlane(ds: DataSet, f: number): { ipp: Vec3; iop: number[]; spacing: number[]; slope: number; intercept: number } {
  const perFrame = ds.elements.x52009230?.items;
  if (perFrame) {
    const shared = ds.elements.x52009229.items![0].dataSet!;
    const frame = perFrame[f].dataSet!;
    const orient = shared.elements.x00209116.items![0].dataSet!;
    const measures = shared.elements.x00289110.items![0].dataSet!;
    const transform = shared.elements.x00289145.items![0].dataSet!;
    const position = frame.elements.x00209113.items![0].dataSet!;
    return {
      ipp: numbers(position, 'x00200032') as Vec3,
      iop: numbers(orient, 'x00200037'),
      spacing: numbers(measures, 'x00280030'),
      slope: Number(transform.string('x00281053')),
      intercept: Number(transform.string('x00281052')),
    };
  }
  const hasRescale = ds.string('x00281053') !== undefined;
  return {
    ipp: numbers(ds, 'x00200032') as Vec3,
    iop: numbers(ds, 'x00200037'),
    spacing: numbers(ds, 'x00280030'),
    slope: hasRescale ? Number(ds.string('x00281053')) : 1,
    intercept: hasRescale ? Number(ds.string('x00281052')) : 0,
  };
}

/** What the stored values of frame `f` must be, computed from the file's own header and the phantom. */
function expectedFrame(ds: DataSet, f: number, role: ImageTruth['role'], truth: SeriesTruth): Int32Array {
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const { ipp, iop, spacing, slope, intercept } = framePlane(ds, f);
  const padding = ds.elements.x00280120 ? (ds.uint16('x00280103') === 1 ? ds.int16('x00280120')! : ds.uint16('x00280120')!) : undefined;
  const out = new Int32Array(rows * columns);
  const radius = fovRadiusMm({ columns, rows, pixelSpacingMm: spacing as [number, number] });
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const dx = (c - (columns - 1) / 2) * spacing[1];
      const dy = (r - (rows - 1) / 2) * spacing[0];
      if (padding !== undefined && dx * dx + dy * dy > radius * radius) {
        out[i] = padding;
        continue;
      }
      const a = c * spacing[1];
      const b = r * spacing[0];
      let hu = sampleHU(ipp[0] + a * iop[0] + b * iop[3], ipp[1] + a * iop[1] + b * iop[4], ipp[2] + a * iop[2] + b * iop[5]);
      if (role === 'second-acquisition') hu = secondAcquisitionHU(hu);
      if (truth.modality === 'MR') hu += 1024;
      out[i] = (hu - intercept) / slope;
    }
  }
  return out;
}

/** RLE decoder written from PS3.5 Annex G, independent of the encoder. */
function decodeRle16(frame: Uint8Array, pixels: number): Uint16Array {
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = header.getUint32(0, true);
  expect(segments).toBe(2);
  const out = new Uint16Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : frame.length;
    const shift = s === 0 ? 8 : 0;
    let o = 0;
    let i = start;
    while (i < end && o < pixels) {
      const n = (frame[i++] << 24) >> 24; // int8
      if (n >= 0) {
        for (let k = 0; k <= n; k++) out[o++] |= frame[i++] << shift;
      } else if (n !== -128) {
        const v = frame[i++];
        for (let k = 0; k < 1 - n; k++) out[o++] |= v << shift;
      }
    }
    expect(o).toBe(pixels);
  }
  return out;
}

function asStored(bytes: Uint8Array, signed: boolean): Int16Array | Uint16Array {
  const copy = new Uint8Array(bytes); // a fresh buffer (Buffer#slice would share Node's pool)
  return signed ? new Int16Array(copy.buffer, 0, copy.length / 2) : new Uint16Array(copy.buffer, 0, copy.length / 2);
}

/** Decoded stored values of every frame, by the transfer syntax of the file. */
async function decodeFrames(ds: DataSet, truth: SeriesTruth): Promise<(Int16Array | Uint16Array)[]> {
  const ts = truth.transferSyntaxUID;
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const signed = ds.uint16('x00280103') === 1;
  const frames = Number(ds.string('x00280008') ?? '1');
  const pixelData = ds.elements.x7fe00010;
  const frameBytes = rows * columns * 2;
  const out: (Int16Array | Uint16Array)[] = [];
  for (let f = 0; f < frames; f++) {
    if (!pixelData.encapsulatedPixelData) {
      expect(pixelData.length).toBe(frameBytes * frames);
      const raw = ds.byteArray.slice(pixelData.dataOffset + f * frameBytes, pixelData.dataOffset + (f + 1) * frameBytes);
      if (ts === TransferSyntax.ExplicitVRBigEndian) {
        for (let i = 0; i < raw.length; i += 2) [raw[i], raw[i + 1]] = [raw[i + 1], raw[i]];
      }
      out.push(asStored(raw, signed));
      continue;
    }
    // As Cornerstone reads frames: through the Basic Offset Table when it has entries.
    const hasOffsets = (pixelData.basicOffsetTable?.length ?? 0) > 0;
    expect(hasOffsets).toBe(frames > 1);
    const compressed = hasOffsets
      ? dicomParser.readEncapsulatedImageFrame(ds, pixelData, f)
      : dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixelData, f, 1);
    const bytes = new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.length).slice();
    if (ts === TransferSyntax.RLELossless) {
      const words = decodeRle16(bytes, rows * columns);
      out.push(signed ? new Int16Array(words.buffer) : words);
    } else if (ts === TransferSyntax.JPEGLosslessSV1) {
      const decoded = new JpegLosslessDecoder().decode(bytes.buffer, 0, bytes.length, 2) as Uint16Array;
      out.push(signed ? new Int16Array(decoded.buffer, decoded.byteOffset, decoded.length) : decoded);
    } else if (ts === TransferSyntax.JPEGLSLossless) {
      const { bytes: d, frameInfo } = runDecoder(new (await loadCharls()).JpegLSDecoder(), bytes);
      expect([frameInfo.width, frameInfo.height]).toEqual([columns, rows]);
      out.push(asStored(d, signed));
    } else if (ts === TransferSyntax.JPEG2000Lossless) {
      const { bytes: d, frameInfo } = runDecoder(new (await loadOpenJpeg()).J2KDecoder(), bytes);
      expect([frameInfo.width, frameInfo.height]).toEqual([columns, rows]);
      out.push(asStored(d, signed));
    } else {
      throw new Error(`unexpected encapsulated syntax ${ts}`);
    }
  }
  return out;
}

function expectFrameEqual(actual: Int16Array | Uint16Array, expected: Int32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      if (first < 0) first = i;
      mismatches++;
    }
  }
  expect(mismatches, `${what}: first mismatch at ${first}: ${actual[first]} != ${expected[first]}`).toBe(0);
}

/** File Meta Information Group Length must count exactly the meta elements after it. */
function expectMetaGroupLength(ds: DataSet, bytes: Uint8Array, isDirectory = false): void {
  const groupLength = ds.elements.x00020000;
  expect(groupLength).toBeDefined();
  const metaEnd = Math.max(
    ...Object.values(ds.elements)
      .filter((el) => el.tag.startsWith('x0002'))
      .map((el) => el.dataOffset + el.length),
  );
  expect(ds.uint32('x00020000')).toBe(metaEnd - (groupLength.dataOffset + 4));
  expect(String.fromCharCode(...bytes.slice(128, 132))).toBe('DICM');
  expect(ds.string('x00020001')).toBeDefined();
  if (!isDirectory) {
    expect(ds.string('x00020002')).toBe(ds.string('x00080016'));
    expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
  }
  expect(ds.string('x00020012')).toMatch(/^2\.25\.\d+$/);
}

/** Checks every image file of a series against the truth, including every decoded pixel. */
async function checkSeriesFiles(files: SeriesFile[], truth: SeriesTruth): Promise<void> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  expect(new Set(truth.images.map((im) => im.path))).toEqual(new Set(files.map((f) => f.path)));
  for (const im of truth.images) {
    const bytes = byPath.get(im.path)!.bytes;
    expect(bytes.length % 2, `${im.path} has even length`).toBe(0);
    const ds = parse(bytes, truth);
    if (truth.part10) {
      expectMetaGroupLength(ds, bytes);
      expect(ds.string('x00020010')).toBe(truth.transferSyntaxUID);
    } else {
      expect(String.fromCharCode(...bytes.slice(128, 132))).not.toBe('DICM');
      expect(ds.elements.x00020010?.dataOffset).toBeUndefined(); // no meta group in the file
    }
    expect(ds.string('x00080018')).toBe(im.sopInstanceUID);
    expect(ds.string('x0020000e')).toBe(truth.seriesInstanceUID);
    expect(ds.string('x0020000d')).toBe(truth.studyInstanceUID);
    expect(ds.string('x00080060')).toBe(truth.modality);
    expect(ds.intString('x00200013')).toBe(im.instanceNumber);
    expect([ds.uint16('x00280011'), ds.uint16('x00280010')]).toEqual([im.columns, im.rows]);
    expect(ds.uint16('x00280100')).toBe(16);
    expect(ds.uint16('x00280101')).toBe(truth.pixel.bitsStored);
    expect(ds.uint16('x00280103')).toBe(truth.pixel.pixelRepresentation);
    const imageType = ds.string('x00080008')!;
    expect(imageType.includes('LOCALIZER')).toBe(im.role === 'localizer');

    const frames = await decodeFrames(ds, truth);
    expect(frames.length).toBe(im.frames);
    if (truth.multiframe && im.role === 'slice') {
      const written = truth.slices.filter((s) => s.written);
      written.forEach((s, f) => expect(framePlane(ds, f).ipp).toEqual(s.positionMm));
    } else if (im.sliceIndex !== null) {
      expect(framePlane(ds, 0).ipp).toEqual(truth.slices[im.sliceIndex].positionMm);
      expect(framePlane(ds, 0).iop).toEqual(truth.imageOrientationPatient);
    }
    frames.forEach((frame, f) => expectFrameEqual(frame, expectedFrame(ds, f, im.role, truth), `${im.path} frame ${f}`));
  }
}

const EXPECTED_WARNINGS: Record<string, string[]> = {
  tilt: ['gantry-tilt'],
  missing: ['missing-slices'],
  duplicates: ['duplicates'],
  uneven: ['uneven-spacing'],
  localizer: ['localizer-excluded'],
  mr: ['not-ct'],
  'second-acquisition': ['multiple-acquisitions'],
  'mixed-sizes': ['mixed-sizes'],
};

describe('fixture cases', () => {
  const names = Object.keys(FIXTURE_CASES);

  it.each(names)('%s: parses, decodes bit-exactly to the phantom, matches its truth', async (name) => {
    const size = name === 'bench-512' ? { slices: 2 } : { slices: SLICES };
    const result = await FIXTURE_CASES[name].build(size);
    let files = await collect(result);
    const { truth } = result;
    expect(truth.warnings.sort()).toEqual((EXPECTED_WARNINGS[name] ?? []).sort());

    if (name === 'zip') {
      expect(files.map((f) => f.path)).toEqual(['study.zip']);
      const entries = unzipSync(files[0].bytes);
      files = Object.entries(entries).map(([path, bytes]) => ({ path, bytes }));
    }
    if (name === 'dicomdir') {
      const dir = files.find((f) => f.path === 'DICOMDIR')!;
      checkDicomdir(dir.bytes, truth);
      files = files.filter((f) => f !== dir);
    }
    const junk = new Set(result.garbage.map((g) => g.path));
    await checkSeriesFiles(files.filter((f) => !junk.has(f.path)), truth);
    if (result.garbage.length > 0) await checkGarbage(result);

    if (name === 'bench-512') {
      expect(truth.geometry.dimensions).toEqual([512, 512, 2]);
      expect(truth.geometry.spacingMm).toEqual([0.7, 0.7, 1]);
    }
  });
});

function checkDicomdir(bytes: Uint8Array, truth: SeriesTruth): void {
  const ds = parse(bytes);
  expectMetaGroupLength(ds, bytes, true);
  expect(ds.string('x00020002')).toBe('1.2.840.10008.1.3.10');
  expect(ds.elements.x7fe00010).toBeUndefined();
  const records = ds.elements.x00041220.items!;
  expect(records.map((r) => r.dataSet!.string('x00041430'))).toEqual([
    'PATIENT',
    'STUDY',
    'SERIES',
    ...truth.images.map(() => 'IMAGE'),
  ]);
  // Every offset must land on an item tag (FFFE,E000) of the right record.
  const offsetOf = new Map(records.map((r, i) => [r.dataOffset - 8, i]));
  const root = ds.uint32('x00041200')!;
  expect(offsetOf.get(root)).toBe(0);
  for (const r of records) {
    for (const tag of ['x00041400', 'x00041420']) {
      const offset = r.dataSet!.uint32(tag)!;
      if (offset !== 0) expect(Array.from(bytes.slice(offset, offset + 4))).toEqual([0xfe, 0xff, 0x00, 0xe0]);
    }
  }
  const imageRecords = records.slice(3).map((r) => r.dataSet!);
  expect(imageRecords.map((r) => r.string('x00041511'))).toEqual(truth.images.map((im) => im.sopInstanceUID));
  expect(imageRecords[0].string('x00041500')).toBe(truth.images[0].path.replace(/\//g, '\\'));
}

async function checkGarbage(result: FixtureCaseResult): Promise<void> {
  for (const g of result.garbage) {
    if (g.expect === 'skip') {
      expect(() => dicomParser.parseDicom(g.bytes), g.kind).toThrow();
      continue;
    }
    // corrupt-jpeg2000: a well-formed file whose codestream does not decode to its 64 x 64 frame.
    const ds = dicomParser.parseDicom(g.bytes);
    expect(ds.string('x00020010')).toBe(TransferSyntax.JPEG2000Lossless);
    const frame = dicomParser.readEncapsulatedPixelDataFromFragments(ds, ds.elements.x7fe00010, 0, 1);
    const copy = new Uint8Array(frame.buffer, frame.byteOffset, frame.length).slice();
    let decodedPixels = 0;
    try {
      decodedPixels = runDecoder(new (await loadOpenJpeg()).J2KDecoder(), copy).bytes.length / 2;
    } catch {
      decodedPixels = -1;
    }
    expect(decodedPixels).not.toBe(ds.uint16('x00280010')! * ds.uint16('x00280011')!);
  }
}

describe("Cornerstone's dicom-image-loader decoders", () => {
  it.each([
    ['rle', cornerstoneDecodeRLE],
    ['jpeglossless', cornerstoneDecodeJPEGLossless],
    ['jpeglossless-signed', cornerstoneDecodeJPEGLossless],
  ] as const)('%s frames decode to the phantom', async (name, decode) => {
    const result = await FIXTURE_CASES[name].build({ slices: 2 });
    const files = await collect(result);
    for (const [i, file] of files.entries()) {
      const ds = parse(file.bytes);
      const compressed = dicomParser.readEncapsulatedPixelDataFromFragments(ds, ds.elements.x7fe00010, 0, 1);
      const imageFrame = {
        rows: ds.uint16('x00280010'),
        columns: ds.uint16('x00280011'),
        bitsAllocated: 16,
        samplesPerPixel: 1,
        pixelRepresentation: ds.uint16('x00280103'),
      };
      const decoded = await decode(imageFrame as never, new Uint8Array(compressed));
      const pixels = decoded.pixelData as Int16Array | Uint16Array;
      expect(pixels instanceof (result.truth.pixel.pixelRepresentation === 1 ? Int16Array : Uint16Array)).toBe(true);
      expectFrameEqual(pixels, expectedFrame(ds, 0, result.truth.images[i].role, result.truth), `${name} ${file.path}`);
    }
  });
});

describe('series truth', () => {
  it('default grid: 64x64x40 at 4x4x2 mm centred so both beads are on voxel centres, 80 mm apart', async () => {
    const { truth } = await makeCtSeries({ slices: 40 });
    const g = truth.geometry;
    expect(g.dimensions).toEqual([64, 64, 40]);
    expect(g.spacingMm).toEqual([4, 4, 2]);
    expect(g.originMm).toEqual([-128, -128, -40]);
    expect(g.direction).toEqual({ column: [1, 0, 0], row: [0, 1, 0], slice: [0, 0, 1] });
    expect(truth.huRange).toEqual([HU.air, HU.bead]);
    for (const bead of BEADS) {
      const index = bead.centerMm.map((x, i) => (x - g.originMm[i]) / g.spacingMm[i]);
      index.forEach((v) => expect(Number.isInteger(v)).toBe(true));
      expect(voxelToPatientMm(g, index[0], index[1], index[2])).toEqual(bead.centerMm);
      expect(expectedVoxelValue(truth, index[0], index[1], index[2])).toBe(HU.bead);
    }
    const [a, b] = truth.beads;
    expect(Math.hypot(...a.centerMm.map((x, i) => x - b.centerMm[i]))).toBe(BEAD_DISTANCE_MM);
    expect(truth.beadDistanceMm).toBe(80);
  });

  it('the orientation marker sits only in the Left-Anterior-Superior octant', () => {
    expect(sampleHU(32, -32, 20)).toBe(HU.marker);
    expect(sampleHU(-32, -32, 20)).toBe(HU.water); // mirrored left-right
    expect(sampleHU(32, 32, 20)).toBe(HU.water); // mirrored anterior-posterior
    expect(sampleHU(32, -32, -20)).toBe(HU.water); // mirrored superior-inferior
    expect(sampleHU(0, 60, 500)).toBe(HU.bone);
    expect(sampleHU(0, 130, 0)).toBe(HU.air);
    expect(distanceToNearestSurfaceMm(0, 0, 0)).toBeGreaterThan(1);
    expect(distanceToNearestSurfaceMm(120, 0, 0)).toBe(0);
  });

  it('uniform grids: truth positions follow voxelToPatientMm of src/core/volume', async () => {
    for (const orientation of ['axial', 'sagittal', 'coronal', 'oblique'] as const) {
      const { truth } = await makeCtSeries({ orientation, slices: 4, columns: 8, rows: 6, pixelSpacingMm: [3, 5] });
      const g = truth.geometry;
      truth.slices.forEach((s, k) => {
        const p = voxelToPatientMm(g, 0, 0, k);
        p.forEach((x, i) => expect(x).toBeCloseTo(s.positionMm[i], 6));
      });
      // The slice direction is the plane normal: orthogonal to rows and columns.
      const dot = (u: Vec3, v: Vec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
      expect(dot(g.direction.slice, g.direction.column)).toBeCloseTo(0, 6);
      expect(dot(g.direction.slice, g.direction.row)).toBeCloseTo(0, 6);
    }
  });

  it('gantry tilt: the column cosine is tilted, positions step along z only, the grid is sheared', async () => {
    const { truth, files } = await makeCtSeries({ gantryTiltDeg: 15, slices: 4 });
    const t = (15 * Math.PI) / 180;
    const tilted = [1, 0, 0, 0, Math.cos(t), -Math.sin(t)];
    truth.imageOrientationPatient.forEach((x, i) => expect(x).toBeCloseTo(tilted[i], 12));
    expect(truth.sheared).toBe(true);
    for (let k = 1; k < truth.slices.length; k++) {
      const step = truth.slices[k].positionMm.map((x, i) => x - truth.slices[k - 1].positionMm[i]);
      expect(step[0]).toBeCloseTo(0, 9);
      expect(step[1]).toBeCloseTo(0, 9);
      expect(step[2]).toBeCloseTo(2, 9);
    }
    const ds = parse(files[0].bytes);
    expect(Number(ds.string('x00181120'))).toBe(15);
  });

  it('missing, duplicate, uneven and mixed-size slices are recorded per image', async () => {
    const { truth } = await makeCtSeries({
      slices: 10,
      missingSliceIndices: [4],
      duplicateSliceIndices: [2],
      mixedSizeSliceIndices: [6],
      unevenSpacing: true,
    });
    expect(truth.slices.filter((s) => !s.written).map((s) => s.index)).toEqual([4]);
    expect(truth.writtenSliceCount).toBe(9);
    expect(truth.images.filter((im) => im.role === 'duplicate').map((im) => im.sliceIndex)).toEqual([2]);
    const mixed = truth.images.find((im) => im.role === 'mixed-size')!;
    expect([mixed.columns, mixed.rows]).toEqual([32, 32]);
    const gaps = truth.slices.slice(1).map((s, k) => s.offsetMm - truth.slices[k].offsetMm);
    expect(gaps).toEqual([2, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(truth.uniformSpacing).toBe(false);
    expect(truth.warnings).toEqual(['missing-slices', 'duplicates', 'uneven-spacing', 'mixed-sizes']);
    await expect(makeCtSeries({ slices: 5, missingSliceIndices: [0] })).rejects.toThrow(/interior/);
  });

  it('instance numbers run from the superior slice down by default', async () => {
    const { truth } = await makeCtSeries({ slices: 5 });
    const bySlice = truth.images.map((im) => [im.sliceIndex, im.instanceNumber]);
    expect(bySlice).toEqual([[0, 5], [1, 4], [2, 3], [3, 2], [4, 1]]);
  });

  it('is deterministic for a seed and different across seeds', async () => {
    const a = await makeCtSeries({ slices: 2, seed: 5 });
    const b = await makeCtSeries({ slices: 2, seed: 5 });
    const c = await makeCtSeries({ slices: 2, seed: 6 });
    expect(a.files.map((f) => f.bytes)).toEqual(b.files.map((f) => f.bytes));
    expect(c.truth.seriesInstanceUID).not.toBe(a.truth.seriesInstanceUID);
  });

  it('refuses a rescale that cannot hold the phantom exactly', async () => {
    await expect(makeCtSeries({ slices: 1, rescaleSlope: 3 })).rejects.toThrow(/not exactly representable/);
  });
});

describe('dicomWriter', () => {
  const base: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.3' }, // odd length: padded with NUL
    { tag: 0x00080018, vr: 'UI', value: '1.2.34' },
    { tag: 0x00100010, vr: 'PN', value: 'ABC' }, // padded with space
    { tag: 0x00280010, vr: 'US', value: [2] },
  ];

  it('pads UI with NUL and text with space, sorts elements, and writes SQ of both lengths', () => {
    const item = [{ tag: 0x00080100, vr: 'SH', value: 'X1' } as DicomElement];
    const bytes = writeDicom(
      [
        { tag: 0x00400555, vr: 'SQ', value: [item, item], undefinedLength: true },
        ...base,
        { tag: 0x00082218, vr: 'SQ', value: [item] },
      ],
      { transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian },
    );
    const ds = dicomParser.parseDicom(bytes);
    const uid = ds.elements.x00080016;
    expect(uid.length).toBe(6);
    expect(bytes[uid.dataOffset + 5]).toBe(0);
    const pn = ds.elements.x00100010;
    expect(bytes[pn.dataOffset + 3]).toBe(0x20);
    expect(ds.elements.x00400555.hadUndefinedLength).toBe(true);
    expect(ds.elements.x00400555.items!.map((i) => i.dataSet!.string('x00080100'))).toEqual(['X1', 'X1']);
    expect(ds.elements.x00082218.hadUndefinedLength).toBeFalsy();
    expect(ds.elements.x00082218.items![0].dataSet!.string('x00080100')).toBe('X1');
    const inFileOrder = Object.values(ds.elements).sort((x, y) => x.dataOffset - y.dataOffset).map((e) => e.tag);
    expect(inFileOrder).toEqual([...inFileOrder].sort());
  });

  it('deflates the dataset after the meta header as raw DEFLATE', () => {
    const bytes = writeDicom(base, { transferSyntaxUID: TransferSyntax.DeflatedExplicitVRLittleEndian });
    const meta = dicomParser.parseDicom(Buffer.from(bytes)).elements.x00020000;
    const datasetStart = meta.dataOffset + 4 + new DataView(bytes.buffer, bytes.byteOffset + meta.dataOffset, 4).getUint32(0, true);
    const inflated = inflateSync(bytes.slice(datasetStart));
    const plain = writeDicom(base, { transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian, part10: false });
    expect(inflated).toEqual(plain);
  });

  it('writes big endian numbers and swaps 16-bit words', () => {
    const bytes = writeDicom([...base, { tag: 0x7fe00010, vr: 'OW', value: new Int16Array([-1000, 2]) }], {
      transferSyntaxUID: TransferSyntax.ExplicitVRBigEndian,
    });
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.uint16('x00280010')).toBe(2);
    const px = ds.elements.x7fe00010;
    expect(Array.from(bytes.slice(px.dataOffset, px.dataOffset + 4))).toEqual([0xfc, 0x18, 0x00, 0x02]);
  });

  it('formats DS within 16 characters', () => {
    expect(formatDS(-128)).toBe('-128');
    expect(formatDS(0.1 + 0.2)).toBe('0.3');
    expect(formatDS(-0)).toBe('0');
    for (const x of [Math.PI * 1000, -Math.cos(1) * 123.456789, 1e-7 / 3]) {
      expect(formatDS(x).length).toBeLessThanOrEqual(16);
      expect(Number(formatDS(x))).toBeCloseTo(x, 9);
    }
  });
});

describe('encoders on hard inputs', () => {
  const random = makeRandom(42);
  const frames: [string, Uint16Array][] = [
    ['random 16-bit', Uint16Array.from({ length: 37 * 23 }, () => Math.floor(random() * 65536))],
    ['long runs and literals', Uint16Array.from({ length: 300 * 3 }, (_, i) => (i % 300 < 200 ? 7 : i * 31))],
    ['alternating extremes', Uint16Array.from({ length: 64 * 2 }, (_, i) => (i % 2 ? 0 : 0x8000))],
    ['one pixel', Uint16Array.from([0xffff])],
  ];
  const width = (name: string) => (name.startsWith('random') ? 37 : name.startsWith('long') ? 300 : name.startsWith('one') ? 1 : 64);

  it.each(frames)('RLE round-trips %s', (name, px) => {
    const w = width(name);
    expect(decodeRle16(encodeRleFrame16(px, w, px.length / w), px.length)).toEqual(px);
  });

  it.each(frames)('JPEG lossless (16-bit) round-trips %s through jpeg-lossless-decoder-js', (name, px) => {
    const w = width(name);
    const jpeg = encodeJpegLosslessFrame(px, w, px.length / w, { precision: 16 });
    const decoded = new JpegLosslessDecoder().decode(jpeg.buffer as ArrayBuffer, jpeg.byteOffset, jpeg.length, 2);
    expect(Uint16Array.from(decoded)).toEqual(px);
  });
});
