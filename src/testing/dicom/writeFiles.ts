/** Writes generated files under a folder, keeping their relative paths (Node only). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FIXTURE_CASES, type CaseSize } from './fixtureCases';
import type { SeriesFile } from './syntheticSeries';

export async function writeFiles(files: AsyncIterable<SeriesFile> | Iterable<SeriesFile>, dir: string): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.bytes);
    count++;
    bytes += file.bytes.length;
  }
  return { count, bytes };
}

/** A named case of fixtureCases.ts written to `root/name`; returns that folder. */
export async function writeCase(name: string, root: string, size: CaseSize = {}): Promise<string> {
  const dir = join(root, name);
  await writeFiles((await FIXTURE_CASES[name].build(size)).files, dir);
  return dir;
}
