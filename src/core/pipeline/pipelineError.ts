/**
 * Why an analysis stopped without a result, with a message a person can act on; the command
 * line exits 2 with it, the viewer shows it. Its own file so that the stages (resample.ts)
 * can raise it without importing the whole pipeline.
 */
import type { StageTiming } from './analyze';

export type PipelineErrorCode =
  /** The localizer found no slice with spine. */
  | 'no-spine'
  /** The series is too large for the localizer's grid (resample.ts MAX_LOCALIZER_GRID_VOXELS). */
  | 'too-large';

export class PipelineError extends Error {
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    readonly timings: StageTiming[] = [],
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}
