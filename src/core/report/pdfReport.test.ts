/**
 * The report read back the way a person or a test of the app would: pdftotext for the words and
 * numbers, pdftoppm for what page 1 looks like (both from Debian's poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VertebraResult } from '../pipeline/result';
import type { VolumeMetadata } from '../volume';
import { buildReportPdf, deidentifiedText, noEditsText, physicianStatement, reportTitle, type ReportInput } from './pdfReport';
import { gradeRgb, notEvaluableRgb, type Rgb } from './pdfLayout';
import { summaryText, transitionalLevelsCaveat } from './summaryText';
import { heightsFor, levelsBetween, syntheticImage, syntheticResult, type VertebraSpec } from './syntheticResult';

const workDir = mkdtempSync(join(tmpdir(), 'spinelens-report-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const metadata: VolumeMetadata = {
  modality: 'CT',
  studyInstanceUID: '1.2.826.0.1.3680043.8.498.1',
  seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2',
  seriesDescription: 'Thorax 1.0 B30f',
  studyDescription: 'CT chest',
  studyDate: '20240131',
  patientName: 'Mustermann^Erika^^^',
  patientId: 'PID-734211',
  patientBirthDate: '19450312',
  patientSex: 'F',
  sourceFormat: 'dicom',
};

/** T4–L3 with a moderate T8 (a person moved its point), a severe T11 and L2 marked not evaluable. */
const specs: VertebraSpec[] = levelsBetween('T4', 'L3').map((level) => ({
  level,
  heightsMm: level === 'T8' ? heightsFor.moderateBiconcave : level === 'T11' ? heightsFor.severeCrush : heightsFor.normal,
  edited: level === 'T8',
  notEvaluable: level === 'L2',
}));

function reportInput(overrides: Partial<ReportInput> = {}, vertebrae = specs): ReportInput {
  const result = syntheticResult(vertebrae);
  return {
    result,
    metadata,
    deidentify: false,
    image: syntheticImage(result),
    edits: [
      { id: 'v5', level: 'T8', what: 'moved the middle-inferior point' },
      { id: 'v11', level: 'L2', what: 'marked not evaluable' },
    ],
    modelVersions: [
      { name: 'spine-localizer', version: '1.2.0', sha256: '0123456789abcdef'.repeat(4) },
      { name: 'vertebra-detector', version: '1.3.1', sha256: 'fedcba9876543210'.repeat(4) },
    ],
    generatedAt: new Date('2025-03-01T14:05:00Z'),
    appVersion: '0.1.0',
    ...overrides,
  };
}

let fileCount = 0;
function writePdf(pdf: Uint8Array): string {
  const path = join(workDir, `report-${++fileCount}.pdf`);
  writeFileSync(path, pdf);
  return path;
}

function pdfText(pdf: Uint8Array): string {
  return execFileSync('/usr/bin/pdftotext', ['-layout', writePdf(pdf), '-'], { encoding: 'utf8' });
}

/** Text with every run of white space made one space, for sentences that wrap. */
function flat(s: string): string {
  return s.replace(/\s+/g, ' ');
}

function tableRow(text: string, level: string): string | undefined {
  return text.split('\n').find((line) => new RegExp(`^\\s*${level}\\s+\\d`).test(line));
}

interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Page 1 as binary PPM (P6, maxval 255): a header of three numbers, then RGB bytes. */
function renderPage1(pdf: Uint8Array, dpi: number): Raster {
  const prefix = join(workDir, `page-${++fileCount}`);
  execFileSync('/usr/bin/pdftoppm', ['-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', writePdf(pdf), prefix]);
  const bytes = readFileSync(`${prefix}.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  return { width, height, rgb: new Uint8Array(bytes.subarray(header[0].length, header[0].length + width * height * 3)) };
}

function pixel(r: Raster, x: number, y: number): Rgb {
  const i = (y * r.width + x) * 3;
  return [r.rgb[i], r.rgb[i + 1], r.rgb[i + 2]];
}

function near(a: Rgb, b: Rgb, tolerance: number): boolean {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) <= tolerance;
}

/** The image's rectangle on the page: the rows and columns where its background grey is most of the row. */
function findImage(r: Raster, gray: number): { left: number; top: number; right: number; bottom: number } {
  const isBackground = (x: number, y: number) => near(pixel(r, x, y), [gray, gray, gray], 6);
  // A row of the image holds a run of its background; dark text in a colour near it (bold
  // lines, depending on the fonts that render the page) holds only short runs between glyphs.
  const rows: number[] = [];
  for (let y = 0; y < r.height; y++) {
    let run = 0;
    let longest = 0;
    for (let x = 0; x < r.width; x++) {
      run = isBackground(x, y) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    if (longest >= 20) rows.push(y);
  }
  const columns: number[] = [];
  for (let x = 0; x < r.width; x++) if (rows.filter((y) => isBackground(x, y)).length >= rows.length / 4) columns.push(x);
  return { left: Math.min(...columns), top: Math.min(...rows), right: Math.max(...columns) + 1, bottom: Math.max(...rows) + 1 };
}

describe('buildReportPdf', () => {
  const input = reportInput();
  const pdf = buildReportPdf(input);
  const text = pdfText(pdf);

  it('is a PDF of A4 pages', () => {
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    const info = execFileSync('/usr/bin/pdfinfo', [writePdf(pdf)], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
  });

  it('prints every vertebra with its heights, G, grade, type and source as measured', () => {
    for (const v of input.result.vertebrae) {
      const row = tableRow(text, v.level!);
      expect(row, `table row of ${v.level}`).toBeDefined();
      const cells = row!.trim().split(/\s{2,}/);
      const h = v.heightsMm;
      expect(cells.slice(0, 5)).toEqual([v.level, h.anterior.toFixed(1), h.middle.toFixed(1), h.posterior.toFixed(1), v.genantRatio.toFixed(2)]);
    }
    expect(tableRow(text, 'T11')).toMatch(/3 severe\s+crush\s+AI\s*$/);
    expect(tableRow(text, 'T8')).toMatch(/2 moderate\s+biconcave\s+edited\s*$/);
    expect(tableRow(text, 'T4')).toMatch(/0 normal\s+-\s+AI\s*$/);
    expect(tableRow(text, 'L2')).toMatch(/-\s+-\s+not evaluable\s*$/);
  });

  it('says "fracture" in the summary, lists the edits, the models and the date, and the physician statement', () => {
    const words = flat(text);
    expect(words).toContain(reportTitle);
    expect(words).toContain(summaryText(input.result));
    expect(words).toContain('fractures at T8 (moderate, biconcave) and T11 (severe, crush)');
    expect(words).toContain('Edited by a person');
    expect(words).toContain('- T8: moved the middle-inferior point');
    expect(words).toContain('- L2: marked not evaluable');
    expect(words).toContain('spine-localizer 1.2.0 (sha256 0123456789ab)');
    expect(words).toContain('vertebra-detector 1.3.1 (sha256 fedcba987654)');
    expect(words).toContain('2025-03-01 14:05 UTC');
    expect(words).toContain(physicianStatement);
  });

  it('marks a vertebra the AI is less sure of "AI, check" in the table and names it in the summary', () => {
    const unsure = specs.map((s) => (s.level === 'T11' ? { ...s, objectness: 0.62 } : s));
    const words = pdfText(buildReportPdf(reportInput({}, unsure)));
    expect(tableRow(words, 'T11')).toMatch(/3 severe\s+crush\s+AI, check\s*$/);
    expect(tableRow(words, 'T4')).toMatch(/0 normal\s+-\s+AI\s*$/);
    expect(flat(words)).toContain('The AI is less sure of T11: check its points first.');
  });

  it('prints the caveat on the levels under the summary where the lumbosacral junction is in view', () => {
    expect(flat(text)).not.toContain(transitionalLevelsCaveat); // T4–L3
    const lumbar = levelsBetween('T11', 'S1').map((level) => ({ level, heightsMm: heightsFor.normal }));
    const words = flat(pdfText(buildReportPdf(reportInput({ edits: [] }, lumbar))));
    expect(words).toContain(`${summaryText(syntheticResult(lumbar))} ${transitionalLevelsCaveat}`);
    const renumbered = flat(pdfText(buildReportPdf(reportInput({ edits: [], levelsSetByPerson: true }, lumbar))));
    expect(renumbered).not.toContain(transitionalLevelsCaveat);
  });

  it('says that nothing was edited when nothing was', () => {
    const unedited = reportInput({ edits: [] }, specs.map((s) => ({ ...s, edited: false, notEvaluable: false })));
    expect(flat(pdfText(buildReportPdf(unedited)))).toContain(`Edited by a person ${noEditsText}`);
  });

  it('prints the patient and study header, and leaves every identifying field out when de-identified', () => {
    const identifying = ['Mustermann, Erika', 'PID-734211', '1945-03-12', '2024-01-31', input.result.studyInstanceUID, input.result.seriesInstanceUID];
    for (const s of identifying) expect(text).toContain(s);
    expect(text).not.toContain(deidentifiedText);

    const anonymous = pdfText(buildReportPdf(reportInput({ deidentify: true })));
    for (const s of identifying) expect(anonymous).not.toContain(s);
    expect(anonymous).not.toContain('Mustermann');
    expect(anonymous).toContain(deidentifiedText);
    expect(anonymous).toContain('CT chest');
  });

  it('prints a name outside the standard font\'s characters without its accents rather than as garbage', () => {
    const named = pdfText(buildReportPdf(reportInput({ metadata: { ...metadata, patientName: 'Dvořák^Antonín' } })));
    expect(named).toContain('Dvorák, Antonín');
  });

  it('runs a long table onto the next page with its header, and keeps the statement on every page', () => {
    const all = levelsBetween('C1', 'S1').map((level) => ({ level, heightsMm: level === 'L1' ? heightsFor.severeCrush : heightsFor.normal }));
    expect(all).toHaveLength(25);
    const many = [...all, { level: null, heightsMm: heightsFor.normal }, { level: null, heightsMm: heightsFor.mildWedge }];
    const longPdf = buildReportPdf(reportInput({ edits: [] }, many));
    const pages = pdfText(longPdf).split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(flat(page)).toContain(physicianStatement);
    const tableHeaders = pages.filter((p) => /Level\s+h_a \(mm\)\s+h_m \(mm\)\s+h_p \(mm\)\s+G\s+Grade\s+Type\s+Source/.test(p));
    expect(tableHeaders.length).toBeGreaterThan(1);
    const longText = pages.join('\n');
    for (const { level } of all) expect(tableRow(longText, level), level).toBeDefined();
    expect(longText).toMatch(/v26 \(no level\)\s+24\.0/);
    expect(longText).toMatch(/v27 \(no level\)\s+19\.5.*1 mild\s+wedge/);
  });

  it('draws each vertebra\'s three height segments over the image in its grade colour', () => {
    const dpi = 50;
    const page = renderPage1(pdf, dpi);
    const { gray, rows, columns } = input.image;
    const box = findImage(page, gray[0]);
    // The image keeps its aspect: its pixels are square on the page too.
    const [sx, sy] = [(box.right - box.left) / columns, (box.bottom - box.top) / rows];
    expect(Math.abs(sx - sy) / sx).toBeLessThan(0.05);

    /** Colours seen within `radius` page pixels of the middle of each of a vertebra's segments. */
    const seen = (v: VertebraResult, colour: Rgb, radius = 2) =>
      [0, 2, 4].map((a) => {
        const [c, r] = [(v.pointsPx[a][0] + v.pointsPx[a + 1][0]) / 2, (v.pointsPx[a][1] + v.pointsPx[a + 1][1]) / 2];
        const [x, y] = [Math.round(box.left + (c + 0.5) * sx), Math.round(box.top + (r + 0.5) * sy)];
        for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (near(pixel(page, x + dx, y + dy), colour, 40)) return true;
        return false;
      });
    const byLevel = (level: string) => input.result.vertebrae.find((v) => v.level === level)!;
    expect(seen(byLevel('T11'), gradeRgb[3])).toEqual([true, true, true]);
    expect(seen(byLevel('T8'), gradeRgb[2])).toEqual([true, true, true]);
    expect(seen(byLevel('T4'), gradeRgb[0])).toEqual([true, true, true]);
    expect(seen(byLevel('L2'), notEvaluableRgb)).toEqual([true, true, true]);
    expect(seen(byLevel('T4'), gradeRgb[3], 4)).toEqual([false, false, false]);
    expect(seen(byLevel('T11'), gradeRgb[0], 4)).toEqual([false, false, false]);
  });
});
