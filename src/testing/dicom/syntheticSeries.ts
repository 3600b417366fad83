/**
 * Synthetic CT (or MR) DICOM series of the phantom (phantom.ts), with every trap that real
 * studies set for an ingest: compressed and legacy transfer syntaxes, files without a Part 10
 * header, oblique and tilted geometry, missing, duplicate and unevenly spaced slices, a
 * localizer in the series, a second acquisition, mixed image sizes, padding outside the field
 * of view, shuffled files with meaningless names, and Enhanced CT multi-frame files.
 *
 * `makeCtSeries(options)` returns the files and a `truth` saying what a correct ingest must
 * produce: the grid the files describe (in src/core/volume.ts conventions), the HU range, the
 * bead positions and the warnings it should raise. Defaults make a small, fast series: 64 x 64
 * pixels of 4 mm (a 256 mm field of view that holds the whole 240 mm phantom) by 40 axial
 * slices 2 mm apart, centred on the phantom so both beads sit exactly on voxel centres.
 *
 * Same options and seed => byte-identical files (UIDs and names come from the seed).
 */
import type { Vec3, VolumeGeometry } from '../../core/volume';
import { isEncapsulated, TransferSyntax, writeDicom, type TransferSyntaxUID } from './dicomWriter';
import { renderFrame, storedRange, fovRadiusMm, isOutsideFov, type PixelEncoding } from './frameRenderer';
import {
  enhancedCtDataset,
  singleFrameDataset,
  SopClass,
  type ImageAttributes,
  type SeriesAttributes,
} from './imageDatasets';
import { BEAD_DISTANCE_MM, BEADS, HU, sampleHU, type Bead } from './phantom';
import { pixelDataElement } from './pixelDataEncoding';
import { makeRandom, makeUid, randomName, shuffle } from './random';
import {
  dsRoundTrip,
  ORIENTATIONS,
  pixelPositionMm,
  planGeometry,
  vec,
  type OrientationPreset,
  type PlannedGeometry,
} from './seriesGeometry';

export { makeDicomdir } from './dicomdir';
export { makeGarbage, type GarbageFile } from './garbage';
export { zipFiles } from './zip';

export interface SeriesFile {
  /** Relative path, '/'-separated, as in a dropped folder or a zip. */
  path: string;
  bytes: Uint8Array;
}

/** Short keywords for what an ingest should tell the user about this series. */
export type WarningKeyword =
  | 'missing-slices'
  | 'gantry-tilt'
  | 'duplicates'
  | 'localizer-excluded'
  | 'not-ct'
  | 'uneven-spacing'
  | 'mixed-sizes'
  | 'multiple-acquisitions';

/**
 * File names: 'numbered' IM0001.dcm...; 'no-extension' IM0001...; 'random' nested paths of
 * random characters with no extension (e.g. "k3/0q/x7f2mz"), as PACS exports write them.
 */
export type FileNaming = 'numbered' | 'no-extension' | 'random';

