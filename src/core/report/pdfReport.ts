/**
 * The PDF report of one analysed series (issue 6 "Report"): patient and study header, the
 * figure, the table of vertebrae, the summary in words, what a person edited, the models and
 * the date, and on every page the statement that a physician must check it. Pure: no DOM and
 * no canvas, so the browser and Node (tests, the command line) build the same bytes.
 */
import { jsPDF } from 'jspdf';
import type { AnalysisResult } from '../pipeline/result';
import type { VolumeMetadata } from '../volume';
import { drawFigure, type ReportImage } from './reportFigure';
import { drawVertebraTable } from './reportTable';
import { levelsCaveat, summaryText } from './summaryText';
import {
  baseline,
  contentWidthMm,
  footerBaselineMm,
  fontSizePt,
  heading,
  lineMm,
  marginMm,
  mutedRgb,
  pageWidthMm,
  paragraph,
  sectionGapMm,
  setFont,
  text,
} from './pdfLayout';

export interface ReportEdit {
  /** The vertebra's id ("v7"). */
  id: string;
  level: string | null;
  /** What the person did, in words: "moved the anterior-inferior point", "marked not evaluable". */
  what: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  sha256: string;
}

export interface ReportInput {
  result: AnalysisResult;
  metadata: VolumeMetadata;
  /** Leave out everything that identifies the patient or the study (name, ID, dates, sex, UIDs). */
  deidentify: boolean;
  /** The straightened mid-sagittal image the result's pixel coordinates refer to. */
  image: ReportImage;
  edits: readonly ReportEdit[];
  /** A person set a level in the review (summaryText.ts levelsCaveat: the count is then theirs). */
  levelsSetByPerson?: boolean;
  modelVersions: readonly ModelVersion[];
  /** Ids of the vertebrae the AI found; the others are shown as added by a person. */
  aiIds?: ReadonlySet<string>;
  generatedAt: Date;
  appVersion: string;
}

export const reportTitle = 'SpineLens vertebral fracture report';
export const physicianStatement = 'This result was produced by software and must be checked by a physician before clinical use.';
export const noEditsText = "None: all measurements are the AI's.";
export const deidentifiedText = 'De-identified';

const missing = '-';
const headerLabelMm = 24;
const headerColumnMm = contentWidthMm / 2;
const shortHashLength = 12;

/** "DOE^JOHN^^^" → "DOE, JOHN" */
function personName(pn: string): string {
  const parts = pn.split('^').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return missing;
  return parts.length === 1 ? parts[0] : `${parts[0]}, ${parts.slice(1).join(' ')}`;
}

/** "20221208" → "2022-12-08"; anything else as it is. */
function dicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da.trim() || missing;
}

function sex(cs: string): string {
  return { M: 'Male', F: 'Female', O: 'Other' }[cs.trim().toUpperCase()] ?? (cs.trim() || missing);
}

/** "2025-03-01 14:05 UTC": UTC, so the same moment prints the same wherever it is built. */
function utcDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function drawTitle(doc: jsPDF, yMm: number): number {
  setFont(doc, fontSizePt.title, 'bold');
  text(doc, reportTitle, marginMm, yMm + 6);
  return yMm + 10;
}

/** Two columns of "label value" lines: the patient on the left, the study on the right. */
function drawHeader(doc: jsPDF, yMm: number, metadata: VolumeMetadata, result: AnalysisResult, deidentify: boolean): number {
  const patient: [string, string][] = deidentify
    ? [['Patient', deidentifiedText]]
    : [
        ['Patient', personName(metadata.patientName)],
        ['Patient ID', metadata.patientId.trim() || missing],
        ['Birth date', dicomDate(metadata.patientBirthDate)],
        ['Sex', sex(metadata.patientSex)],
      ];
  const study: [string, string][] = [
    ...(deidentify ? [] : ([['Study date', dicomDate(metadata.studyDate)]] as [string, string][])),
    ['Study', metadata.studyDescription.trim() || missing],
    ['Series', metadata.seriesDescription.trim() || missing],
    ...(deidentify
      ? []
      : ([
          ['Study UID', result.studyInstanceUID],
          ['Series UID', result.seriesInstanceUID],
        ] as [string, string][])),
  ];
  const drawColumn = (rows: [string, string][], x: number) =>
    rows.forEach(([label, value], i) => {
      const y = baseline(yMm + i * lineMm);
      setFont(doc, fontSizePt.body, 'bold');
      text(doc, label, x, y);
      setFont(doc, fontSizePt.body);
      const fitted = (doc.splitTextToSize(value, headerColumnMm - headerLabelMm - 2) as string[])[0] ?? '';
      text(doc, fitted, x + headerLabelMm, y);
    });
  drawColumn(patient, marginMm);
  drawColumn(study, marginMm + headerColumnMm);
  const bottom = yMm + Math.max(patient.length, study.length) * lineMm + 1;
  doc.setDrawColor(...mutedRgb);
  doc.setLineWidth(0.3);
  doc.line(marginMm, bottom, marginMm + contentWidthMm, bottom);
  return bottom + sectionGapMm;
}

