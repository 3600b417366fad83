/**
 * How the pure pipeline runs a network without knowing which ONNX runtime is underneath: the
 * same core runs with onnxruntime-node (src/node/ortNodeRunner.ts) in tests and on the command
 * line, and with onnxruntime-web in the browser's worker. Tensors are plain float32 arrays with
 * their dimensions, so nothing runtime-specific leaks into the core.
 */
import { checkModelBytes, checkModelSignature, type CardCommon } from './modelCard';

export interface TensorData {
  data: Float32Array;
  dims: number[];
}

/** An input or output of the loaded graph; string dims are dynamic (named) axes. */
export interface TensorInfo {
  name: string;
  shape: readonly (number | string)[];
}

export interface ModelSignature {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface ModelSession {
  readonly signature: ModelSignature;
  /** One inference; outputs by name, float32. */
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface ModelRunner {
  /** Which runtime and backend runs the models, for the user and the timing table. */
  readonly backend: string;
  load(modelBytes: Uint8Array): Promise<ModelSession>;
}

/** A session with the card it was checked against. */
export interface CheckedModel<Card extends CardCommon = CardCommon> {
  card: Card;
  session: ModelSession;
}

/** Hash first (cheap, and a wrong file never reaches the runtime), then load, then shapes. */
export async function loadCheckedModel<Card extends CardCommon>(runner: ModelRunner, card: Card, bytes: Uint8Array): Promise<CheckedModel<Card>> {
  await checkModelBytes(card, bytes);
  const session = await runner.load(bytes);
  try {
    checkModelSignature(card, session.signature);
  } catch (e) {
    await session.release();
    throw e;
  }
  return { card, session };
}

/** The named output, with a clear error when the graph did not give it. */
export function output(outputs: Record<string, TensorData>, name: string, model: string): TensorData {
  const t = outputs[name];
  if (!t) throw new Error(`model ${model} gave no "${name}" output (got ${Object.keys(outputs).join(', ') || 'none'})`);
  return t;
}

/** The part of an onnxruntime (node or web) session and tensor that `runFloat32` uses. */
interface OrtTensorLike {
  type: string;
  data: unknown;
  dims: readonly number[];
}

/**
 * One run of an onnxruntime session (node or web: they share this API) with float32 tensors in
 * and out; `tensor` makes the library's own tensor from our data.
 */
export async function runFloat32<T>(
  session: { run(feeds: Record<string, T>): Promise<Record<string, OrtTensorLike>> },
  tensor: (data: Float32Array, dims: number[]) => T,
  feeds: Record<string, TensorData>,
): Promise<Record<string, TensorData>> {
  const tensors: Record<string, T> = {};
  for (const [name, t] of Object.entries(feeds)) tensors[name] = tensor(t.data, t.dims);
  const results = await session.run(tensors);
  const out: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(results)) {
    if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, expected float32`);
    out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
  }
  return out;
}
