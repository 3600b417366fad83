/**
 * Step 2: straighten along the centreline, prepare the mid-sagittal image as
 * training/models/preprocess.py `preprocess_detector` does (zero mean, unit population variance,
 * zero padding at the end to the card's multiple), run the detector, decode (decode.ts), and turn
 * each kept detection into a vertebra: points mapped back to patient mm through the
 * straightening's pixel → patient map (never measured in straightened pixels), heights, G, grade
 * and type (genant.ts), levels made consistent along the spine (levels.ts).
 */
import { smoothCentreline } from '../geometry/smoothCentreline';
import { buildStraightening, midSagittalImage, pixelToPatientMm, type Straightening } from '../geometry/straighten';
import { genant } from '../quantify/genant';
import type { SixPoints } from '../quantify/sixPoints';
import type { Vec3, Volume, VolumeGeometry } from '../volume';
import { decodeDetector, type Detection, type DetectorOutputs, type ImageSize } from './decode';
import { insideImage, insideScan } from './insideScan';
import { assignLevels } from './levels';
import type { DetectorCard } from './modelCard';
import { oneColumn } from './oneColumn';
import type { MidSagittalInfo, VertebraResult } from './result';
import { output, type CheckedModel, type TensorData } from './runner';

export interface MidSagittal {
  straightening: Straightening;
  /** rows × columns, row-major, HU (card.straightening.outsideHu outside the volume). */
  image: Float32Array;
  rows: number;
  columns: number;
}

/** The centreline superior → inferior (image rows run that way): straightening.py `superior_first`. */
export function superiorFirst(centrelineMm: readonly Vec3[]): Vec3[] {
  return centrelineMm[0][2] < centrelineMm[centrelineMm.length - 1][2] ? [...centrelineMm].reverse() : [...centrelineMm];
}

export interface StraighteningOptions {
  stepMm: number;
  halfWidthMm: number;
  /** 0 or absent: no smoothing (cards and results made before smoothing existed). */
  centrelineSmoothingSigmaMm?: number;
}

/** straightening.py `straightening_for`: superior first, smoothed along its arc, straightened. */
export function detectorStraightening(centrelineMm: readonly Vec3[], options: StraighteningOptions): Straightening {
  const { stepMm, halfWidthMm, centrelineSmoothingSigmaMm = 0 } = options;
  const line = superiorFirst(centrelineMm);
  // Without smoothing, exactly the straightening of results saved before smoothing existed.
  const curve = centrelineSmoothingSigmaMm > 0 ? smoothCentreline(line, centrelineSmoothingSigmaMm, stepMm) : line;
  return buildStraightening(curve, { stepMm, halfWidthMm });
}

/** What a result keeps of its mid-sagittal image, enough to rebuild the straightening (review/straighteningOf.ts). */
export function midSagittalInfo(mid: MidSagittal, card: DetectorCard): MidSagittalInfo {
  const { stepMm, centreColumn } = mid.straightening;
  return { rows: mid.rows, columns: mid.columns, stepMm, centreColumn, centrelineSmoothingSigmaMm: card.straightening.centrelineSmoothingSigmaMm ?? 0 };
}

/** straightening.py `straighten_study` with the card's step, smoothing, half width and outside value. */
export function straightenForDetector(volume: Volume, centrelineMm: readonly Vec3[], card: DetectorCard): MidSagittal {
  const { outsideHu } = card.straightening;
  const straightening = detectorStraightening(centrelineMm, card.straightening);
  const image = midSagittalImage(volume, straightening, outsideHu);
  return { straightening, image, rows: straightening.curveMm.length, columns: straightening.columns };
}

/** preprocess.py `normalise_image`: (x − mean) / max(std, minStd), population std, in float64. */
export function normaliseImage(image: ArrayLike<number>, minStd: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < image.length; i++) sum += image[i];
  const mean = sum / image.length;
  let squares = 0;
  for (let i = 0; i < image.length; i++) squares += (image[i] - mean) ** 2;
  const std = Math.max(Math.sqrt(squares / image.length), minStd);
  return Float32Array.from(image, (v) => (v - mean) / std);
}

