/**
 * For the review's tests: analysis results made the way the pipeline makes them (straightening
 * by detect.ts `straightenForDetector`, vertebrae by `vertebraeFromDetections` from detections
 * with confident level logits, the summary by `patientSummary`), with vertebrae of chosen
 * heights and depths, so an edit's numbers can be worked out by hand.
 */
import detectorCardJson from '../pipeline/testdata/vertebra-detector.json';
import type { Detection } from '../pipeline/decode';
import { midSagittalInfo, straightenForDetector, vertebraeFromDetections } from '../pipeline/detect';
import type { DetectorCard } from '../pipeline/modelCard';
import { patientSummary, type AnalysisResult } from '../pipeline/result';
import type { Vec3, Volume } from '../volume';

export const fixtureCard = detectorCardJson as unknown as DetectorCard;

export interface FixtureVertebra {
  level: string;
  /** Mean row of its points (its centre). */
  row: number;
  anteriorMm?: number;
  middleMm?: number;
  posteriorMm?: number;
  depthMm?: number;
}

export interface FixtureOptions {
  vertebrae: FixtureVertebra[];
  stepMm?: number;
  halfWidthMm?: number;
  /** Default: straight down the z axis from z = 300 to z = 0, given inferior first. */
  centrelineMm?: Vec3[];
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
}

/** A straight spine at x = y = 0 from z = 0 to z = 300 (inferior first, as a localizer may give it). */
export const straightCentreline: Vec3[] = Array.from({ length: 31 }, (_, i) => [0, 0, i * 10]);

/** Air everywhere: the image content plays no part in the edits. */
const emptyVolume: Volume = {
  geometry: { dimensions: [2, 2, 2], spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: { column: [1, 0, 0], row: [0, 1, 0], slice: [0, 0, 1] } },
  voxels: new Int16Array(8),
  metadata: {} as Volume['metadata'],
  warnings: [],
};

/**
 * Upright vertebrae on the image: rows along the spine, columns anterior → posterior, centred on
 * the centre column. On the straight default spine a pixel is stepMm in patient space, so the
 * heights come out as given.
 */
export function fixtureResult(options: FixtureOptions): AnalysisResult {
  const stepMm = options.stepMm ?? 1;
  const card: DetectorCard = { ...fixtureCard, straightening: { ...fixtureCard.straightening, stepMm, halfWidthMm: options.halfWidthMm ?? fixtureCard.straightening.halfWidthMm } };
  const centrelineMm = options.centrelineMm ?? straightCentreline;
  const mid = straightenForDetector(emptyVolume, centrelineMm, card);
  const c = mid.straightening.centreColumn;
  const detections: Detection[] = options.vertebrae.map((v) => {
    const [a, m, p] = [v.anteriorMm ?? 25, v.middleMm ?? 25, v.posteriorMm ?? 25].map((h) => h / stepMm / 2);
    const d = (v.depthMm ?? 30) / stepMm / 2;
    const levelLogits = new Float64Array(card.levelNames.length);
    levelLogits[card.levelNames.indexOf(v.level)] = 20;
    return {
      pointsPx: [[c - d, v.row - a], [c - d, v.row + a], [c, v.row - m], [c, v.row + m], [c + d, v.row - p], [c + d, v.row + p]],
      score: 0.9,
      levelIndex: card.levelNames.indexOf(v.level),
      levelLogits,
      cell: [0, 0],
    };
  });
  const vertebrae = vertebraeFromDetections(detections, mid.straightening, card);
  return {
    studyInstanceUID: options.studyInstanceUID ?? '1.2.826.0.1.1',
    seriesInstanceUID: options.seriesInstanceUID ?? '1.2.826.0.1.1.2',
    models: [{ name: fixtureCard.name, sha256: fixtureCard.sha256 }],
    centrelineMm,
    limitsMm: [300, 0],
    vertebrae,
    patient: patientSummary(vertebrae),
    midSagittal: midSagittalInfo(mid, card),
  };
}

/** T10 … L2, 25 mm tall and 30 mm deep, 30 mm apart (centres at 40, 70, … mm down the spine), ids v1 … v5. */
export function fiveVertebrae(overrides: Partial<FixtureOptions> = {}): AnalysisResult {
  const levels = ['T10', 'T11', 'T12', 'L1', 'L2'];
  const stepMm = overrides.stepMm ?? 1;
  return fixtureResult({ vertebrae: levels.map((level, i) => ({ level, row: (40 + 30 * i) / stepMm })), ...overrides });
}

/** Freezes every object and array in it, so that any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