export interface CtSeriesOptions {
  columns?: number;
  rows?: number;
  /** Number of slices in the grid (missing slices included). */
  slices?: number;
  /** PixelSpacing [row spacing, column spacing], mm. Default [4, 4]. */
  pixelSpacingMm?: [number, number];
  /** Distance between consecutive slice positions, mm. Default 2. */
  sliceSpacingMm?: number;
  /** SliceThickness, mm; informative only. Default: the slice spacing. */
  sliceThicknessMm?: number;
  /** ImagePositionPatient of grid slice 0; default centres the grid on the phantom. */
  originMm?: Vec3;
  /** A preset or the 6 numbers of ImageOrientationPatient. Default 'axial'. */
  orientation?: OrientationPreset | number[];
  /** Gantry tilt in degrees (axial only): tilted image plane, positions stepping along z. */
  gantryTiltDeg?: number;
  transferSyntax?: TransferSyntaxUID;
  /** false: dataset only, no preamble/"DICM"/meta header. Default true. */
  part10?: boolean;
  /** Grid slices not written (interior indices only: a gap, not a shorter stack). */
  missingSliceIndices?: number[];
  /** Grid slices written twice (same position and pixels, another SOPInstanceUID). */
  duplicateSliceIndices?: number[];
  /** Preset uneven stack: the gaps in the upper half of the stack are 1.5x the slice spacing. */
  unevenSpacing?: boolean;
  /** Explicit slice positions along the stacking direction, mm (overrides the above). */
  sliceOffsetsMm?: number[];
  /** Add a scout image (ImageType ...\LOCALIZER, coronal) with the same SeriesInstanceUID. */
  includeLocalizer?: boolean;
  /** Default 'CT'. 'MR' writes MR Image Storage with no rescale (values = HU + 1024, unsigned). */
  modality?: 'CT' | 'MR';
  /** Default 1 (signed) for native syntaxes, 0 (unsigned) for compressed ones. */
  pixelRepresentation?: 0 | 1;
  /** Default 16 for signed, 12 for unsigned. BitsAllocated is always 16. */
  bitsStored?: number;
  /** Default 1. */
  rescaleSlope?: number;
  /** Default 0 for signed, -1024 for unsigned pixels. */
  rescaleIntercept?: number;
  /** Stored value for pixels outside the circular field of view (and the PixelPaddingValue tag). */
  pixelPaddingValue?: number;
  shuffleFileOrder?: boolean;
  fileNaming?: FileNaming;
  /** Folder prefix for every path, e.g. 'study/series1/'. */
  pathPrefix?: string;
  /** One Enhanced CT multi-frame file instead of one file per slice. */
  multiframe?: boolean;
  /** Default false: InstanceNumber 1 is the last slice along the stack (the superior one for
   * axial), as head-first scanners number them; true numbers along the stack. */
  instanceNumbersAlongNormal?: boolean;
  /** Write every slice again as AcquisitionNumber 2 ("post-contrast": +100 HU except air). */
  secondAcquisition?: boolean;
  /** Grid slices written once more at half the matrix (double pixel spacing, same plane,
   * another SOPInstanceUID), as when a series mixes two reconstructions. */
  mixedSizeSliceIndices?: number[];
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
  frameOfReferenceUID?: string;
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  manufacturer?: string;
  /** Seed for UIDs, names and shuffling. Default 1. */
  seed?: number;
}

export type ImageRole = 'slice' | 'duplicate' | 'second-acquisition' | 'mixed-size' | 'localizer';

export interface ImageTruth {
  path: string;
  role: ImageRole;
  /** Grid slice index (null for the localizer and the multi-frame file). */
  sliceIndex: number | null;
  frames: number;
  sopInstanceUID: string;
  instanceNumber: number;
  acquisitionNumber: number;
  columns: number;
  rows: number;
}

export interface SliceTruth {
  index: number;
  /** ImagePositionPatient as written. */
  positionMm: Vec3;
  /** Position along the stacking direction relative to slice 0, mm. */
  offsetMm: number;
  written: boolean;
}

export interface SeriesTruth {
  modality: 'CT' | 'MR';
  sopClassUID: string;
  transferSyntaxUID: string;
  part10: boolean;
  multiframe: boolean;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  metadata: {
    patientName: string;
    patientId: string;
    patientBirthDate: string;
    patientSex: string;
    studyDate: string;
    studyTime: string;
    studyDescription: string;
    seriesDescription: string;
    seriesNumber: number;
    manufacturer: string;
  };
  /**
   * The grid of the main stack as the files describe it: slice 0 is the first along the
   * stacking direction (normal = row cosine x column cosine; +z with gantry tilt, where the
   * direction vectors are not orthogonal). Missing slices are part of the grid. With uneven
   * spacing spacingMm[2] is the first gap; use `slices` for the real positions.
   */
  geometry: VolumeGeometry;
  imageOrientationPatient: number[];
  pixelSpacingMm: [number, number];
  slices: SliceTruth[];
  /** Distinct slice positions written for the main stack. */
  writtenSliceCount: number;
  uniformSpacing: boolean;
  gantryTiltDeg: number;
  sheared: boolean;
  pixel: PixelEncoding & { bitsAllocated: 16 };
  padding: { storedValue: number; fovRadiusMm: number } | null;
  /** Min/max HU over the main stack's non-padding voxels (CT only; null for MR). */
  huRange: [number, number] | null;
  /** Min/max stored value over the main stack (padding included). */
  storedRange: [number, number];
  beads: Bead[];
  beadDistanceMm: number;
  warnings: WarningKeyword[];
  images: ImageTruth[];
}

