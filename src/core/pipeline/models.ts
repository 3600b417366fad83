/**
 * Loading both networks with their cards from wherever they live (a folder in Node, a URL in
 * the browser): the caller gives a reader of files by name, this checks each card and file
 * (modelCard.ts) and loads them with the runner. Missing files get one clear message.
 */
import type { PipelineModels } from './analyze';
import { DETECTOR_NAME, LOCALIZER_NAME, ModelCheckError, parseCard, type DetectorCard, type LocalizerCard } from './modelCard';
import { loadCheckedModel, type ModelRunner } from './runner';

/** Bytes of a file by name, or null when it does not exist. */
export type ModelFileReader = (fileName: string) => Promise<Uint8Array | null>;

export class ModelsMissingError extends ModelCheckError {
  constructor(readonly where: string, readonly missing: string[]) {
    super(`no trained models in ${where} (missing ${missing.join(', ')}): run npm run train:localizer and npm run train:detector`);
    this.name = 'ModelsMissingError';
  }
}

/** Read NAME.json and NAME.onnx of both models; all missing files are named at once. */
export async function loadPipelineModels(runner: ModelRunner, read: ModelFileReader, where: string): Promise<PipelineModels> {
  const names = [LOCALIZER_NAME, DETECTOR_NAME];
  const files = names.flatMap((n) => [`${n}.json`, `${n}.onnx`]);
  const bytes = await Promise.all(files.map(read));
  const missing = files.filter((_, i) => !bytes[i]);
  if (missing.length) throw new ModelsMissingError(where, missing);
  const text = (b: Uint8Array | null) => new TextDecoder().decode(b!);
  const localizerCard = parseCard<LocalizerCard>(text(bytes[0]), LOCALIZER_NAME);
  const detectorCard = parseCard<DetectorCard>(text(bytes[2]), DETECTOR_NAME);
  const localizer = await loadCheckedModel(runner, localizerCard, bytes[1]!);
  try {
    return { localizer, detector: await loadCheckedModel(runner, detectorCard, bytes[3]!) };
  } catch (e) {
    await localizer.session.release();
    throw e;
  }
}

export async function releasePipelineModels(models: PipelineModels): Promise<void> {
  await Promise.all([models.localizer.session.release(), models.detector.session.release()]);
}
