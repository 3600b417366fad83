/**
 * Groups DICOM images into candidate volumes: one per SeriesInstanceUID, split further where
 * a series mixes orientations, image sizes or pixel spacings, and where two acquisitions
 * cover the same positions. Localizer (scout) images are set aside.
 */
import type { SkippedFile } from '../types';
import type { DicomImage } from './dicomImage';

export interface ImageGroup {
  seriesInstanceUID: string;
  images: DicomImage[];
  /** Why this group was split from others of its series, for the user. */
  splitReason: string | null;
  /** Localizer (scout) images of the same series that were left out. */
  localizersExcluded: number;
}

function isLocalizer(image: DicomImage): boolean {
  return image.imageType.includes('LOCALIZER');
}

function layoutKey(image: DicomImage): string {
  const r = (v: number) => v.toFixed(3);
  return [
    image.rowCosine.map(r).join(','),
    image.columnCosine.map(r).join(','),
    `${image.columns}x${image.rows}`,
    image.pixelSpacingMm.map(r).join(','),
  ].join('|');
}

export function groupSeries(images: DicomImage[], skipped: SkippedFile[]): ImageGroup[] {
  const bySeries = new Map<string, DicomImage[]>();
  const localizers = new Map<string, number>();
  for (const image of images) {
    if (isLocalizer(image)) {
      skipped.push({ path: image.path, reason: 'localizer (scout) image: excluded from the volume' });
      localizers.set(image.seriesInstanceUID, (localizers.get(image.seriesInstanceUID) ?? 0) + 1);
      continue;
    }
    const list = bySeries.get(image.seriesInstanceUID) ?? [];
    list.push(image);
    bySeries.set(image.seriesInstanceUID, list);
  }
  const groups: ImageGroup[] = [];
  for (const [uid, seriesImages] of bySeries) {
    const byLayout = partition(seriesImages, layoutKey);
    const layoutSplit = byLayout.length > 1 ? 'the series mixes orientations or image sizes' : null;
    for (const layoutImages of byLayout) {
      for (const acquisitionImages of splitOverlappingAcquisitions(layoutImages)) {
        groups.push({
          seriesInstanceUID: uid,
          images: acquisitionImages,
          splitReason: acquisitionImages.length < layoutImages.length ? 'the series holds several acquisitions' : layoutSplit,
          localizersExcluded: localizers.get(uid) ?? 0,
        });
      }
    }
  }
  return groups;
}

function partition<T>(items: T[], key: (t: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k) ?? [];
    list.push(item);
    map.set(k, list);
  }
  return [...map.values()];
}

/**
 * Some scanners number every slice as its own acquisition, so acquisitions are split only
 * when they overlap: when the same position occurs in more than one of them.
 */
function splitOverlappingAcquisitions(images: DicomImage[]): DicomImage[][] {
  const acquisitions = partition(images, (i) => String(i.acquisitionNumber ?? ''));
  if (acquisitions.length < 2) return [images];
  const positionKey = (i: DicomImage) => i.positionMm.map((v) => v.toFixed(2)).join(',');
  const seen = new Map<string, string>();
  let overlap = false;
  for (const image of images) {
    const key = positionKey(image);
    const acquisition = String(image.acquisitionNumber ?? '');
    const first = seen.get(key);
    if (first !== undefined && first !== acquisition) overlap = true;
    seen.set(key, acquisition);
  }
  return overlap ? acquisitions : [images];
}
