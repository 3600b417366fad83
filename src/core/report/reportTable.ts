/**
 * The table of vertebrae: one row each, superior → inferior, with its header repeated on every
 * page the table runs onto.
 */
import type { jsPDF } from 'jspdf';
import type { VertebraResult } from '../pipeline/result';
import { gradeNames } from '../quantify/genant';
import { needsCheck } from '../review/aiConfidence';
import { vertebraSource, type VertebraSource } from '../review/vertebraSource';
import { ensureSpace, fontSizePt, marginMm, mutedRgb, setFont, text, vertebraRgb } from './pdfLayout';

interface Column {
  title: string;
  widthMm: number;
  align: 'left' | 'right';
  cell: (v: VertebraResult, source: VertebraSource) => string;
}

const mm = (x: number) => x.toFixed(1);

const columns: Column[] = [
  { title: 'Level', widthMm: 24, align: 'left', cell: (v) => v.level ?? `${v.id} (no level)` },
  { title: 'h_a (mm)', widthMm: 18, align: 'right', cell: (v) => mm(v.heightsMm.anterior) },
  { title: 'h_m (mm)', widthMm: 18, align: 'right', cell: (v) => mm(v.heightsMm.middle) },
  { title: 'h_p (mm)', widthMm: 18, align: 'right', cell: (v) => mm(v.heightsMm.posterior) },
  { title: 'G', widthMm: 14, align: 'right', cell: (v) => v.genantRatio.toFixed(2) },
  // Space before the grade for its colour swatch.
  { title: 'Grade', widthMm: 30, align: 'left', cell: (v) => (v.notEvaluable ? '-' : `${v.grade} ${gradeNames[v.grade]}`) },
  { title: 'Type', widthMm: 22, align: 'left', cell: (v) => (v.notEvaluable || v.grade === 0 ? '-' : v.type) },
  // "AI, check": the AI is less sure of it (aiConfidence.ts); the summary above names it too.
  { title: 'Source', widthMm: 26, align: 'left', cell: (v, source) => (needsCheck(v) ? 'AI, check' : source) },
];

const rowMm = 5;
const cellPaddingMm = 1.5;
const gradeColumn = 5;
const swatchMm = 2.2;

function columnX(index: number): number {
  return marginMm + columns.slice(0, index).reduce((sum, c) => sum + c.widthMm, 0);
}

function drawRow(doc: jsPDF, cells: string[], yMm: number): void {
  cells.forEach((cell, i) => {
    const c = columns[i];
    const x = c.align === 'right' ? columnX(i) + c.widthMm - cellPaddingMm : columnX(i) + cellPaddingMm + (i === gradeColumn ? swatchMm + 1 : 0);
    text(doc, cell, x, yMm + rowMm - 1.5, c.align);
  });
}

function drawHeaderRow(doc: jsPDF, yMm: number): number {
  setFont(doc, fontSizePt.table, 'bold');
  drawRow(
    doc,
    columns.map((c) => c.title),
    yMm,
  );
  doc.setDrawColor(...mutedRgb);
  doc.setLineWidth(0.3);
  doc.line(marginMm, yMm + rowMm, columnX(columns.length), yMm + rowMm);
  return yMm + rowMm + 0.5;
}

export function drawVertebraTable(doc: jsPDF, yMm: number, vertebrae: readonly VertebraResult[], aiIds?: ReadonlySet<string>): number {
  let y = drawHeaderRow(doc, ensureSpace(doc, yMm, 3 * rowMm));
  for (const v of vertebrae) {
    const next = ensureSpace(doc, y, rowMm);
    if (next !== y) y = drawHeaderRow(doc, next);
    setFont(doc, fontSizePt.table);
    drawRow(
      doc,
      columns.map((c) => c.cell(v, vertebraSource(v, aiIds))),
      y,
    );
    doc.setFillColor(...vertebraRgb(v));
    doc.rect(columnX(gradeColumn) + cellPaddingMm, y + (rowMm - swatchMm) / 2, swatchMm, swatchMm, 'F');
    y += rowMm;
  }
  return y;
}
