/** Files and folders on disk as ingest `SourceFile`s (folders are walked, hidden files kept). */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFile } from '../core/ingest/types';

export async function fsSources(paths: string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const path of paths) await collect(path, files);
  return files;
}

async function collect(path: string, out: SourceFile[]): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const names = (await readdir(path)).sort();
    for (const name of names) await collect(join(path, name), out);
    return;
  }
  out.push({
    path,
    size: info.size,
    read: async () => {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
  });
}
