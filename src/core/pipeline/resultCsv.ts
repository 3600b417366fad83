/**
 * The result document as CSV, one row per vertebra (superior → inferior): what a spreadsheet
 * or a statistics package wants. Heights in mm, G, grade and type, then the six points in
 * patient mm (LPS). RFC 4180 quoting; numbers at fixed precision so files diff cleanly.
 */
import { gradeNames } from '../quantify/genant';
import { pointNames } from '../quantify/sixPoints';
import type { AnalysisResult } from './result';

const pointColumns = pointNames.flatMap((p) => ['x', 'y', 'z'].map((axis) => `${p}_${axis}_mm`));

export const CSV_HEADER = [
  'studyInstanceUID', 'seriesInstanceUID', 'id', 'level', 'anteriorHeightMm', 'middleHeightMm', 'posteriorHeightMm',
  'genantRatio', 'grade', 'gradeName', 'type', 'objectness', 'edited', ...pointColumns,
];

function field(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultToCsv(result: AnalysisResult): string {
  const rows = result.vertebrae.map((v) => [
    result.studyInstanceUID, result.seriesInstanceUID, v.id, v.level,
    v.heightsMm.anterior.toFixed(2), v.heightsMm.middle.toFixed(2), v.heightsMm.posterior.toFixed(2),
    v.genantRatio.toFixed(4), v.grade, gradeNames[v.grade], v.type, v.objectness.toFixed(4), v.edited,
    ...v.pointsMm.flatMap((p) => p.map((c) => c.toFixed(2))),
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
