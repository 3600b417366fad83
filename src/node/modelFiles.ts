/** Model files from a folder on disk, for loadPipelineModels (null where a file is missing). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelFileReader } from '../core/pipeline/models';

export function folderReader(dir: string): ModelFileReader {
  return async (fileName) => {
    try {
      const b = await readFile(join(dir, fileName));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };
}
