/**
 * The exports of a review: the result document (JSON of DESIGN.md "Results"), the CSV, and the
 * PDF report, each saved as a download. The PDF module is loaded on first use (it is large).
 */
import { resultToCsv } from '../../core/pipeline/resultCsv';
import type { AnalysisResult } from '../../core/pipeline/result';
import { windowToGray } from '../../core/report/windowToGray';
import { editedSummary, levelsSetByPerson } from '../../core/review';
import type { Volume } from '../../core/volume';
import type { ExportKind } from './ReviewPanel';
import { straightImageHu } from './straightImage';
import type { Review } from './useReview';

export interface ExportInput {
  review: Review;
  shown: AnalysisResult;
  volume: Volume;
  deidentify: boolean;
  windowWL: { width: number; level: number };
}

function download(bytes: BlobPart, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "spinelens-<patient id>-<study date>" or, de-identified, "spinelens-report". */
function baseName(volume: Volume, deidentify: boolean): string {
  const { patientId, studyDate } = volume.metadata;
  const parts = deidentify ? ['report'] : [patientId, studyDate].filter(Boolean);
  return ['spinelens', ...(parts.length ? parts : ['report'])].join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

export async function exportReview(kind: ExportKind, input: ExportInput): Promise<void> {
  const { shown, volume, deidentify } = input;
  const name = baseName(volume, deidentify);
  if (kind === 'json') return download(JSON.stringify(shown, null, 2), 'application/json', `${name}.json`);
  if (kind === 'csv') return download(resultToCsv(shown), 'text/csv', `${name}.csv`);

  const s = input.review.straightening;
  const rows = s.curveMm.length;
  const pixels = straightImageHu(volume, s);
  const [{ buildReportPdf }, { editsForReport }] = await Promise.all([import('../../core/report/pdfReport'), import('../../core/report/reportEdits')]);
  const edited = editedSummary(input.review.ai, shown);
  const pdf = buildReportPdf({
    result: shown,
    metadata: volume.metadata,
    deidentify,
    image: { gray: windowToGray(pixels, input.windowWL), rows, columns: s.columns, pixelMm: s.stepMm },
    edits: editsForReport(edited),
    levelsSetByPerson: levelsSetByPerson(edited),
    aiIds: new Set(input.review.ai.vertebrae.map((v) => v.id)),
    modelVersions: shown.models.map((m) => ({ name: m.name, version: '', sha256: m.sha256 })),
    generatedAt: new Date(),
    appVersion: import.meta.env.VITE_APP_VERSION ?? '0.1.0',
  });
  download(pdf as BlobPart, 'application/pdf', `${name}.pdf`);
}
