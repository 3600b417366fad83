/**
 * The key under which a series' edits are saved (IndexedDB): study and series instance UIDs.
 * A result without either UID (an anonymised NIfTI, say) has nothing stable to key on: null, so
 * the caller knows not to save rather than mixing the edits of unrelated studies.
 */
import type { AnalysisResult } from '../pipeline/result';

// DICOM pads odd-length UIDs with a NUL; a UID read with or without it is the same UID.
const clean = (uid: string | undefined) => (uid ?? '').replace(/[\s\0]+$/g, '').trim();

export function reviewKey(ids: Pick<AnalysisResult, 'studyInstanceUID' | 'seriesInstanceUID'>): string | null {
  const study = clean(ids.studyInstanceUID);
  const series = clean(ids.seriesInstanceUID);
  if (!study && !series) return null;
  return `${study}|${series}`;
}
