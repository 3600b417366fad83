/**
 * Model cards (../shared/DESIGN.md "Model cards"): the JSON that training/models/card.py writes
 * beside each ONNX file, and the runtime's only source for how to use the model. Before the
 * first run the runtime checks the file's sha256 and the graph's input/output names and shapes
 * against the card, and says clearly what is wrong and how to fix it.
 */
import type { ModelSignature, TensorInfo } from './runner';
import type { SecondLookSettings } from './bodyCentreLine';

/** Names of the two networks as card.py / export.py spell them (public/models/NAME.onnx). */
export const LOCALIZER_NAME = 'spine-localizer';
export const DETECTOR_NAME = 'vertebra-detector';

/** What rebuilds a model, for error messages (package.json scripts). */
const REBUILD: Record<string, string> = {
  [LOCALIZER_NAME]: 'npm run train:localizer',
  [DETECTOR_NAME]: 'npm run train:detector',
};

/** One input or output as card.py `_io` writes it; string dims are dynamic (named) axes. */
export interface CardTensor {
  name: string;
  dtype: string;
  shape: (number | string)[];
  dynamicAxes: Record<string, string>;
  meaning: string;
}

/** Fields every card has (card.py `_common`). */
export interface CardCommon {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
  parameters: number;
  format: { onnx: boolean; opset: number; batch: number; ops: string[] };
  inputs: CardTensor[];
  outputs: CardTensor[];
  training: Record<string, unknown>;
  licence: string;
  metrics: { syntheticHeldout: Record<string, unknown>; real: Record<string, unknown> };
  reproduce: string;
}

/** card.py `localizer_card`. */
export interface LocalizerCard extends CardCommon {
  preprocessing: {
    steps: string[];
    /** Target grid spacing along patient x, y, z (after reorientation), mm. */
    spacingMm: [number, number, number];
    spacingAxes: string;
    antiAliasing: { sigmaPerShrink: number; truncateSigmas: number; edges: string };
    interpolation: string;
    window: { lowHu: number; highHu: number };
    normalisation: string;
    padMultiple: number;
    padValue: number;
    padSide: string;
    /** Step 5 (bodyCrop.ts). */
    bodyCrop: { level: number; share: number; marginVoxels: number };
    grid: string;
    inputUnits: string;
  };
  /** The network run slab by slab along z (slabs.ts). */
  inference: { slabSlices: number; slabStepSlices: number; rule: string };
  mapStrideXY: number;
  cellConvention: string;
  postprocessing: { presenceThreshold: number; limits: string; centreline: string; anchorPresence: number; smoothingSigmaSlices: number };
}

/** card.py `detector_card`. */
export interface DetectorCard extends CardCommon {
  /**
   * centrelineSmoothingSigmaMm: absent in cards made before the centreline was smoothed (read as 0).
   * secondLook: absent in cards made before it existed (the first look stands; bodyCentreLine.ts).
   */
  straightening: { stepMm: number; halfWidthMm: number; outsideHu: number; centrelineSmoothingSigmaMm?: number; secondLook?: SecondLookSettings & { rule?: string } };
  preprocessing: { steps: string[]; normalisation: string; minStd: number; padMultiple: number; padValue: number; padSide: string };
  stride: number;
  cellConvention: string;
  positiveRadiusMm: number;
  thresholds: { objectness: number; nmsButterflyIoU: number; evaluationMatchButterflyIoU: number };
  decoding: string;
  levelNames: string[];
  pointOrder: string[];
  lossWeighting: string;
}

export class ModelCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelCheckError';
  }
}

function rebuildHint(card: Pick<CardCommon, 'name'>): string {
  const command = REBUILD[card.name];
  return command ? `rebuild with ${command} or restore public/models` : 'rebuild it or restore the shipped models';
}

/** Hex sha256 of the bytes, by Web Crypto (the same in Node 20 and in browsers/workers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Copy into a plain ArrayBuffer: digest() refuses views over SharedArrayBuffer.
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The card fields the runtime reads for this model kind, present and of the right type. */
const REQUIRED_NUMBERS: Record<string, string[]> = {
  [LOCALIZER_NAME]: [
    'preprocessing.spacingMm.0', 'preprocessing.spacingMm.1', 'preprocessing.spacingMm.2',
    'preprocessing.antiAliasing.sigmaPerShrink', 'preprocessing.antiAliasing.truncateSigmas',
    'preprocessing.window.lowHu', 'preprocessing.window.highHu', 'preprocessing.padMultiple', 'preprocessing.padValue',
    'preprocessing.bodyCrop.level', 'preprocessing.bodyCrop.share', 'preprocessing.bodyCrop.marginVoxels',
    'inference.slabSlices', 'inference.slabStepSlices',
    'postprocessing.presenceThreshold', 'postprocessing.anchorPresence', 'postprocessing.smoothingSigmaSlices',
  ],
  [DETECTOR_NAME]: [
    'straightening.stepMm', 'straightening.halfWidthMm', 'straightening.outsideHu',
    'preprocessing.minStd', 'preprocessing.padMultiple', 'preprocessing.padValue',
    'stride', 'thresholds.objectness', 'thresholds.nmsButterflyIoU',
  ],
};