const DEFAULTS = {
  columns: 64,
  rows: 64,
  slices: 40,
  pixelSpacingMm: [4, 4] as [number, number],
  sliceSpacingMm: 2,
  patientName: 'PHANTOM^SPINELENS',
  patientId: 'SL-PHANTOM-001',
  patientBirthDate: '19700101',
  patientSex: 'O',
  studyDate: '20240115',
  studyTime: '093000',
  studyDescription: 'CT PHANTOM SPINE',
  manufacturer: 'SpineLens Fixtures',
};

function planeName(orientation: OrientationPreset | number[]): string {
  return typeof orientation === 'string' ? orientation.toUpperCase() : 'OBLIQUE';
}

/** What the HU become in the second acquisition: everything but air enhanced by 100 HU. */
export function secondAcquisitionHU(hu: number): number {
  return hu === HU.air ? hu : hu + 100;
}

interface PlannedImage {
  role: ImageRole;
  sliceIndex: number | null;
  sopInstanceUID: string;
  instanceNumber: number;
  acquisitionNumber: number;
  path: string;
}

interface SeriesPlan {
  options: CtSeriesOptions;
  transferSyntaxUID: TransferSyntaxUID;
  part10: boolean;
  geo: PlannedGeometry;
  series: SeriesAttributes;
  images: PlannedImage[];
  truth: SeriesTruth;
  dimensionOrganizationUID: string;
  irradiationEventUID: string;
}

