/**
 * The page of the PDF report: A4 portrait in mm, one standard font, and a cursor that flows
 * sections down the page and starts a new page when the next block would run into the footer.
 */
import type { jsPDF } from 'jspdf';
import type { Rgb } from '../quantify/gradeColors';
import { winAnsiSafe } from './winAnsi';

export const pageWidthMm = 210;
export const pageHeightMm = 297;
export const marginMm = 15;
export const contentWidthMm = pageWidthMm - 2 * marginMm;
/** Text baseline of the footer; content stops above `contentBottomMm`. */
export const footerBaselineMm = pageHeightMm - 8;
export const contentBottomMm = pageHeightMm - 16;

export const font = 'helvetica';
export const fontSizePt = { title: 16, heading: 11, body: 9, table: 8, small: 7 } as const;
/** Baseline to baseline for body text. */
export const lineMm = 4.2;
export const headingMm = 7;
export const sectionGapMm = 5;

export { gradeRgb, notEvaluableRgb, vertebraRgb, type Rgb } from '../quantify/gradeColors';

export const textRgb: Rgb = [0, 0, 0];
export const mutedRgb: Rgb = [90, 90, 90];

export function setFont(doc: jsPDF, sizePt: number, style: 'normal' | 'bold' = 'normal', rgb: Rgb = textRgb): void {
  doc.setFont(font, style);
  doc.setFontSize(sizePt);
  doc.setTextColor(...rgb);
}

/** Text in the standard font's encoding (see winAnsi.ts). */
export function text(doc: jsPDF, s: string, xMm: number, yMm: number, align: 'left' | 'right' = 'left'): void {
  doc.text(winAnsiSafe(s), xMm, yMm, { align });
}

/**
 * Every section takes the top of the space left (`yMm`) and returns the top below what it drew.
 * `ensureSpace` gives `yMm` back, or the top of a new page when `heightMm` more would not fit.
 */
export function ensureSpace(doc: jsPDF, yMm: number, heightMm: number): number {
  if (yMm + heightMm <= contentBottomMm) return yMm;
  doc.addPage();
  return marginMm;
}

/** Baseline of a line of body text whose top is `topMm`. */
export function baseline(topMm: number): number {
  return topMm + lineMm - 1;
}

/** A section heading, kept on the page of the first line after it. */
export function heading(doc: jsPDF, title: string, yMm: number): number {
  const y = ensureSpace(doc, yMm, headingMm + lineMm);
  setFont(doc, fontSizePt.heading, 'bold');
  text(doc, title, marginMm, y + headingMm - 2);
  return y + headingMm;
}

/** Wrapped body text, breaking pages between lines. */
export function paragraph(doc: jsPDF, s: string, yMm: number, style: 'normal' | 'bold' = 'normal'): number {
  setFont(doc, fontSizePt.body, style);
  let y = yMm;
  for (const line of doc.splitTextToSize(winAnsiSafe(s), contentWidthMm) as string[]) {
    y = ensureSpace(doc, y, lineMm);
    doc.text(line, marginMm, baseline(y));
    y += lineMm;
  }
  return y;
}
