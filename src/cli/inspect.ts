/**
 * `spinelens inspect <files or folders...>`: what ingest finds, as JSON on stdout. Exit 0
 * when a usable CT volume was found, 2 otherwise (with the reason on stderr).
 */
import { loadSeries, noVolumeReason, scanStudy } from '../core/ingest';
import { valueRange, type Volume } from '../core/volume';
import { fsSources } from '../node/fsSources';
import { CliError } from './cliError';

export async function inspect(paths: string[]): Promise<number> {
  if (paths.length === 0) throw new CliError('give the files or folders of a CT study: spinelens inspect <files or folders...>');
  const catalog = await scanStudy(await fsSources(paths));
  const { result } = catalog;
  const series = [];
  for (const summary of result.series) {
    const entry = {
      seriesInstanceUID: summary.seriesInstanceUID,
      modality: summary.modality,
      description: summary.description,
      dimensions: summary.dimensions,
      spacingMm: summary.spacingMm,
      originMm: null as number[] | null,
      direction: null as Volume['geometry']['direction'] | null,
      huRange: null as [number, number] | null,
      warnings: summary.warnings,
      usable: summary.usable,
      best: summary.id === result.bestSeriesId,
    };
    if (summary.usable) {
      try {
        const volume = await loadSeries(catalog, summary.id);
        entry.huRange = valueRange(volume.voxels);
        entry.originMm = volume.geometry.originMm;
        entry.direction = volume.geometry.direction;
        entry.warnings = volume.warnings;
      } catch (e) {
        entry.usable = false;
        entry.warnings = [...summary.warnings, e instanceof Error ? e.message : String(e)];
      }
    }
    series.push(entry);
  }
  process.stdout.write(`${JSON.stringify({ series, skipped: result.skipped }, null, 2)}\n`);
  const best = series.find((s) => s.best);
  if (!best || !best.usable) {
    process.stderr.write(`spinelens: ${best ? best.warnings.at(-1) : noVolumeReason(result)}\n`);
    return 2;
  }
  return 0;
}
