/**
 * The two networks checked together, but in the runtime one at a time: the localizer's session
 * runs first, and is released before the detector's is created. Where a runtime's memory only
 * grows (onnxruntime-web's WebAssembly heap), the detector's weights are then not held beside the
 * localizer's activations, the analysis's peak; its session takes the localizer's freed memory.
 *
 * Both models are loaded and checked up front (hash, session, input and output names: models.ts),
 * so a wrong file still fails before any work; the detector's session is then released and made
 * again, from the same file, when it first runs. Each session's release() releases it if it is
 * the one alive.
 */
import type { PipelineModels } from './analyze';
import { DETECTOR_NAME, LOCALIZER_NAME } from './modelCard';
import { loadPipelineModels, type ModelFileReader } from './models';
import type { ModelRunner, ModelSession } from './runner';

type Name = typeof LOCALIZER_NAME | typeof DETECTOR_NAME;

/** Which session is alive now: at most one. Calls come one at a time (analyses run in turn). */
class Turns {
  private live: { name: Name; session: ModelSession } | null = null;

  constructor(
    private readonly runner: ModelRunner,
    private readonly read: ModelFileReader,
    private readonly where: string,
  ) {}

  keep(name: Name, session: ModelSession): void {
    this.live = { name, session };
  }

  /** The session of `name`, made now (the other released first) if it is not the one alive. */
  async session(name: Name): Promise<ModelSession> {
    if (this.live?.name === name) return this.live.session;
    await this.release();
    const bytes = await this.read(`${name}.onnx`);
    if (!bytes) throw new Error(`${name}.onnx is no longer in ${this.where}`);
    const session = await this.runner.load(bytes);
    this.live = { name, session };
    return session;
  }

  async release(name?: Name): Promise<void> {
    const live = this.live;
    if (!live || (name && live.name !== name)) return;
    this.live = null;
    await live.session.release();
  }
}

export async function loadPipelineModelsInTurn(runner: ModelRunner, read: ModelFileReader, where: string): Promise<PipelineModels> {
  const { localizer, detector } = await loadPipelineModels(runner, read, where);
  try {
    await detector.session.release();
  } catch (e) {
    await localizer.session.release().catch(() => undefined);
    throw e;
  }
  const turns = new Turns(runner, read, where);
  turns.keep(LOCALIZER_NAME, localizer.session);
  const inTurn = (name: Name, signature: ModelSession['signature']): ModelSession => ({
    signature,
    run: async (feeds) => (await turns.session(name)).run(feeds),
    release: () => turns.release(name),
  });
  return {
    localizer: { card: localizer.card, session: inTurn(LOCALIZER_NAME, localizer.session.signature) },
    detector: { card: detector.card, session: inTurn(DETECTOR_NAME, detector.session.signature) },
  };
}
