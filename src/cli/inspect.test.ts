/** `spinelens inspect` as a user runs it: the real bin script, real files on disk, exit codes. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCase } from '../testing/dicom/writeFiles';
import { runSpinelens } from '../testing/runSpinelens';

const run = (...args: string[]) => runSpinelens(args);

describe('spinelens inspect', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'spinelens-inspect-'));
  });

  it('prints the series as JSON and exits 0 for a CT series with junk beside it', async () => {
    const dir = await writeCase('garbage-mix', root);
    const { code, stdout } = await run('inspect', dir);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const best = out.series.find((s: { dimensions: number[] }) => s.dimensions[2] === 40);
    expect(best).toMatchObject({ modality: 'CT', dimensions: [64, 64, 40], spacingMm: [4, 4, 2] });
    expect(best.huRange[0]).toBe(-1000);
    expect(best.huRange[1]).toBe(2000);
    expect(out.skipped.map((s: { path: string }) => s.path)).toEqual(expect.arrayContaining([expect.stringContaining('junk/')]));
  });

  it('exits 2 with one line on stderr, no stack trace, when there is no CT', async () => {
    const dir = join(root, 'text');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    const { code, stderr } = await run('inspect', dir);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^spinelens: No CT images found in 1 file \(a document, not an image\)/);
    expect(stderr).not.toMatch(/\bat \w+ \(/);
  });

  it('exits 2 for an MR study and for a missing path', async () => {
    const mr = await run('inspect', await writeCase('mr', root));
    expect(mr.code).toBe(2);
    expect(mr.stderr).toMatch(/no CT series \(found MR\)/);
    const missing = await run('inspect', join(root, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or folder/);
  });
});
