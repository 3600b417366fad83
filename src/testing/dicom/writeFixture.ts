/**
 * Writes a named fixture case to disk, for manual testing in the viewer and for benchmarks:
 *
 *   npx tsx src/testing/dicom/writeFixture.ts --case NAME --out DIR [--slices N --columns N --rows N] [--truth FILE]
 *   npx tsx src/testing/dicom/writeFixture.ts --list
 *
 * Files are written one at a time as they are generated, so bench-512 (~160 MB) never sits in
 * memory. The truth (what a correct ingest must produce) goes to --truth FILE as JSON when
 * asked; it is not written into DIR, where an ingest would meet it as a stray file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FIXTURE_CASES, type CaseSize } from './fixtureCases';
import { writeFiles } from './writeFiles';

function usage(): string {
  const names = Object.entries(FIXTURE_CASES)
    .map(([name, c]) => `  ${name.padEnd(20)} ${c.description}`)
    .join('\n');
  return (
    'usage: npx tsx src/testing/dicom/writeFixture.ts --case NAME --out DIR [--slices N] [--columns N] [--rows N] [--truth FILE]\n' +
    `cases:\n${names}`
  );
}

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key === 'list' || key === 'help') args[key] = 'true';
    else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      args[key] = value;
    }
  }
  return args;
}

function positiveInt(args: Record<string, string>, key: string): number | undefined {
  if (args[key] === undefined) return undefined;
  const n = Number(args[key]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${key} must be a positive integer`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list || args.help || !args.case || !args.out) {
    console.log(usage());
    if (!args.list && !args.help) process.exitCode = 2;
    return;
  }
  const fixture = FIXTURE_CASES[args.case];
  if (!fixture) throw new Error(`unknown case "${args.case}"\n${usage()}`);
  const size: CaseSize = { slices: positiveInt(args, 'slices'), columns: positiveInt(args, 'columns'), rows: positiveInt(args, 'rows') };
  const out = resolve(args.out);
  const started = Date.now();
  const result = await fixture.build(size);
  const { count, bytes } = await writeFiles(result.files, out);
  const t = result.truth;
  const [c, r, s] = t.geometry.dimensions;
  console.log(`case ${args.case}: ${fixture.description}`);
  console.log(`wrote ${count} files, ${(bytes / 1e6).toFixed(1)} MB, to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  ${t.modality} ${t.multiframe ? 'multi-frame ' : ''}series ${t.seriesInstanceUID}, transfer syntax ${t.transferSyntaxUID}${t.part10 ? '' : ' (no Part 10 header)'}`);
  console.log(`  grid ${c} x ${r} x ${s} (${t.writtenSliceCount} slice positions written), spacing ${t.geometry.spacingMm.join(' x ')} mm`);
  console.log(`  origin ${t.geometry.originMm.join(', ')} mm, IOP ${t.imageOrientationPatient.join('\\')}`);
  console.log(`  HU range ${t.huRange ? t.huRange.join('..') : 'n/a'}; expected warnings: ${t.warnings.join(', ') || 'none'}`);
  for (const g of result.garbage) console.log(`  junk ${g.path}: ${g.kind} (${g.expect})`);
  for (const n of result.notes) console.log(`  ${n}`);
  if (args.truth) {
    const truthPath = resolve(args.truth);
    mkdirSync(dirname(truthPath), { recursive: true });
    writeFileSync(truthPath, JSON.stringify(t, null, 2) + '\n');
    console.log(`truth written to ${truthPath}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
