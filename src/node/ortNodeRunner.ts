/**
 * The pipeline's ModelRunner on onnxruntime-node (CPU): tests and the command line. The browser
 * gets its own runner on onnxruntime-web in the worker; the core never imports either.
 */
import * as ort from 'onnxruntime-node';
import type { ModelRunner, ModelSession, TensorData, TensorInfo } from '../core/pipeline/runner';

export interface OrtNodeOptions {
  /** Threads inside one operator; default: onnxruntime's choice (all cores). */
  intraOpNumThreads?: number;
}

function info(metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.map((m) => ({ name: m.name, shape: m.isTensor ? [...m.shape] : [] }));
}

export function ortNodeRunner(options: OrtNodeOptions = {}): ModelRunner {
  return {
    backend: `onnxruntime-node ${ort.env.versions.node ?? ''} (cpu)`.replace('  ', ' '),
    async load(modelBytes: Uint8Array): Promise<ModelSession> {
      const session = await ort.InferenceSession.create(modelBytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      });
      return {
        signature: { inputs: info(session.inputMetadata), outputs: info(session.outputMetadata) },
        async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
          const tensors: Record<string, ort.Tensor> = {};
          for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
          const results = await session.run(tensors);
          const out: Record<string, TensorData> = {};
          for (const [name, t] of Object.entries(results)) {
            if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, expected float32`);
            out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
          }
          return out;
        },
        release: () => session.release(),
      };
    },
  };
}