/** preprocess.py `preprocess_detector`: normalised, padded at the end → [1, 1, Hp, Wp]. */
export function detectorInput(image: ArrayLike<number>, rows: number, columns: number, card: DetectorCard): TensorData {
  const { minStd, padMultiple, padValue } = card.preprocessing;
  const normalised = normaliseImage(image, minStd);
  const Hp = Math.ceil(rows / padMultiple) * padMultiple;
  const Wp = Math.ceil(columns / padMultiple) * padMultiple;
  const data = new Float32Array(Hp * Wp).fill(padValue);
  for (let r = 0; r < rows; r++) data.set(normalised.subarray(r * columns, (r + 1) * columns), r * Wp);
  return { data, dims: [1, 1, Hp, Wp] };
}

export async function runDetector(model: CheckedModel<DetectorCard>, input: TensorData): Promise<DetectorOutputs> {
  const name = model.card.name;
  const outputs = await model.session.run({ [model.card.inputs[0].name]: input });
  const objectness = output(outputs, 'objectness', name);
  const keypoints = output(outputs, 'keypoints', name);
  const level = model.card.outputs.some((o) => o.name === 'level') ? output(outputs, 'level', name) : null;
  const [h, w] = objectness.dims.slice(-2);
  const levels = level ? level.dims[1] : 0;
  if (keypoints.data.length !== 12 * h * w || (level && level.data.length !== levels * h * w)) {
    throw new Error(`model ${name} gave objectness ${JSON.stringify(objectness.dims)}, keypoints ${JSON.stringify(keypoints.dims)}${level ? `, level ${JSON.stringify(level.dims)}` : ''}: the grids differ`);
  }
  if (level && levels !== model.card.levelNames.length) throw new Error(`model ${name} gives ${levels} level logits, its card names ${model.card.levelNames.length} levels`);
  return { objectness: objectness.data, keypoints: keypoints.data, level: level?.data ?? null, levels, h, w };
}

/**
 * The detections that can be vertebral bodies: their six points all on the straightened image and,
 * mapped to patient mm, inside the scan (insideScan.ts), and none beside a surer one (oneColumn.ts).
 */
export function bodyDetections(detections: readonly Detection[], s: Straightening, geometry: VolumeGeometry): Detection[] {
  const rows = s.curveMm.length;
  return oneColumn(detections.filter((d) => insideImage(rows, d.pointsPx) && insideScan(geometry, d.pointsPx.map(([column, row]) => pixelToPatientMm(s, column, row)))));
}

/** Kept detections → vertebrae in patient mm with Genant quantities and consistent levels. */
export function vertebraeFromDetections(detections: readonly Detection[], s: Straightening, card: DetectorCard): VertebraResult[] {
  const centroidRow = (d: Detection) => d.pointsPx.reduce((sum, p) => sum + p[1], 0) / 6;
  const levels = assignLevels(
    detections.map((d) => ({ logits: d.levelLogits, positionMm: centroidRow(d) * s.stepMm })),
    card.levelNames,
  );
  return detections.map((d, i) => {
    const pointsMm = d.pointsPx.map(([column, row]) => pixelToPatientMm(s, column, row)) as VertebraResult['pointsMm'];
    const q = genant(pointsMm as SixPoints);
    const level = levels[i];
    return {
      id: `v${i + 1}`,
      level: level === null ? null : card.levelNames[level],
      pointsMm,
      pointsPx: d.pointsPx.map(([c, r]) => [c, r]) as VertebraResult['pointsPx'],
      heightsMm: q.heightsMm,
      genantRatio: q.genantRatio,
      grade: q.grade,
      type: q.type,
      objectness: d.score,
      edited: false,
    };
  });
}

/** Decode with the card's thresholds and stride; cells in the input's padding beyond `image` are dropped. */
export function decodeWithCard(outputs: DetectorOutputs, card: DetectorCard, image: ImageSize): Detection[] {
  return decodeDetector(outputs, card.thresholds, card.stride, image);
}
