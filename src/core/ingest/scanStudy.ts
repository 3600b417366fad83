/**
 * Step one of ingest: read every file once, sort out what each is (DICOM, NIfTI, zip, other)
 * and list the candidate volumes without decoding any pixels. The catalog it returns is what
 * `loadSeries` decodes from, so choosing another series does not read the files again.
 */
import { gunzipSync } from 'fflate';
import type { DicomImage } from './dicom/dicomImage';
import { groupSeries, type ImageGroup } from './dicom/groupSeries';
import { looksLikeDicom, readDicomFile } from './dicom/parseDicomFile';
import { planStack, type StackGeometry } from './dicom/stackGeometry';
import { isSupportedTransferSyntax, unsupportedTransferSyntaxReason } from './codecs/decodeFrame';
import { isGzip, isZip, zipEntries } from './expandArchives';
import { looksLikeNifti, summarizeNifti } from './nifti/readNifti';
import type { IngestOptions, IngestResult, SeriesSummary, SkippedFile, SourceFile } from './types';

export type Candidate =
  | { kind: 'dicom'; summary: SeriesSummary; stack: StackGeometry }
  | { kind: 'nifti'; summary: SeriesSummary; bytes: Uint8Array; name: string };

export interface StudyCatalog {
  result: IngestResult;
  candidates: Map<string, Candidate>;
}

/** How many files are read at once. */
export const readsInFlight = 16;

/** Fewer slices than this cannot make a volume worth viewing or analysing. */
export const minimumSlices = 3;

export async function scanStudy(files: SourceFile[], options: IngestOptions = {}): Promise<StudyCatalog> {
  const skipped: SkippedFile[] = [];
  const images: DicomImage[] = [];
  const niftis: { path: string; bytes: Uint8Array }[] = [];
  const queue = [...files];
  let done = 0;
  while (queue.length > 0) {
    options.signal?.throwIfAborted();
    // A few reads in flight at once: a browser's File reads are asynchronous and slow one by one.
    const batch = queue.splice(0, readsInFlight);
    const outcomes = await Promise.all(batch.map(classify));
    batch.forEach((file, i) => {
      const outcome = outcomes[i];
      if (outcome.kind === 'archive') queue.push(...outcome.entries);
      else if (outcome.kind === 'dicom') images.push(...outcome.images);
      else if (outcome.kind === 'nifti') niftis.push({ path: file.path, bytes: outcome.bytes });
      else skipped.push({ path: file.path, reason: outcome.reason });
    });
    done += batch.length;
    options.onProgress?.({ stage: 'reading', done, total: done + queue.length });
  }

  const candidates = new Map<string, Candidate>();
  groupSeries(images, skipped).forEach((group, i) => {
    const candidate = dicomCandidate(`s${i + 1}`, group);
    candidates.set(candidate.summary.id, candidate);
  });
  niftis.forEach(({ path, bytes }, i) => {
    const candidate = niftiCandidate(`n${i + 1}`, path, bytes);
    if (candidate.kind === 'skipped') skipped.push({ path, reason: candidate.reason });
    else candidates.set(candidate.summary.id, candidate);
  });

  const series = [...candidates.values()].map((c) => c.summary);
  return { result: { series, bestSeriesId: pickBest(series), skipped }, candidates };
}

type Classified =
  | { kind: 'archive'; entries: SourceFile[] }
  | { kind: 'dicom'; images: DicomImage[] }
  | { kind: 'nifti'; bytes: Uint8Array }
  | { kind: 'skipped'; reason: string };

/** Enough for the header of nearly every CT slice; longer headers fall back to a whole read. */
const headBytes = 32 * 1024;

