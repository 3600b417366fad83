/**
 * The figure of the report: the straightened mid-sagittal image at its true aspect (square
 * pixels of `pixelMm`), each vertebra's anterior, middle and posterior height drawn over it as
 * vector lines in its grade colour, and its level and G beside it. Lines stay sharp at any zoom,
 * and the pixels are not altered, so the printed image is the one the measurements refer to.
 */
import type { jsPDF } from 'jspdf';
import type { VertebraResult } from '../pipeline/result';
import { gradeNames, type GenantGrade } from '../quantify/genant';
import { needsCheck } from '../review/aiConfidence';
import { encodeGrayPng } from './grayPng';
import { contentBottomMm, contentWidthMm, ensureSpace, fontSizePt, gradeRgb, marginMm, mutedRgb, notEvaluableRgb, setFont, text, vertebraRgb, type Rgb } from './pdfLayout';

export interface ReportImage {
  /** rows × columns, row-major, already windowed to 0..255. */
  gray: Uint8Array;
  rows: number;
  columns: number;
  pixelMm: number;
}

const maxImageWidthMm = 95;
const maxImageHeightMm = 150;
/** Less room than this on the page moves the figure to the next one. */
const minImageHeightMm = 80;
const segmentWidthMm = 0.6;
/** From the image's right edge to a label, with a leader line across. */
const leaderMm = 6;
const swatchMm = 2;
/** Labels closer than this are pushed down so that none overlaps the one above. */
const labelPitchMm = 3;
const labelColumnMm = 38;
const legendPitchMm = 4;
const legendWidthMm = 55;
const captionMm = 10;
const scaleBarsMm = [50, 20, 10];

/** The three height segments: AS–AI, MS–MI, PS–PI (indices into the six points). */
const segments = [
  [0, 1],
  [2, 3],
  [4, 5],
] as const;

interface Placement {
  xMm: number;
  yMm: number;
  /** Page mm per image pixel. */
  mmPerPixel: number;
  widthMm: number;
  heightMm: number;
}

/** Pixel (column, row) has its centre at (column + 0.5, row + 0.5) pixel widths from the corner. */
function toPage(p: Placement, [column, row]: readonly number[]): [number, number] {
  return [p.xMm + (column + 0.5) * p.mmPerPixel, p.yMm + (row + 0.5) * p.mmPerPixel];
}

function place(image: ReportImage, yMm: number, maxHeightMm: number): Placement {
  const mmPerImageMm = Math.min(maxImageWidthMm / (image.columns * image.pixelMm), maxHeightMm / (image.rows * image.pixelMm));
  const mmPerPixel = mmPerImageMm * image.pixelMm;
  return { xMm: marginMm, yMm, mmPerPixel, widthMm: image.columns * mmPerPixel, heightMm: image.rows * mmPerPixel };
}

function drawSegments(doc: jsPDF, p: Placement, vertebrae: readonly VertebraResult[]): void {
  doc.setLineWidth(segmentWidthMm);
  for (const v of vertebrae) {
    doc.setDrawColor(...vertebraRgb(v));
    for (const [a, b] of segments) doc.line(...toPage(p, v.pointsPx[a]), ...toPage(p, v.pointsPx[b]));
  }
}

function labelText(v: VertebraResult): string {
  const name = v.level ?? v.id;
  return `${name}  G ${v.genantRatio.toFixed(2)}${v.notEvaluable ? '  not evaluable' : needsCheck(v) ? '  check' : ''}`;
}

function swatch(doc: jsPDF, rgb: Rgb, xMm: number, centreYMm: number): void {
  doc.setFillColor(...rgb);
  doc.rect(xMm, centreYMm - swatchMm / 2, swatchMm, swatchMm, 'F');
}

function drawLabels(doc: jsPDF, p: Placement, vertebrae: readonly VertebraResult[]): number {
  const labelX = p.xMm + p.widthMm + leaderMm;
  setFont(doc, fontSizePt.small);
  doc.setLineWidth(0.15);
  let previousY = -Infinity;
  for (const v of vertebrae) {
    const rowMean = v.pointsPx.reduce((sum, q) => sum + q[1], 0) / 6;
    const vertebraY = toPage(p, [0, rowMean])[1];
    const labelY = Math.max(vertebraY, previousY + labelPitchMm);
    previousY = labelY;
    doc.setDrawColor(...mutedRgb);
    doc.line(p.xMm + p.widthMm + 0.5, vertebraY, labelX - 0.5, labelY);
    swatch(doc, vertebraRgb(v), labelX, labelY);
    text(doc, labelText(v), labelX + swatchMm + 1, labelY + 1);
  }
  return labelX + labelColumnMm;
}

function drawLegend(doc: jsPDF, xMm: number, yMm: number): void {
  setFont(doc, fontSizePt.small, 'bold');
  text(doc, 'Straightened mid-sagittal image', xMm, yMm + 2.5);
  setFont(doc, fontSizePt.small);
  text(doc, 'Lines: anterior, middle and posterior height', xMm, yMm + 2.5 + legendPitchMm);
  const entries: [Rgb, string][] = ([0, 1, 2, 3] as GenantGrade[]).map((g) => [gradeRgb[g], `Genant ${g} ${gradeNames[g]}`]);
  entries.push([notEvaluableRgb, 'not evaluable']);
  entries.forEach(([rgb, label], i) => {
    const y = yMm + 2 + (i + 2) * legendPitchMm;
    swatch(doc, rgb, xMm, y);
    text(doc, label, xMm + swatchMm + 1, y + 1);
  });
}

/** A bar of a round length in patient mm under the image, so a printed reader can measure. */
function drawScaleBar(doc: jsPDF, p: Placement, pixelMm: number): void {
  const pageMmPerPatientMm = p.mmPerPixel / pixelMm;
  const barMm = scaleBarsMm.find((mm) => mm * pageMmPerPatientMm <= p.widthMm) ?? scaleBarsMm[scaleBarsMm.length - 1];
  const y = p.yMm + p.heightMm + 3;
  doc.setDrawColor(0, 0, 0);
  doc.setLineWidth(0.4);
  doc.line(p.xMm, y, p.xMm + barMm * pageMmPerPatientMm, y);
  setFont(doc, fontSizePt.small);
  text(doc, `${barMm} mm`, p.xMm, y + 3.5);
}

export function drawFigure(doc: jsPDF, yMm: number, image: ReportImage, vertebrae: readonly VertebraResult[]): number {
  if (image.rows <= 0 || image.columns <= 0) return yMm;
  let y = ensureSpace(doc, yMm, minImageHeightMm + captionMm);
  const p = place(image, y, Math.min(maxImageHeightMm, contentBottomMm - y - captionMm));
  doc.addImage(encodeGrayPng(image.gray, image.rows, image.columns), 'PNG', p.xMm, p.yMm, p.widthMm, p.heightMm, 'mid-sagittal', 'FAST');
  drawSegments(doc, p, vertebrae);
  const legendX = drawLabels(doc, p, vertebrae);
  drawLegend(doc, Math.min(legendX, marginMm + contentWidthMm - legendWidthMm), p.yMm);
  drawScaleBar(doc, p, image.pixelMm);
  y = p.yMm + p.heightMm + captionMm;
  return y;
}
