/**
 * The report's "Edited by a person" lines, in words, from the review's comparison with the AI
 * result (src/core/review/editedSummary.ts): what changed and the heights before and after.
 */
import type { EditedSummary, ReviewedVertebra } from '../review/editedSummary';
import type { HeightsMm } from '../quantify/genant';
import type { ReportEdit } from './pdfReport';

const mm = (x: number) => x.toFixed(1);

function heightsChange(before: HeightsMm, after: HeightsMm): string {
  const parts = (['anterior', 'middle', 'posterior'] as const)
    .filter((k) => Math.abs(before[k] - after[k]) >= 0.05)
    .map((k) => `h_${k[0]} ${mm(before[k])} -> ${mm(after[k])} mm`);
  return parts.length ? `heights changed: ${parts.join(', ')}` : 'points moved (heights unchanged)';
}

function words(v: ReviewedVertebra): string {
  if (v.status === 'added' || !v.ai) return `added by a person (h_a ${mm(v.heightsMm.anterior)}, h_m ${mm(v.heightsMm.middle)}, h_p ${mm(v.heightsMm.posterior)} mm)`;
  const ai = v.ai;
  const out: string[] = [];
  if (v.changes.includes('points')) out.push(heightsChange(ai.heightsMm, v.heightsMm));
  if (v.changes.includes('level')) out.push(`level ${ai.level ?? 'none'} -> ${v.level ?? 'none'}`);
  if (v.changes.includes('notEvaluable')) out.push(v.notEvaluable ? 'marked not evaluable' : 'marked evaluable again');
  return out.join('; ');
}

export function editsForReport(summary: EditedSummary): ReportEdit[] {
  const edits = summary.vertebrae.filter((v) => v.status !== 'ai').map((v) => ({ id: v.id, level: v.level, what: words(v) }));
  const deleted = summary.deleted.map((d) => ({ id: d.id, level: d.ai.level, what: 'deleted (the AI had found it)' }));
  return [...edits, ...deleted];
}
