/**
 * The pipeline's ModelRunner on onnxruntime-node (CPU): tests and the command line. The browser
 * gets its own runner on onnxruntime-web in the worker; the core never imports either.
 */
import * as ort from 'onnxruntime-node';
import { runFloat32, type ModelRunner, type ModelSession, type TensorData, type TensorInfo } from '../core/pipeline/runner';

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
        // The arena keeps the localizer's activations after a run (measured: +238 MB after one,
        // +429 MB after two on the full-size net); without it memory returns after each run.
        enableCpuMemArena: false,
        ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      });
      return {
        signature: { inputs: info(session.inputMetadata), outputs: info(session.outputMetadata) },
        run: (feeds: Record<string, TensorData>) => runFloat32(session, (data, dims) => new ort.Tensor('float32', data, dims), feeds),
        release: () => session.release(),
      };
    },
  };
}
