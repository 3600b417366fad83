/** Ingest: files in, `Volume` out. See scanStudy (what is there) and loadSeries (decode one). */
export { scanStudy, noVolumeReason, type StudyCatalog } from './scanStudy';
export { loadSeries, defaultMaxVolumeBytes } from './loadSeries';
export { configureCodecs, type CodecConfig } from './codecs/wasmCodecs';
export { isNotHuWarning, unitWarnings } from './huCheck';
export * from './types';
