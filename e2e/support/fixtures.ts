/**
 * Synthetic DICOM series for the end-to-end tests, generated at test time by the fixture
 * generator (src/testing/dicom) and written under e2e/.out/fixtures/<name>/ (gitignored), so a
 * failing test leaves the exact files it opened for a look in the viewer or `spinelens inspect`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_CASES, type CaseSize } from '../../src/testing/dicom/fixtureCases';
import { makeCtSeries, makeGarbage, type CtSeriesOptions, type GarbageFile, type SeriesFile, type SeriesTruth } from '../../src/testing/dicom/syntheticSeries';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = resolve(here, '..', '.out', 'fixtures');

/** A fixture on disk: its folder, the files (relative path, absolute path, bytes) and the truth. */
export interface DiskFixture {
  dir: string;
  files: { path: string; absPath: string; bytes: Uint8Array }[];
  truth: SeriesTruth | null;
  garbage: GarbageFile[];
}

function writeAll(name: string, files: SeriesFile[], truth: SeriesTruth | null, garbage: GarbageFile[] = []): DiskFixture {
  const dir = join(OUT_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  const written = files.map((f) => {
    const absPath = join(dir, f.path);
    mkdirSync(dirname(absPath), { recursive: true });
    writeFileSync(absPath, f.bytes);
    return { path: f.path, absPath, bytes: f.bytes };
  });
  // The truth goes beside the folder, never into it (an ingest would meet it as a stray file).
  if (truth) writeFileSync(join(OUT_DIR, `${name}.truth.json`), JSON.stringify(truth, null, 2) + '\n');
  return { dir, files: written, truth, garbage };
}

/** One of the named cases of src/testing/dicom/fixtureCases.ts, at the given size. */
export async function caseFixture(caseName: string, size: CaseSize = {}, name = caseName): Promise<DiskFixture> {
  const fixture = FIXTURE_CASES[caseName];
  if (!fixture) throw new Error(`unknown fixture case ${caseName}`);
  const result = await fixture.build(size);
  const files: SeriesFile[] = [];
  for await (const f of result.files) files.push(f);
  return writeAll(name, files, result.truth, result.garbage);
}

/** A series made with explicit generator options. */
export async function seriesFixture(name: string, options: CtSeriesOptions): Promise<DiskFixture> {
  const { files, truth } = await makeCtSeries(options);
  return writeAll(name, files, truth);
}

/** The generator's junk files (random bytes, text, empty, truncated DICOM, corrupt J2K), alone. */
export async function garbageFixture(name: string, kinds: GarbageFile['kind'][]): Promise<DiskFixture> {
  const garbage = (await makeGarbage({ pathPrefix: '' })).filter((g) => kinds.includes(g.kind));
  return writeAll(name, garbage, null, garbage);
}

/** Re-reads a fixture's bytes from disk (what the drop tests send to the page). */
export function readBytes(fixture: DiskFixture): { path: string; bytes: Uint8Array }[] {
  return fixture.files.map((f) => ({ path: f.path, bytes: new Uint8Array(readFileSync(f.absPath)) }));
}