function lookup(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** Parse a card's JSON text and check the fields the runtime needs; `expectedName` guards a swap. */
export function parseCard<T extends CardCommon>(text: string, expectedName: string): T {
  let card: unknown;
  try {
    card = JSON.parse(text);
  } catch (e) {
    throw new ModelCheckError(`model card ${expectedName}.json is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const c = card as Partial<CardCommon>;
  if (c?.name !== expectedName) throw new ModelCheckError(`model card ${expectedName}.json names the model "${String(c?.name)}", expected "${expectedName}"`);
  if (typeof c.sha256 !== 'string' || !Array.isArray(c.inputs) || !Array.isArray(c.outputs)) {
    throw new ModelCheckError(`model card ${expectedName}.json lacks sha256, inputs or outputs; ${rebuildHint(c as CardCommon)}`);
  }
  const missing = (REQUIRED_NUMBERS[expectedName] ?? []).filter((path) => typeof lookup(card, path) !== 'number');
  if (expectedName === DETECTOR_NAME && !Array.isArray(lookup(card, 'levelNames'))) missing.push('levelNames');
  if (expectedName === DETECTOR_NAME && lookup(card, 'straightening.secondLook') !== undefined) {
    for (const key of ['maxOffsetMm', 'blendMm', 'sameBodyMm']) if (typeof lookup(card, `straightening.secondLook.${key}`) !== 'number') missing.push(`straightening.secondLook.${key}`);
    if (typeof lookup(card, 'straightening.secondLook.innerOnly') !== 'boolean') missing.push('straightening.secondLook.innerOnly');
  }
  if (missing.length) throw new ModelCheckError(`model card ${expectedName}.json lacks ${missing.join(', ')}; ${rebuildHint(c as CardCommon)}`);
  return card as T;
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

/** Problems between the card's tensors and the graph's, one line each (empty when they agree). */
function compareTensors(kind: 'input' | 'output', expected: readonly CardTensor[], actual: readonly TensorInfo[]): string[] {
  const problems: string[] = [];
  const expectedNames = expected.map((t) => t.name);
  const actualNames = actual.map((t) => t.name);
  if (expectedNames.join('\n') !== actualNames.join('\n')) {
    problems.push(`${kind}s (${actualNames.join(', ')}), expected (${expectedNames.join(', ')})`);
    return problems;
  }
  expected.forEach((e, i) => {
    const a = actual[i];
    // A shape the runtime cannot read (empty) is not a mismatch: onnxruntime-web may not report it.
    if (a.shape.length === 0) return;
    const same = a.shape.length === e.shape.length && a.shape.every((d, k) => d === e.shape[k]);
    if (!same) problems.push(`${kind} ${e.name} shape ${formatShape(a.shape)}, expected ${formatShape(e.shape)}`);
  });
  return problems;
}

/** Check the file's hash against the card before anything runs it. */
export async function checkModelBytes(card: CardCommon, bytes: Uint8Array): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== card.sha256) {
    throw new ModelCheckError(`model ${card.file} does not match its card: sha256 ${actual}, expected ${card.sha256}; ${rebuildHint(card)}`);
  }
}

/** Check the loaded graph's input/output names and shapes against the card. */
export function checkModelSignature(card: CardCommon, signature: ModelSignature): void {
  const problems = [...compareTensors('input', card.inputs, signature.inputs), ...compareTensors('output', card.outputs, signature.outputs)];
  if (problems.length) throw new ModelCheckError(`model ${card.file} does not match its card: ${problems.join('; ')}; ${rebuildHint(card)}`);
}

/**
 * Everything the card promises about the file: its sha256, then (given the loaded session's
 * signature) the input and output names and shapes. Throws a ModelCheckError saying what differs.
 */
export async function checkModel(card: CardCommon, bytes: Uint8Array, signature?: ModelSignature): Promise<void> {
  await checkModelBytes(card, bytes);
  if (signature) checkModelSignature(card, signature);
}