async function classify(file: SourceFile): Promise<Classified> {
  let bytes: Uint8Array;
  try {
    bytes = file.readRange && file.size > headBytes ? await file.readRange(0, headBytes) : await file.read();
    // Archives and NIfTI are read whole; only DICOM can use the head alone.
    if (bytes.length < file.size && (isZip(bytes) || isGzip(bytes) || looksLikeNifti(bytes) || !looksLikeDicom(bytes))) bytes = await file.read();
  } catch (e) {
    return { kind: 'skipped', reason: `could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
  if (bytes.length === 0) return { kind: 'skipped', reason: 'empty file (0 bytes)' };
  if (isZip(bytes)) {
    try {
      return { kind: 'archive', entries: zipEntries(file.path, bytes) };
    } catch (e) {
      return { kind: 'skipped', reason: `damaged zip archive (${e instanceof Error ? e.message : String(e)}): unpack it and drop the folder instead` };
    }
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return { kind: 'skipped', reason: 'damaged gzip file: it could not be decompressed' };
    }
    if (!looksLikeNifti(bytes)) return { kind: 'skipped', reason: 'gzip file that holds no NIfTI image' };
  }
  if (looksLikeNifti(bytes)) return { kind: 'nifti', bytes };
  if (looksLikeDicom(bytes)) {
    const parsed = await readDicomFile(file, bytes);
    return parsed.kind === 'images' ? { kind: 'dicom', images: parsed.images } : parsed;
  }
  return { kind: 'skipped', reason: notImageReason(file.path, bytes) };
}

function notImageReason(path: string, bytes: Uint8Array): string {
  const name = path.toLowerCase();
  if (/\.(jpe?g|png|gif|bmp|tiff?)$/.test(name)) return 'a picture file, not DICOM: export the study from the PACS as DICOM';
  if (/\.(pdf|docx?|txt|html?|xml|json)$/.test(name)) return 'a document, not an image';
  const printable = bytes.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return printable ? 'a text file, not DICOM or NIfTI' : 'not a DICOM or NIfTI file';
}

function dicomCandidate(id: string, group: ImageGroup): Candidate {
  const stack = planStack(group.images);
  const first = stack.images[0];
  const warnings = [...stack.warnings];
  if (group.splitReason) warnings.unshift(`${group.splitReason}: this is one part of it`);
  if (group.localizersExcluded > 0) {
    const n = group.localizersExcluded;
    warnings.push(`${n} localizer (scout) image${n > 1 ? 's' : ''} excluded from the volume`);
  }
  const transferSyntax = first.pixelFormat.transferSyntaxUID;
  let usable = true;
  if (stack.images.length < minimumSlices) {
    usable = false;
    warnings.push(`only ${stack.images.length} slice${stack.images.length > 1 ? 's' : ''}: a 3D volume needs at least ${minimumSlices}`);
  }
  if (!isSupportedTransferSyntax(transferSyntax)) {
    usable = false;
    warnings.push(unsupportedTransferSyntaxReason(transferSyntax));
  }
  if (first.modality !== 'CT') warnings.push(`modality ${first.modality || 'unknown'}, not CT: the spine analysis is made for CT`);
  return {
    kind: 'dicom',
    stack,
    summary: {
      id,
      seriesInstanceUID: first.seriesInstanceUID,
      modality: first.modality,
      description: first.study.seriesDescription,
      dimensions: stack.geometry.dimensions,
      spacingMm: stack.geometry.spacingMm,
      warnings,
      usable,
    },
  };
}

function niftiCandidate(id: string, path: string, bytes: Uint8Array): Candidate | { kind: 'skipped'; reason: string } {
  try {
    const s = summarizeNifti(bytes);
    const name = path.split('/').pop() ?? path;
    return {
      kind: 'nifti',
      bytes,
      name,
      summary: {
        id,
        seriesInstanceUID: `nifti:${name}`,
        modality: 'CT',
        description: name,
        dimensions: s.dimensions,
        spacingMm: s.spacingMm,
        warnings: s.warnings,
        usable: s.dimensions[2] >= minimumSlices,
      },
    };
  } catch (e) {
    return { kind: 'skipped', reason: `NIfTI file could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The largest usable CT volume; ties go to the series listed first. */
function pickBest(series: SeriesSummary[]): string | null {
  let best: SeriesSummary | null = null;
  const size = (s: SeriesSummary) => s.dimensions[0] * s.dimensions[1] * s.dimensions[2];
  for (const s of series) {
    if (!s.usable || s.modality !== 'CT') continue;
    if (!best || size(s) > size(best)) best = s;
  }
  return best?.id ?? null;
}

/** One sentence for the user when a study holds no CT volume that can be shown. */
export function noVolumeReason(result: IngestResult): string {
  const fileCount = result.skipped.length;
  if (result.series.length === 0) {
    const reasons = [...new Set(result.skipped.map((s) => s.reason))].slice(0, 2).join('; ');
    return fileCount === 0
      ? 'No files were given: drop a CT study (DICOM files, a folder, a .zip or a NIfTI file).'
      : `No CT images found in ${fileCount} file${fileCount > 1 ? 's' : ''} (${reasons}). Drop the folder of a CT series exported as DICOM, a .zip of it, or a NIfTI file.`;
  }
  const usable = result.series.filter((s) => s.usable);
  if (usable.length === 0) {
    const why = result.series.map((s) => `${s.modality} "${s.description || s.seriesInstanceUID}": ${s.warnings.at(-1) ?? 'unusable'}`).join('; ');
    const others = fileCount > 0 ? ` ${fileCount} other file${fileCount > 1 ? 's were' : ' was'} skipped.` : '';
    return `No series can be shown as a volume (${why}).${others} Drop the whole folder of a CT series exported as DICOM, a .zip of it, or a NIfTI file.`;
  }
  const modalities = [...new Set(usable.map((s) => s.modality || 'unknown'))].join(', ');
  return `The study holds no CT series (found ${modalities}). SpineLens analyses CT: choose a CT study, or pick the ${modalities} series to view it anyway.`;
}
