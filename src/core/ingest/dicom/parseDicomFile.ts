/**
 * Turns one DICOM file into its images, or into a reason why it was skipped. Reads Part 10
 * files, and "raw" datasets without the 128-byte preamble and meta header.
 *
 * Uncompressed files are read in two steps when the source allows ranged reads: the header
 * now (from the first bytes only) and each frame's pixels when the volume is assembled, so a
 * study is never held in memory twice. Other files are read whole.
 */
import dicomParser from 'dicom-parser';
import { inflateSync } from 'fflate';
import type { Vec3 } from '../../volume';
import type { SourceFile } from '../types';
import type { DicomImage, DicomPatientStudy, PixelFormat } from './dicomImage';
import { nativeTransferSyntaxes, SopClass, Tag, TransferSyntax } from './tags';

type DataSet = dicomParser.DataSet;

export type ParsedDicom =
  | { kind: 'images'; images: DicomImage[] }
  | { kind: 'skipped'; reason: string };

/** True when the bytes look like DICOM: "DICM" at 128, or a raw dataset starting in group 0002/0008. */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  return hasPart10Prefix(bytes) || rawTransferSyntax(bytes) !== null;
}

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** For a file without preamble: guess implicit or explicit little endian from its first element. */
function rawTransferSyntax(bytes: Uint8Array): string | null {
  if (bytes.length < 16) return null;
  const group = bytes[0] | (bytes[1] << 8);
  if (group !== 0x0008 && group !== 0x0002) return null;
  const isUpper = (b: number) => b >= 0x41 && b <= 0x5a;
  return isUpper(bytes[4]) && isUpper(bytes[5]) ? TransferSyntax.ExplicitLittle : TransferSyntax.ImplicitLittle;
}

/** Deflated transfer syntax: the dataset after the meta header is raw-deflated. */
function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function describeParseError(e: unknown): string {
  const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String((e as { exception?: string })?.exception ?? e);
  if (/buffer overread|buffer overrun|attempt to read past end|exceeds|past end/i.test(text)) {
    return 'truncated or corrupt DICOM: the file ends before its data does (copy it again from the source)';
  }
  return `corrupt DICOM: ${text.replace(/^dicomParser\.\w+: /, '')}`;
}

type FrameReader = (frame: number, frameCount: number, nativeFrameBytes: number, scratch?: Uint8Array) => Promise<Uint8Array>;

function parse(bytes: Uint8Array, untilPixelData: boolean): DataSet {
  const raw = hasPart10Prefix(bytes) ? null : rawTransferSyntax(bytes);
  const options: dicomParser.ParseDicomOptions & { inflater?: typeof inflater } = { inflater };
  if (raw) (options as { TransferSyntaxUID?: string }).TransferSyntaxUID = raw;
  if (untilPixelData) options.untilTag = Tag.PixelData;
  return dicomParser.parseDicom(bytes, options);
}

/**
 * `head` is the start of the file (or all of it). When it holds the whole header of an
 * uncompressed file and the source reads ranges, frames are read from the file later.
 */
export async function readDicomFile(file: SourceFile, head: Uint8Array): Promise<ParsedDicom> {
  if (head.length < file.size && file.readRange) {
    const readRange = file.readRange.bind(file);
    let header: DataSet | null = null;
    try {
      header = parse(head, true);
    } catch {
      header = null; // the header runs past the head: read the whole file below
    }
    const pixels = header?.elements[Tag.PixelData];
    const ts = header?.string(Tag.TransferSyntaxUID) ?? TransferSyntax.ImplicitLittle;
    if (header && pixels && !pixels.hadUndefinedLength && nativeTransferSyntaxes.has(ts) && ts !== TransferSyntax.DeflatedExplicitLittle) {
      const ranged: FrameReader = (frame, _count, frameLength, scratch) => {
        const start = pixels.dataOffset + frame * frameLength;
        return readRange(start, start + frameLength, scratch);
      };
      return imagesOf(file.path, header, ranged, file.size - pixels.dataOffset);
    }
  }
  return parseDicomFile(file.path, head.length < file.size ? await file.read() : head);
}

export function parseDicomFile(path: string, bytes: Uint8Array): ParsedDicom {
  let dataSet: DataSet;
  try {
    dataSet = parse(bytes, false);
  } catch (e) {
    return { kind: 'skipped', reason: describeParseError(e) };
  }
  const pixels = dataSet.elements[Tag.PixelData];
  const inMemory: FrameReader = async (frame, count, frameLength) => frameBytes(dataSet, frame, count, frameLength);
  // Measured in the parsed byte array: for a deflated file that is the inflated dataset.
  return imagesOf(path, dataSet, inMemory, pixels ? dataSet.byteArray.length - pixels.dataOffset : 0);
}

