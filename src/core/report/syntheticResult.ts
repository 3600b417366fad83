/**
 * Test support: a result document of a straight spine whose vertebrae have chosen heights, and
 * its mid-sagittal image. Heights, G, grade and type come from the real Genant code, so a
 * test states only the heights it wants (and what grade those should give).
 */
import { patientSummary, type AnalysisResult, type VertebraResult } from '../pipeline/result';
import { genant } from '../quantify/genant';
import type { Vec3 } from '../volume';

export interface VertebraSpec {
  level: string | null;
  /** Anterior, middle and posterior height in mm. */
  heightsMm: [number, number, number];
  edited?: boolean;
  notEvaluable?: boolean;
  objectness?: number;
}

export const syntheticPixelMm = 0.8;
/** Body columns (anterior, middle, posterior) in the mid-sagittal image: columns run anterior → posterior. */
export const bodyColumns = [40, 60, 80] as const;
const imageColumns = 140;
const firstTopMm = 20;
/** Superior endplate to superior endplate. */
const pitchMm = 32;
const backgroundGray = 30;
const boneGray = 170;

type PointPx = [number, number];

/** Straight spine running down −z with columns toward posterior (+y): pixel → patient mm. */
function pixelToMm([column, row]: PointPx): Vec3 {
  return [0, (column - imageColumns / 2) * syntheticPixelMm, -row * syntheticPixelMm];
}

function vertebra(spec: VertebraSpec, index: number): VertebraResult {
  const topRow = (firstTopMm + index * pitchMm) / syntheticPixelMm;
  const pointsPx = bodyColumns.flatMap((column, i) => [
    [column, topRow],
    [column, topRow + spec.heightsMm[i] / syntheticPixelMm],
  ]) as VertebraResult['pointsPx'];
  const pointsMm = pointsPx.map(pixelToMm) as VertebraResult['pointsMm'];
  return {
    id: `v${index + 1}`,
    level: spec.level,
    pointsMm,
    pointsPx,
    ...genant(pointsMm),
    objectness: spec.objectness ?? 0.97,
    edited: spec.edited ?? false,
    ...(spec.notEvaluable ? { notEvaluable: true } : {}),
  };
}

export function syntheticResult(specs: readonly VertebraSpec[]): AnalysisResult {
  const vertebrae = specs.map(vertebra);
  const rows = Math.ceil((firstTopMm * 2 + specs.length * pitchMm) / syntheticPixelMm);
  return {
    studyInstanceUID: '2.25.1111',
    seriesInstanceUID: '2.25.2222',
    models: [
      { name: 'spine-localizer', sha256: 'a'.repeat(64) },
      { name: 'vertebra-detector', sha256: 'b'.repeat(64) },
    ],
    centrelineMm: [pixelToMm([imageColumns / 2, 0]), pixelToMm([imageColumns / 2, rows - 1])],
    limitsMm: [0, -(rows - 1) * syntheticPixelMm],
    vertebrae,
    patient: patientSummary(vertebrae),
    midSagittal: { rows, columns: imageColumns, stepMm: syntheticPixelMm, centreColumn: imageColumns / 2 },
  };
}

/** The windowed mid-sagittal image: dark background, each body a bright block. */
export function syntheticImage(result: AnalysisResult): { gray: Uint8Array; rows: number; columns: number; pixelMm: number } {
  const { rows, columns } = result.midSagittal;
  const gray = new Uint8Array(rows * columns).fill(backgroundGray);
  for (const v of result.vertebrae) {
    const top = Math.round(Math.min(...v.pointsPx.map((p) => p[1])));
    const bottom = Math.round(Math.max(...v.pointsPx.map((p) => p[1])));
    for (let row = top; row <= bottom; row++) gray.fill(boneGray, row * columns + bodyColumns[0] - 4, row * columns + bodyColumns[2] + 5);
  }
  return { gray, rows, columns, pixelMm: syntheticPixelMm };
}

/** Thoracic and lumbar level names from `first` to `last`, superior → inferior. */
export function levelsBetween(first: string, last: string): string[] {
  const all = [...Array.from({ length: 7 }, (_, i) => `C${i + 1}`), ...Array.from({ length: 12 }, (_, i) => `T${i + 1}`), ...Array.from({ length: 5 }, (_, i) => `L${i + 1}`), 'S1'];
  return all.slice(all.indexOf(first), all.indexOf(last) + 1);
}

/** Heights (mm) that give each grade with the named shortest height, for readable test specs. */
export const heightsFor = {
  normal: [24, 22.5, 25],
  mildWedge: [19.5, 23, 25],
  moderateBiconcave: [24, 17.5, 25],
  moderateWedge: [18, 23, 25],
  severeCrush: [24, 23, 14],
} satisfies Record<string, [number, number, number]>;