function drawSummary(doc: jsPDF, yMm: number, result: AnalysisResult, levelsSetByPerson: boolean): number {
  const afterSummary = paragraph(doc, summaryText(result), heading(doc, 'Summary', yMm), 'bold');
  const caveat = levelsCaveat(result.vertebrae, levelsSetByPerson);
  return (caveat ? paragraph(doc, caveat, afterSummary + 1) : afterSummary) + sectionGapMm;
}

function editLines(input: ReportInput): string[] {
  const name = (id: string, level: string | null) => level ?? `${id} (no level)`;
  if (input.edits.length > 0) return input.edits.map((e) => `${name(e.id, e.level)}: ${e.what}`);
  // Without a list of edits, the flags in the result still say which vertebrae a person touched.
  return input.result.vertebrae
    .filter((v) => v.edited || v.notEvaluable)
    .map((v) => `${name(v.id, v.level)}: ${v.notEvaluable ? 'marked not evaluable' : 'edited'}`);
}

function drawEdits(doc: jsPDF, yMm: number, input: ReportInput): number {
  const lines = editLines(input);
  let y = heading(doc, 'Edited by a person', yMm);
  if (lines.length === 0) return paragraph(doc, noEditsText, y) + sectionGapMm;
  for (const line of lines) y = paragraph(doc, `- ${line}`, y);
  return y + sectionGapMm;
}

function drawProvenance(doc: jsPDF, yMm: number, input: ReportInput): number {
  const short = (sha: string) => sha.slice(0, shortHashLength);
  const models =
    input.modelVersions.length > 0
      ? input.modelVersions.map((m) => `${m.name}${m.version ? ` ${m.version}` : ''} (sha256 ${short(m.sha256)})`)
      : input.result.models.map((m) => `${m.name}, version not recorded (sha256 ${short(m.sha256)})`);
  let y = heading(doc, 'Models and date', yMm);
  for (const line of models.length > 0 ? models : ['No models recorded in this result.']) y = paragraph(doc, line, y);
  return paragraph(doc, `Report generated ${utcDateTime(input.generatedAt)} by SpineLens ${input.appVersion}.`, y);
}

/** On every page: the physician statement and the page number, drawn once the page count is known. */
function drawFooters(doc: jsPDF, appVersion: string): void {
  const pages = doc.getNumberOfPages();
  for (let page = 1; page <= pages; page++) {
    doc.setPage(page);
    setFont(doc, fontSizePt.small, 'bold');
    text(doc, physicianStatement, marginMm, footerBaselineMm);
    setFont(doc, fontSizePt.small, 'normal', mutedRgb);
    text(doc, `SpineLens ${appVersion}  page ${page} of ${pages}`, pageWidthMm - marginMm, footerBaselineMm + 3.5, 'right');
  }
}

/** The report as PDF bytes (A4 portrait). */
export function buildReportPdf(input: ReportInput): Uint8Array {
  const doc = new jsPDF({ unit: 'mm', format: 'a4', orientation: 'portrait' });
  doc.setCreationDate(input.generatedAt);
  doc.setDocumentProperties({ title: reportTitle, creator: `SpineLens ${input.appVersion}` });
  let y = drawTitle(doc, marginMm);
  y = drawHeader(doc, y, input.metadata, input.result, input.deidentify);
  y = drawSummary(doc, y, input.result, input.levelsSetByPerson ?? false);
  y = drawFigure(doc, y, input.image, input.result.vertebrae);
  y = drawVertebraTable(doc, heading(doc, 'Vertebrae', y), input.result.vertebrae, input.aiIds) + sectionGapMm;
  y = drawEdits(doc, y, input);
  drawProvenance(doc, y, input);
  drawFooters(doc, input.appVersion);
  return new Uint8Array(doc.output('arraybuffer'));
}