function imagesOf(path: string, ds: DataSet, readFrame: FrameReader, pixelBytesInFile: number): ParsedDicom {
  const sopClass = ds.string(Tag.MediaStorageSOPClassUID) ?? ds.string(Tag.SOPClassUID) ?? '';
  if (sopClass === SopClass.MediaStorageDirectory) {
    return { kind: 'skipped', reason: 'DICOMDIR (a directory of the files, not an image): the images it lists are read directly' };
  }
  const pixelElement = ds.elements[Tag.PixelData];
  const rows = ds.uint16(Tag.Rows) ?? 0;
  const columns = ds.uint16(Tag.Columns) ?? 0;
  if (!pixelElement || rows === 0 || columns === 0) {
    const modality = ds.string(Tag.Modality) ?? 'unknown modality';
    return { kind: 'skipped', reason: `DICOM without image pixels (${modality}, e.g. a report or presentation state)` };
  }
  const frameCount = Math.max(1, parseInt(ds.string(Tag.NumberOfFrames) ?? '1', 10) || 1);
  const pixelFormat = readPixelFormat(ds);
  if (pixelFormat.samplesPerPixel !== 1) {
    return { kind: 'skipped', reason: `colour image (${pixelFormat.photometricInterpretation}), not a CT slice` };
  }
  if (pixelFormat.bitsAllocated !== 8 && pixelFormat.bitsAllocated !== 16) {
    return { kind: 'skipped', reason: `${pixelFormat.bitsAllocated}-bit pixels are not supported (8 or 16 bits expected)` };
  }
  if (nativeTransferSyntaxes.has(pixelFormat.transferSyntaxUID)) {
    const expected = rows * columns * (pixelFormat.bitsAllocated / 8) * frameCount;
    const available = Math.min(pixelElement.length, pixelBytesInFile);
    if (available < expected) {
      return { kind: 'skipped', reason: `truncated DICOM: pixel data has ${available} of ${expected} bytes (copy the file again from the source)` };
    }
  }

  const shared = firstItem(ds, Tag.SharedFunctionalGroupsSequence);
  const perFrame = ds.elements[Tag.PerFrameFunctionalGroupsSequence]?.items ?? [];
  const study = readStudy(ds);
  const images: DicomImage[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    const frameGroups = perFrame[frame]?.dataSet;
    const position = readVec(ds, Tag.ImagePositionPatient, 3) ?? functionalVec(frameGroups, shared, Tag.PlanePositionSequence, Tag.ImagePositionPatient, 3);
    const orientation =
      readVec(ds, Tag.ImageOrientationPatient, 6) ?? functionalVec(frameGroups, shared, Tag.PlaneOrientationSequence, Tag.ImageOrientationPatient, 6);
    const spacing = readVec(ds, Tag.PixelSpacing, 2) ?? functionalVec(frameGroups, shared, Tag.PixelMeasuresSequence, Tag.PixelSpacing, 2);
    if (!position || !orientation) {
      return { kind: 'skipped', reason: 'image without ImagePositionPatient/ImageOrientationPatient: it cannot be placed in a 3D volume' };
    }
    if (!spacing || !(spacing[0] > 0) || !(spacing[1] > 0)) {
      return { kind: 'skipped', reason: 'image without a valid PixelSpacing: distances in it would be unknown' };
    }
    const transform = rescaleOf(ds, frameGroups, shared);
    images.push({
      path,
      frameIndex: frame,
      sopInstanceUID: ds.string(Tag.SOPInstanceUID) ?? ds.string(Tag.MediaStorageSOPInstanceUID) ?? `${path}#${frame}`,
      seriesInstanceUID: ds.string(Tag.SeriesInstanceUID) ?? substituteSeriesKey(ds),
      modality: (ds.string(Tag.Modality) ?? '').toUpperCase(),
      imageType: (ds.string(Tag.ImageType) ?? '').toUpperCase().split('\\'),
      acquisitionNumber: ds.intString(Tag.AcquisitionNumber) ?? null,
      instanceNumber: ds.intString(Tag.InstanceNumber) ?? null,
      rows,
      columns,
      pixelSpacingMm: [spacing[0], spacing[1]],
      positionMm: [position[0], position[1], position[2]],
      rowCosine: unit([orientation[0], orientation[1], orientation[2]]),
      columnCosine: unit([orientation[3], orientation[4], orientation[5]]),
      rescaleSlope: transform.slope,
      rescaleIntercept: transform.intercept,
      gantryTiltDeg: ds.floatString(Tag.GantryDetectorTilt) ?? 0,
      pixelFormat,
      study,
      frameBytes: (scratch) => readFrame(frame, frameCount, rows * columns * (pixelFormat.bitsAllocated / 8), scratch),
    });
  }
  return { kind: 'images', images };
}