function planSeries(options: CtSeriesOptions): SeriesPlan {
  const o = options;
  const random = makeRandom(o.seed ?? 1);
  const transferSyntaxUID = o.transferSyntax ?? TransferSyntax.ExplicitVRLittleEndian;
  const part10 = o.part10 ?? true;
  const columns = o.columns ?? DEFAULTS.columns;
  const rows = o.rows ?? DEFAULTS.rows;
  const slices = o.slices ?? DEFAULTS.slices;
  const sliceSpacingMm = o.sliceSpacingMm ?? DEFAULTS.sliceSpacingMm;
  const modality = o.modality ?? 'CT';
  const multiframe = o.multiframe ?? false;
  const gantryTiltDeg = o.gantryTiltDeg ?? 0;

  if (multiframe && (o.duplicateSliceIndices?.length || o.mixedSizeSliceIndices?.length || o.secondAcquisition)) {
    throw new Error('multiframe series do not model duplicates, mixed sizes or a second acquisition');
  }
  if (multiframe && modality !== 'CT') throw new Error('multiframe is Enhanced CT only');
  const missing = new Set(o.missingSliceIndices ?? []);
  for (const k of missing) {
    if (!(k > 0 && k < slices - 1)) throw new Error(`missing slice ${k} must be interior (1..${slices - 2})`);
  }

  // Pixel encoding: compressed syntaxes default to unsigned with intercept -1024, as scanners do.
  const pixelRepresentation = o.pixelRepresentation ?? (isEncapsulated(transferSyntaxUID) || modality === 'MR' ? 0 : 1);
  const pixel: PixelEncoding =
    modality === 'MR'
      ? { pixelRepresentation, bitsStored: o.bitsStored ?? 12, rescaleSlope: 1, rescaleIntercept: 0 }
      : {
          pixelRepresentation,
          bitsStored: o.bitsStored ?? (pixelRepresentation === 1 ? 16 : 12),
          rescaleSlope: o.rescaleSlope ?? 1,
          rescaleIntercept: o.rescaleIntercept ?? (pixelRepresentation === 1 ? 0 : -1024),
        };

  let sliceOffsetsMm = o.sliceOffsetsMm;
  if (!sliceOffsetsMm && o.unevenSpacing) {
    sliceOffsetsMm = [0];
    for (let k = 1; k < slices; k++) sliceOffsetsMm.push(sliceOffsetsMm[k - 1] + (k > slices / 2 ? 1.5 : 1) * sliceSpacingMm);
  }
  const geo = planGeometry({
    columns,
    rows,
    slices,
    pixelSpacingMm: o.pixelSpacingMm ?? DEFAULTS.pixelSpacingMm,
    sliceSpacingMm,
    sliceOffsetsMm,
    orientation: o.orientation ?? 'axial',
    gantryTiltDeg,
    originMm: o.originMm,
  });

  // Draw every UID whether or not it is overridden, so an override never shifts the others
  // (two series sharing a study UID must not end up with each other's UIDs).
  const drawn = Array.from({ length: 5 }, () => makeUid(random));
  const studyInstanceUID = o.studyInstanceUID ?? drawn[0];
  const seriesInstanceUID = o.seriesInstanceUID ?? drawn[1];
  const frameOfReferenceUID = o.frameOfReferenceUID ?? drawn[2];
  const dimensionOrganizationUID = drawn[3];
  const irradiationEventUID = drawn[4];
  const series: SeriesAttributes = {
    modality,
    studyInstanceUID,
    seriesInstanceUID,
    frameOfReferenceUID,
    patientName: o.patientName ?? DEFAULTS.patientName,
    patientId: o.patientId ?? DEFAULTS.patientId,
    patientBirthDate: o.patientBirthDate ?? DEFAULTS.patientBirthDate,
    patientSex: o.patientSex ?? DEFAULTS.patientSex,
    studyDate: o.studyDate ?? DEFAULTS.studyDate,
    studyTime: o.studyTime ?? DEFAULTS.studyTime,
    studyId: '1',
    accessionNumber: '',
    studyDescription: o.studyDescription ?? DEFAULTS.studyDescription,
    seriesDescription: o.seriesDescription ?? `${modality} ${planeName(o.orientation ?? 'axial')} ${sliceSpacingMm} MM PHANTOM`,
    seriesNumber: o.seriesNumber ?? 2,
    manufacturer: o.manufacturer ?? DEFAULTS.manufacturer,
    pixel,
    pixelPaddingValue: o.pixelPaddingValue,
    sliceThicknessMm: o.sliceThicknessMm ?? sliceSpacingMm,
    gantryTiltDeg,
  };

  // Images in write order before shuffling: the stack, then duplicates, second acquisition, localizer.
  const written = Array.from({ length: slices }, (_, k) => k).filter((k) => !missing.has(k));
  const alongNormal = o.instanceNumbersAlongNormal ?? false;
  const instanceOf = (k: number) => {
    const rank = written.indexOf(k);
    return alongNormal ? rank + 1 : written.length - rank;
  };
  const mixed = new Set(o.mixedSizeSliceIndices ?? []);
  const images: PlannedImage[] = [];
  const add = (role: ImageRole, sliceIndex: number | null, instanceNumber: number, acquisitionNumber: number) =>
    images.push({ role, sliceIndex, sopInstanceUID: makeUid(random), instanceNumber, acquisitionNumber, path: '' });
  if (multiframe) {
    add('slice', null, 1, 1);
  } else {
    for (const k of written) add('slice', k, instanceOf(k), 1);
    (o.duplicateSliceIndices ?? []).forEach((k, i) => {
      if (missing.has(k) || k < 0 || k >= slices) throw new Error(`duplicate slice ${k} is not written`);
      add('duplicate', k, written.length + 1 + i, 1);
    });
    [...mixed].forEach((k, i) => {
      if (missing.has(k) || k < 0 || k >= slices) throw new Error(`mixed-size slice ${k} is not written`);
      add('mixed-size', k, written.length + 101 + i, 1);
    });
    if (o.secondAcquisition) for (const k of written) add('second-acquisition', k, instanceOf(k), 2);
  }
  if (o.includeLocalizer) add('localizer', null, 0, 0);

  if (o.shuffleFileOrder) shuffle(images, random);
  const naming = o.fileNaming ?? 'numbered';
  const prefix = o.pathPrefix ?? '';
  const usedNames = new Set<string>();
  images.forEach((im, i) => {
    const n = String(i + 1).padStart(4, '0');
    let name = naming === 'numbered' ? `IM${n}.dcm` : naming === 'no-extension' ? `IM${n}` : '';
    while (name === '' || usedNames.has(name)) {
      name = `${randomName(random, 2)}/${randomName(random, 2)}/${randomName(random, 6)}`;
    }
    usedNames.add(name);
    im.path = prefix + name;
  });

  const warnings: WarningKeyword[] = [];
  if (missing.size > 0) warnings.push('missing-slices');
  if (gantryTiltDeg !== 0) warnings.push('gantry-tilt');
  if ((o.duplicateSliceIndices ?? []).length > 0) warnings.push('duplicates');
  if (o.includeLocalizer) warnings.push('localizer-excluded');
  if (modality !== 'CT') warnings.push('not-ct');
  if (!geo.uniformSpacing) warnings.push('uneven-spacing');
  if (mixed.size > 0) warnings.push('mixed-sizes');
  if (o.secondAcquisition) warnings.push('multiple-acquisitions');

  const truth: SeriesTruth = {
    modality,
    sopClassUID: multiframe ? SopClass.EnhancedCTImage : modality === 'CT' ? SopClass.CTImage : SopClass.MRImage,
    transferSyntaxUID,
    part10,
    multiframe,
    studyInstanceUID,
    seriesInstanceUID,
    frameOfReferenceUID,
    metadata: {
      patientName: series.patientName,
      patientId: series.patientId,
      patientBirthDate: series.patientBirthDate,
      patientSex: series.patientSex,
      studyDate: series.studyDate,
      studyTime: series.studyTime,
      studyDescription: series.studyDescription,
      seriesDescription: series.seriesDescription,
      seriesNumber: series.seriesNumber,
      manufacturer: series.manufacturer,
    },
    geometry: geo.geometry,
    imageOrientationPatient: geo.imageOrientationPatient,
    pixelSpacingMm: geo.pixelSpacingMm,
    slices: geo.slicePositionsMm.map((positionMm, index) => ({
      index,
      positionMm,
      offsetMm: geo.sliceOffsetsMm[index] - geo.sliceOffsetsMm[0],
      written: !missing.has(index),
    })),
    writtenSliceCount: written.length,
    uniformSpacing: geo.uniformSpacing,
    gantryTiltDeg,
    sheared: geo.sheared,
    pixel: { ...pixel, bitsAllocated: 16 },
    padding:
      o.pixelPaddingValue === undefined
        ? null
        : { storedValue: o.pixelPaddingValue, fovRadiusMm: fovRadiusMm({ columns, rows, pixelSpacingMm: geo.pixelSpacingMm }) },
    huRange: null,
    storedRange: [0, 0],
    beads: BEADS.map((b) => ({ ...b, centerMm: [...b.centerMm] as Vec3 })),
    beadDistanceMm: BEAD_DISTANCE_MM,
    warnings,
    images: images.map((im) => ({
      path: im.path,
      role: im.role,
      sliceIndex: im.sliceIndex,
      frames: multiframe && im.role === 'slice' ? written.length : 1,
      sopInstanceUID: im.sopInstanceUID,
      instanceNumber: im.instanceNumber,
      acquisitionNumber: im.acquisitionNumber,
      columns: im.role === 'mixed-size' ? Math.floor(columns / 2) : columns,
      rows: im.role === 'mixed-size' ? Math.floor(rows / 2) : rows,
    })),
  };
  return { options, transferSyntaxUID, part10, geo, series, images, truth, dimensionOrganizationUID, irradiationEventUID };
}

