/**
 * The result document of ../shared/DESIGN.md "Results": one per analysed series. The viewer,
 * the PDF, the CSV and the command line read and write this one shape, and a phantom's
 * ground_truth.json has the same shape (without the model fields). The names DESIGN.md lists
 * are fixed; fields added here are marked as additions.
 */
import type { FractureType, GenantGrade, HeightsMm } from '../quantify/genant';
import type { Vec3 } from '../volume';

export interface ModelRef {
  name: string;
  sha256: string;
}

export interface VertebraResult {
  /** "v1", "v2", … superior → inferior. */
  id: string;
  /** A level name of the detector card (C1 … S1, T13 and L6 included), null when none fits. */
  level: string | null;
  /** Six points AS, AI, MS, MI, PS, PI, patient mm (LPS). */
  pointsMm: [Vec3, Vec3, Vec3, Vec3, Vec3, Vec3];
  /** The same six points as (column, row) pixels of the mid-sagittal image. */
  pointsPx: [[number, number], [number, number], [number, number], [number, number], [number, number], [number, number]];
  heightsMm: HeightsMm;
  genantRatio: number;
  grade: GenantGrade;
  type: FractureType;
  objectness: number;
  edited: boolean;
  /**
   * Addition: a person marked the vertebra "not evaluable" (too degenerate, cement, cut by the
   * field of view). It stays in the table and the report but leaves the patient summary.
   */
  notEvaluable?: boolean;
}

export interface Fracture {
  /** Addition: which vertebra. */
  id: string;
  level: string | null;
  grade: GenantGrade;
  type: FractureType;
}

export interface PatientSummary {
  /** The worst grade over all evaluated vertebrae (the one with the minimum G); 0 without any. */
  worstGrade: GenantGrade;
  /** Vertebrae of grade ≥ 1, superior → inferior (as a phantom's ground truth lists them). */
  fractures: Fracture[];
}

/** Addition: the image the pixel coordinates refer to, so a viewer can rebuild it. */
export interface MidSagittalInfo {
  rows: number;
  columns: number;
  stepMm: number;
  centreColumn: number;
  /** The smoothing the centreline got before straightening (detect.ts `detectorStraightening`); absent: none. */
  centrelineSmoothingSigmaMm?: number;
}

export interface AnalysisResult {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  models: ModelRef[];
  /** Centreline, superior → inferior, patient mm. */
  centrelineMm: Vec3[];
  /** [z superior, z inferior], patient mm. */
  limitsMm: [number, number];
  vertebrae: VertebraResult[];
  patient: PatientSummary;
  /** Addition. */
  midSagittal: MidSagittalInfo;
}

/**
 * DESIGN.md: the worst grade is the one of the minimum G over the evaluated vertebrae;
 * fractures are the graded ones. A vertebra marked not evaluable counts for neither.
 */
export function patientSummary(vertebrae: readonly VertebraResult[]): PatientSummary {
  const evaluated = vertebrae.filter((v) => !v.notEvaluable);
  let worst: VertebraResult | null = null;
  for (const v of evaluated) if (!worst || v.genantRatio < worst.genantRatio) worst = v;
  return {
    worstGrade: worst ? worst.grade : 0,
    fractures: evaluated.filter((v) => v.grade > 0).map((v) => ({ id: v.id, level: v.level, grade: v.grade, type: v.type })),
  };
}
