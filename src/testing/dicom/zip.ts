/**
 * A zip of fixture files, as users upload whole exports. Paths keep their folders.
 * Deflate level 6 by default (what most zip tools use); 0 stores the files uncompressed.
 */
import { zipSync, type Zippable } from 'fflate';

export function zipFiles(files: { path: string; bytes: Uint8Array }[], options: { level?: 0 | 1 | 6 | 9 } = {}): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    if (f.path in entries) throw new Error(`duplicate path in zip: ${f.path}`);
    entries[f.path] = f.bytes;
  }
  // A fixed timestamp keeps the zip byte-identical from run to run.
  return zipSync(entries, { level: options.level ?? 6, mtime: new Date('2024-01-15T09:30:00Z') });
}