/** MR signal of the phantom: its HU shifted to be non-negative (no rescale is written for MR). */
export function mrSignal(hu: number): number {
  return hu + 1024;
}

/**
 * Generates the files one at a time (a 512 x 512 x 300 series never has to be in memory).
 * `truth` is returned at once; its huRange and storedRange are filled in as the main stack is
 * generated and are final when the iteration ends.
 */
export function streamCtSeries(options: CtSeriesOptions = {}): { truth: SeriesTruth; files: AsyncGenerator<SeriesFile> } {
  const plan = planSeries(options);
  return { truth: plan.truth, files: generateFiles(plan) };
}

export async function makeCtSeries(options: CtSeriesOptions = {}): Promise<{ files: SeriesFile[]; truth: SeriesTruth }> {
  const { truth, files } = streamCtSeries(options);
  const out: SeriesFile[] = [];
  for await (const f of files) out.push(f);
  return { files: out, truth };
}

async function* generateFiles(plan: SeriesPlan): AsyncGenerator<SeriesFile> {
  const { geo, series, truth } = plan;
  const [columns, rows] = truth.geometry.dimensions;
  const encoding = series.pixel;
  const isMR = series.modality === 'MR';
  const orientation = plan.options.orientation ?? 'axial';
  const isAxial = orientation === 'axial';
  let huMin = Infinity;
  let huMax = -Infinity;
  let stMin = Infinity;
  let stMax = -Infinity;
  const account = (frame: ReturnType<typeof renderFrame>) => {
    huMin = Math.min(huMin, frame.huRange[0]);
    huMax = Math.max(huMax, frame.huRange[1]);
    for (let i = 0; i < frame.stored.length; i++) {
      const v = frame.stored[i];
      if (v < stMin) stMin = v;
      if (v > stMax) stMax = v;
    }
  };
  const write = (dataset: Parameters<typeof writeDicom>[0]) =>
    writeDicom(dataset, { transferSyntaxUID: plan.transferSyntaxUID, part10: plan.part10 });
  const format = { bitsStored: encoding.bitsStored, pixelRepresentation: encoding.pixelRepresentation };

  const stackFrame = (k: number, half = false) => {
    const plane = {
      columns: half ? Math.floor(columns / 2) : columns,
      rows: half ? Math.floor(rows / 2) : rows,
      imagePositionMm: geo.slicePositionsMm[k],
      rowCosine: geo.rowCosine,
      columnCosine: geo.columnCosine,
      pixelSpacingMm: (half ? geo.pixelSpacingMm.map((s) => s * 2) : geo.pixelSpacingMm) as [number, number],
    };
    const render = (transformHU?: (hu: number) => number) =>
      renderFrame(plane, encoding, {
        pixelPaddingValue: series.pixelPaddingValue,
        transformHU: isMR ? (hu) => mrSignal(transformHU ? transformHU(hu) : hu) : transformHU,
      });
    return { plane, render };
  };

  for (let i = 0; i < plan.images.length; i++) {
    const im = plan.images[i];

    if (plan.truth.multiframe && im.role === 'slice') {
      const frames: (Int16Array | Uint16Array)[] = [];
      const framePositions = [];
      const writtenSlices = truth.slices.filter((s) => s.written);
      for (const [rank, s] of writtenSlices.entries()) {
        const rendered = stackFrame(s.index).render();
        account(rendered);
        frames.push(rendered.stored);
        framePositions.push({ imagePositionMm: s.positionMm, inStackPosition: rank + 1 });
      }
      const pixelData = await pixelDataElement(plan.transferSyntaxUID, frames, { columns, rows, ...format });
      const dataset = enhancedCtDataset(
        series,
        {
          sopInstanceUID: im.sopInstanceUID,
          instanceNumber: im.instanceNumber,
          acquisitionNumber: im.acquisitionNumber,
          columns,
          rows,
          pixelSpacingMm: geo.pixelSpacingMm,
          imageOrientationPatient: geo.imageOrientationPatient,
          frames: framePositions,
          dimensionOrganizationUID: plan.dimensionOrganizationUID,
          irradiationEventUID: plan.irradiationEventUID,
        },
        pixelData,
      );
      yield { path: im.path, bytes: write(dataset) };
      continue;
    }

    let attributes: ImageAttributes;
    let stored: Int16Array | Uint16Array;
    if (im.role === 'localizer') {
      // A scout: a coronal plane through the phantom centre (a real one is a projection; only
      // its tags matter here). Same series, different orientation and ImageType.
      const iop = ORIENTATIONS.coronal;
      const rowCosine: Vec3 = [iop[0], iop[1], iop[2]];
      const columnCosine: Vec3 = [iop[3], iop[4], iop[5]];
      const spacing = geo.pixelSpacingMm;
      const ipp = vec
        .scale(
          vec.add(vec.scale(rowCosine, Math.floor(columns / 2) * spacing[1]), vec.scale(columnCosine, Math.floor(rows / 2) * spacing[0])),
          -1,
        )
        .map(dsRoundTrip) as Vec3;
      const plane = { columns, rows, imagePositionMm: ipp, rowCosine, columnCosine, pixelSpacingMm: spacing };
      stored = renderFrame(plane, encoding, { transformHU: isMR ? mrSignal : undefined }).stored;
      attributes = {
        sopInstanceUID: im.sopInstanceUID,
        instanceNumber: im.instanceNumber,
        acquisitionNumber: im.acquisitionNumber,
        imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER',
        columns,
        rows,
        pixelSpacingMm: spacing,
        imageOrientationPatient: [...iop],
        imagePositionMm: ipp,
        sliceLocationMm: 0,
      };
    } else {
      const k = im.sliceIndex as number;
      const { plane, render } = stackFrame(k, im.role === 'mixed-size');
      const rendered = render(im.role === 'second-acquisition' ? secondAcquisitionHU : undefined);
      if (im.role === 'slice') account(rendered);
      stored = rendered.stored;
      attributes = {
        sopInstanceUID: im.sopInstanceUID,
        instanceNumber: im.instanceNumber,
        acquisitionNumber: im.acquisitionNumber,
        // Axial CT comes straight from the scanner; other planes are reformats of it.
        imageType: series.modality !== 'CT' ? 'ORIGINAL\\PRIMARY\\OTHER' : isAxial ? 'ORIGINAL\\PRIMARY\\AXIAL' : 'DERIVED\\SECONDARY\\REFORMATTED',
        columns: plane.columns,
        rows: plane.rows,
        pixelSpacingMm: plane.pixelSpacingMm,
        imageOrientationPatient: geo.imageOrientationPatient,
        imagePositionMm: plane.imagePositionMm,
        sliceLocationMm: vec.dot(plane.imagePositionMm, geo.normal),
      };
    }
    const pixelData = await pixelDataElement(plan.transferSyntaxUID, [stored], {
      columns: attributes.columns,
      rows: attributes.rows,
      ...format,
    });
    yield { path: im.path, bytes: write(singleFrameDataset(series, attributes, pixelData)) };
  }
  truth.huRange = series.modality === 'CT' && huMin <= huMax ? [huMin, huMax] : null;
  truth.storedRange = [stMin, stMax];
}

/** Patient position (mm) of the centre of main-stack voxel (column, row, slice), from the written positions. */
export function voxelCenterMm(truth: SeriesTruth, column: number, row: number, slice: number): Vec3 {
  const d = truth.geometry.direction;
  return pixelPositionMm(truth.slices[slice].positionMm, d.column, d.row, truth.pixelSpacingMm, column, row);
}

/**
 * The value a correct ingest holds at main-stack voxel (column, row, slice): the phantom's HU
 * (CT) or signal (MR, HU + 1024), or null where the file has padding (outside the FOV).
 */
export function expectedVoxelValue(truth: SeriesTruth, column: number, row: number, slice: number): number | null {
  const [columns, rows] = truth.geometry.dimensions;
  if (truth.padding && isOutsideFov({ columns, rows, pixelSpacingMm: truth.pixelSpacingMm }, column, row)) return null;
  const p = voxelCenterMm(truth, column, row, slice);
  const hu = sampleHU(p[0], p[1], p[2]);
  return truth.modality === 'CT' ? hu : mrSignal(hu);
}

/** The stored-value range the pixel encoding allows (for checks on the written files). */
export function allowedStoredRange(truth: SeriesTruth): [number, number] {
  return storedRange(truth.pixel);
}
