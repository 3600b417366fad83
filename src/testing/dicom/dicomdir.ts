/**
 * A DICOMDIR (Media Storage Directory, PS3.3 F.2 and PS3.10 8): the index file of a CD/DVD
 * export. It is a DICOM file without pixel data; an ingest must not take it for an image (it
 * may use it, but the image files are always present beside it).
 *
 * The records form the usual hierarchy PATIENT > STUDY > SERIES > IMAGE. Records point to
 * each other by byte offsets from the start of the file (preamble included), so the dataset
 * is laid out once with zero offsets, the offsets are computed from the encoded lengths (they
 * are fixed-size UL values, so filling them changes no length), then written for real.
 */
import type { SeriesTruth } from './syntheticSeries';
import {
  encodeDatasetBytes,
  encodeFileMeta,
  TransferSyntax,
  writeDicom,
  type DicomElement,
  type DicomItem,
} from './dicomWriter';
import { SopClass } from './imageDatasets';
import { makeRandom, makeUid } from './random';

/** A File ID component (PS3.10 8.2): 1 to 8 of A-Z, 0-9 and _. */
const FILE_ID_COMPONENT = /^[A-Z0-9_]{1,8}$/;

const e = (tag: number, vr: DicomElement['vr'], value: DicomElement['value']): DicomElement => ({ tag, vr, value });

function record(type: string, keys: DicomElement[]): DicomItem {
  return [
    e(0x00041400, 'UL', [0]), // OffsetOfTheNextDirectoryRecord
    e(0x00041410, 'US', [0xffff]), // RecordInUseFlag
    e(0x00041420, 'UL', [0]), // OffsetOfReferencedLowerLevelDirectoryEntity
    e(0x00041430, 'CS', type), // DirectoryRecordType
    ...keys,
  ];
}

function setUL(item: DicomItem, tag: number, value: number): void {
  const el = item.find((x) => x.tag === tag);
  if (!el) throw new Error('record without offset element');
  el.value = [value];
}

/**
 * DICOMDIR for one or more series made by makeCtSeries. Every image path must be a valid File
 * ID relative to the DICOMDIR (use fileNaming 'no-extension' and an upper-case pathPrefix such
 * as 'DICOM/'); the DICOMDIR itself is written at `${rootDir}DICOMDIR`.
 */
export function makeDicomdir(
  series: { truth: SeriesTruth }[],
  options: { rootDir?: string; fileSetId?: string; seed?: number } = {},
): { path: string; bytes: Uint8Array } {
  const rootDir = options.rootDir ?? '';
  const random = makeRandom(options.seed ?? 7);
  const records: DicomItem[] = [];
  // Links as indices into `records`, turned into offsets once the layout is known.
  const next = new Map<number, number>();
  const lower = new Map<number, number>();

  const first = series[0].truth;
  const patient = records.push(
    record('PATIENT', [e(0x00100010, 'PN', first.metadata.patientName), e(0x00100020, 'LO', first.metadata.patientId)]),
  ) - 1;
  let previousStudy = -1;
  const studies = new Map<string, number>();
  const previousSeriesOfStudy = new Map<number, number>();
  for (const { truth } of series) {
    let study = studies.get(truth.studyInstanceUID);
    if (study === undefined) {
      study = records.push(
        record('STUDY', [
          e(0x00080020, 'DA', truth.metadata.studyDate),
          e(0x00080030, 'TM', truth.metadata.studyTime),
          e(0x00080050, 'SH', ''),
          e(0x00081030, 'LO', truth.metadata.studyDescription),
          e(0x0020000d, 'UI', truth.studyInstanceUID),
          e(0x00200010, 'SH', '1'),
        ]),
      ) - 1;
      studies.set(truth.studyInstanceUID, study);
      if (previousStudy < 0) lower.set(patient, study);
      else next.set(previousStudy, study);
      previousStudy = study;
    }
    const seriesRecord = records.push(
      record('SERIES', [
        e(0x00080060, 'CS', truth.modality),
        e(0x0020000e, 'UI', truth.seriesInstanceUID),
        e(0x00200011, 'IS', [truth.metadata.seriesNumber]),
      ]),
    ) - 1;
    const previousSeries = previousSeriesOfStudy.get(study);
    if (previousSeries === undefined) lower.set(study, seriesRecord);
    else next.set(previousSeries, seriesRecord);
    previousSeriesOfStudy.set(study, seriesRecord);

    let previousImage = -1;
    for (const im of truth.images) {
      if (!im.path.startsWith(rootDir)) throw new Error(`${im.path} is not under ${rootDir || 'the root'}`);
      const components = im.path.slice(rootDir.length).split('/');
      for (const c of components) {
        if (!FILE_ID_COMPONENT.test(c)) {
          throw new Error(`"${im.path}": DICOMDIR file IDs need components of 1-8 characters A-Z 0-9 _`);
        }
      }
      const image = records.push(
        record('IMAGE', [
          e(0x00041500, 'CS', components.join('\\')), // ReferencedFileID
          e(0x00041510, 'UI', truth.sopClassUID), // ReferencedSOPClassUIDInFile
          e(0x00041511, 'UI', im.sopInstanceUID), // ReferencedSOPInstanceUIDInFile
          e(0x00041512, 'UI', truth.transferSyntaxUID), // ReferencedTransferSyntaxUIDInFile
          e(0x00200013, 'IS', [im.instanceNumber]),
        ]),
      ) - 1;
      if (previousImage < 0) lower.set(seriesRecord, image);
      else next.set(previousImage, image);
      previousImage = image;
    }
  }

  const transferSyntaxUID = TransferSyntax.ExplicitVRLittleEndian;
  const sopInstanceUID = makeUid(random);
  const header = (rootFirst: number, rootLast: number): DicomElement[] => [
    e(0x00041130, 'CS', options.fileSetId ?? 'SPINELENS'), // FileSetID
    e(0x00041200, 'UL', [rootFirst]), // OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity
    e(0x00041202, 'UL', [rootLast]), // OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity
    e(0x00041212, 'US', [0]), // FileSetConsistencyFlag: no known inconsistencies
  ];

  // Layout: preamble (132) + meta + header elements + SQ header (12) + items (8-byte header each).
  const meta = encodeFileMeta({
    mediaStorageSOPClassUID: SopClass.MediaStorageDirectory,
    mediaStorageSOPInstanceUID: sopInstanceUID,
    transferSyntaxUID,
  });
  let offset = 132 + meta.length + encodeDatasetBytes(header(0, 0), transferSyntaxUID).length + 12;
  const recordOffsets = records.map((item) => {
    const at = offset;
    offset += 8 + encodeDatasetBytes(item, transferSyntaxUID).length;
    return at;
  });
  for (const [from, to] of next) setUL(records[from], 0x00041400, recordOffsets[to]);
  for (const [from, to] of lower) setUL(records[from], 0x00041420, recordOffsets[to]);

  const dataset = [
    ...header(recordOffsets[patient], recordOffsets[patient]),
    e(0x00041220, 'SQ', records), // DirectoryRecordSequence
  ];
  const bytes = writeDicom(dataset, {
    transferSyntaxUID,
    mediaStorageSOPClassUID: SopClass.MediaStorageDirectory,
    mediaStorageSOPInstanceUID: sopInstanceUID,
  });
  return { path: `${rootDir}DICOMDIR`, bytes };
}
