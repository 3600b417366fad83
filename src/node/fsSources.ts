/** Files and folders on disk as ingest `SourceFile`s (folders are walked, hidden files kept). */
import { closeSync, openSync, readSync } from 'node:fs';
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
    // Synchronous on purpose: hundreds of small header and slice reads cost ~4× more through
    // the promise API, and the command line has nothing else to do meanwhile.
    readRange: async (start, end, into) => {
      const fd = openSync(path, 'r');
      try {
        const length = Math.max(0, end - start);
        const bytes = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
        const bytesRead = readSync(fd, bytes, 0, bytes.length, start);
        return bytesRead === bytes.length ? bytes : bytes.subarray(0, bytesRead);
      } finally {
        closeSync(fd);
      }
    },
  });
}