/**
 * Anonymisers sometimes blank SeriesInstanceUID; slices of one series still share their frame
 * of reference, series number and description, which together stand in for it.
 */
function substituteSeriesKey(ds: DataSet): string {
  const parts = [Tag.FrameOfReferenceUID, Tag.SeriesNumber, Tag.SeriesDescription, Tag.Modality].map((t) => ds.string(t) ?? '');
  return `no-series-uid:${parts.join('|')}`;
}

function readPixelFormat(ds: DataSet): PixelFormat {
  const bitsAllocated = ds.uint16(Tag.BitsAllocated) ?? 16;
  const pixelRepresentation = ds.uint16(Tag.PixelRepresentation) === 1 ? 1 : 0;
  const padding = ds.elements[Tag.PixelPaddingValue] ? readUsOrSs(ds, Tag.PixelPaddingValue, pixelRepresentation) : null;
  const paddingLimit = ds.elements[Tag.PixelPaddingRangeLimit] ? readUsOrSs(ds, Tag.PixelPaddingRangeLimit, pixelRepresentation) : null;
  return {
    transferSyntaxUID: ds.string(Tag.TransferSyntaxUID) ?? TransferSyntax.ImplicitLittle,
    bitsAllocated,
    bitsStored: ds.uint16(Tag.BitsStored) ?? bitsAllocated,
    pixelRepresentation,
    samplesPerPixel: ds.uint16(Tag.SamplesPerPixel) ?? 1,
    photometricInterpretation: ds.string(Tag.PhotometricInterpretation) ?? 'MONOCHROME2',
    paddingValue: padding,
    paddingRangeLimit: paddingLimit,
  };
}

/** PixelPaddingValue is US or SS depending on PixelRepresentation (its VR is "US or SS"). */
function readUsOrSs(ds: DataSet, tag: string, pixelRepresentation: 0 | 1): number | null {
  const v = pixelRepresentation === 1 ? ds.int16(tag) : ds.uint16(tag);
  return v ?? null;
}

function readStudy(ds: DataSet): DicomPatientStudy {
  const s = (tag: string) => (ds.string(tag) ?? '').trim();
  return {
    patientName: s(Tag.PatientName),
    patientId: s(Tag.PatientID),
    patientBirthDate: s(Tag.PatientBirthDate),
    patientSex: s(Tag.PatientSex),
    studyInstanceUID: s(Tag.StudyInstanceUID),
    studyDate: s(Tag.StudyDate),
    studyDescription: s(Tag.StudyDescription),
    seriesDescription: s(Tag.SeriesDescription),
  };
}

function readVec(ds: DataSet | undefined, tag: string, length: number): number[] | null {
  if (!ds || !ds.elements[tag]) return null;
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

function firstItem(ds: DataSet | undefined, sequenceTag: string): DataSet | undefined {
  return ds?.elements[sequenceTag]?.items?.[0]?.dataSet;
}

/** Enhanced CT keeps geometry in functional groups: per-frame first, shared otherwise. */
function functionalVec(perFrame: DataSet | undefined, shared: DataSet | undefined, groupTag: string, tag: string, length: number): number[] | null {
  return readVec(firstItem(perFrame, groupTag), tag, length) ?? readVec(firstItem(shared, groupTag), tag, length);
}

function rescaleOf(ds: DataSet, perFrame: DataSet | undefined, shared: DataSet | undefined): { slope: number; intercept: number } {
  const group = firstItem(perFrame, Tag.PixelValueTransformationSequence) ?? firstItem(shared, Tag.PixelValueTransformationSequence);
  const source = ds.elements[Tag.RescaleSlope] || ds.elements[Tag.RescaleIntercept] ? ds : group;
  const slope = source?.floatString(Tag.RescaleSlope);
  const intercept = source?.floatString(Tag.RescaleIntercept);
  return {
    slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: intercept !== undefined && Number.isFinite(intercept) ? intercept : 0,
  };
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

function frameBytes(ds: DataSet, frame: number, frameCount: number, nativeFrameBytes: number): Uint8Array {
  const element = ds.elements[Tag.PixelData];
  if (!element.encapsulatedPixelData) {
    return new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + element.dataOffset + frame * nativeFrameBytes, nativeFrameBytes);
  }
  const fragments = element.fragments ?? [];
  if (element.basicOffsetTable && element.basicOffsetTable.length > 0) {
    return dicomParser.readEncapsulatedImageFrame(ds, element, frame);
  }
  if (frameCount === 1) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length);
  }
  if (fragments.length === frameCount) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, frame, 1);
  }
  // Several fragments per frame and no offset table: only JPEG markers can tell frames apart.
  const table = dicomParser.createJPEGBasicOffsetTable(ds, element);
  return dicomParser.readEncapsulatedImageFrame(ds, element, frame, table);
}
