/**
 * Zip archives (a PACS or viewer "export as zip") are opened in memory and their entries
 * become ordinary source files, named "archive.zip/inner/path".
 */
import { unzipSync } from 'fflate';
import type { SourceFile } from './types';

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function zipEntries(archivePath: string, bytes: Uint8Array): SourceFile[] {
  const entries = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && !f.name.startsWith('__MACOSX/') });
  return Object.entries(entries).map(([name, data]) => ({
    path: `${archivePath}/${name}`,
    size: data.length,
    read: async () => data,
    readRange: async (start: number, end: number) => data.subarray(start, end),
  }));
}
