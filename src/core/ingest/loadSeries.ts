/**
 * Step two of ingest: decode one candidate of a scanned study into a `Volume`, refusing
 * volumes that would not fit in memory before allocating them.
 */
import type { Volume } from '../volume';
import { assembleVolume, usesIntegerHU } from './dicom/assembleVolume';
import { unitWarnings } from './huCheck';
import { readNifti } from './nifti/readNifti';
import type { StudyCatalog } from './scanStudy';
import { IngestError, type IngestOptions } from './types';

/** A browser tab holds a typed array of about 2 GiB at most; stay well under it by default. */
export const defaultMaxVolumeBytes = 1.5 * 1024 ** 3;

export async function loadSeries(catalog: StudyCatalog, seriesId: string, options: IngestOptions = {}): Promise<Volume> {
  const candidate = catalog.candidates.get(seriesId);
  if (!candidate) throw new IngestError(`There is no series "${seriesId}" in this study.`);
  const { summary } = candidate;
  if (!summary.usable) throw new IngestError(`Series "${summary.description || summary.seriesInstanceUID}" cannot be shown: ${summary.warnings.at(-1)}.`);

  const bytesPerVoxel = candidate.kind === 'dicom' && usesIntegerHU(candidate.stack.images) ? 2 : 4;
  checkFits(summary.dimensions, bytesPerVoxel, options.maxVolumeBytes ?? defaultMaxVolumeBytes);

  let volume: Volume;
  if (candidate.kind === 'nifti') {
    options.onProgress?.({ stage: 'decoding', done: 0, total: 1 });
    try {
      volume = readNifti(candidate.bytes, candidate.name);
    } catch (e) {
      throw new IngestError(`${candidate.name} could not be read: ${e instanceof Error ? e.message : String(e)}.`);
    }
    options.onProgress?.({ stage: 'decoding', done: 1, total: 1 });
  } else {
    const voxels = await assembleVolumeOrExplain(candidate.stack, options);
    const first = candidate.stack.images[0];
    volume = {
      geometry: candidate.stack.geometry,
      voxels,
      metadata: {
        modality: first.modality,
        studyInstanceUID: first.study.studyInstanceUID,
        seriesInstanceUID: first.seriesInstanceUID,
        seriesDescription: first.study.seriesDescription,
        studyDescription: first.study.studyDescription,
        studyDate: first.study.studyDate,
        patientName: first.study.patientName,
        patientId: first.study.patientId,
        patientBirthDate: first.study.patientBirthDate,
        patientSex: first.study.patientSex,
        sourceFormat: 'dicom',
      },
      warnings: [...summary.warnings.filter((w) => !w.startsWith('modality '))],
    };
  }
  options.onProgress?.({ stage: 'assembling', done: 1, total: 1 });
  volume.warnings.push(...unitWarnings(volume.voxels, volume.metadata.modality).warnings);
  return volume;
}

async function assembleVolumeOrExplain(stack: Parameters<typeof assembleVolume>[0], options: IngestOptions) {
  try {
    return await assembleVolume(stack, options);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new IngestError(`${why}. The file may be damaged: export the series again, uncompressed if possible.`);
  }
}

function checkFits(dimensions: [number, number, number], bytesPerVoxel: number, maxBytes: number): void {
  const [c, r, s] = dimensions;
  const needed = c * r * s * bytesPerVoxel;
  if (needed <= maxBytes) return;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  const slicesThatFit = Math.floor(maxBytes / (c * r * bytesPerVoxel));
  throw new IngestError(
    `This series is too large to hold in memory: ${c}×${r}×${s} voxels need ${gib(needed)} GB, and at most ${gib(maxBytes)} GB fits. ` +
      `About ${slicesThatFit} slices of ${c}×${r} fit: load a thicker reconstruction (e.g. 1–2 mm slices) or part of the series.`,
  );
}
