/**
 * What goes into and comes out of ingest. Inputs are abstract so the same code reads
 * browser `File`s (drop, picker), Node files (tests, command line) and zip entries.
 */
import type { Vec3, Volume } from '../volume';

export interface SourceFile {
  /** Path as the user knows it: relative path inside a dropped folder or zip, or a file path. */
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
  /**
   * Bytes [start, end) without reading the rest. Optional: with it, a scan reads only each
   * file's header and a load only the pixel bytes, so a study is never held in memory twice.
   * With `into` (long enough), a source may read into it and return a view of it instead of
   * allocating.
   */
  readRange?(start: number, end: number, into?: Uint8Array): Promise<Uint8Array>;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

/** One candidate volume the user can choose; `id` is stable within one ingest. */
export interface SeriesSummary {
  id: string;
  seriesInstanceUID: string;
  modality: string;
  description: string;
  /** [columns, rows, slices] */
  dimensions: [number, number, number];
  spacingMm: Vec3;
  warnings: string[];
  /** False for non-CT or otherwise unusable candidates (still listed so the user sees them). */
  usable: boolean;
}

export interface IngestProgress {
  stage: 'reading' | 'parsing' | 'decoding' | 'assembling';
  done: number;
  total: number;
}

export type ProgressCallback = (p: IngestProgress) => void;

export interface IngestOptions {
  onProgress?: ProgressCallback;
  /** Refuse volumes whose voxel buffer would exceed this many bytes (default 2 GiB). */
  maxVolumeBytes?: number;
  /**
   * Makes the voxel buffer of a DICOM volume (default: a new typed array). A browser worker
   * passes one over shared memory, so the viewer and the analysis read the voxels without a copy.
   */
  allocateVoxels?: (kind: 'int16' | 'float32', length: number) => Int16Array | Float32Array;
  signal?: AbortSignal;
}

export interface IngestResult {
  series: SeriesSummary[];
  /** The id of the series chosen by default (the largest consistent CT stack), if any. */
  bestSeriesId: string | null;
  skipped: SkippedFile[];
}

/** An error whose message is written for the user: what is wrong and what to do. */
export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}

export type { Volume };
