/** Messages between the page and the ingest worker. */
import type { IngestProgress, IngestResult } from '../core/ingest/types';
import type { Volume } from '../core/volume';

/** A file handed to the worker with the path the user knows it by (relative, inside a folder). */
export interface InputFile {
  file: Blob;
  path: string;
}

export interface CodecUrls {
  openjpeg?: string;
  charls?: string;
  libjpegturbo?: string;
  openjph?: string;
}

export type WorkerRequest =
  | { type: 'configure'; requestId: number; wasmUrl: CodecUrls }
  /** Read a new study; replaces the catalog kept in the worker and cancels any running request. */
  | { type: 'scan'; requestId: number; files: InputFile[] }
  /** Decode one series of the current catalog. */
  | { type: 'load'; requestId: number; seriesId: string };

export type WorkerResponse =
  | { type: 'progress'; requestId: number; progress: IngestProgress }
  | { type: 'configured'; requestId: number }
  /** `noVolumeReason`: a sentence for the user when no series is chosen by default. */
  | { type: 'scanned'; requestId: number; result: IngestResult; noVolumeReason: string | null }
  | { type: 'loaded'; requestId: number; volume: Volume }
  | { type: 'error'; requestId: number | null; message: string };
