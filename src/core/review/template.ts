/**
 * "Drop a template and adjust it": six points of an upright vertebral body centred where the user
 * clicked, sized like the vertebrae next to it (the median over the nearest few of their tallest
 * height, so a collapsed neighbour does not shrink it, and of their depth), or 25 mm × 30 mm
 * with none to go by. Upright is right on the straightened image: its rows run along the spine,
 * so endplates lie about along the columns (columns run anterior → posterior).
 */
import type { Straightening } from '../geometry/straighten';
import { add, norm, scale, sub } from '../geometry/vec3';
import type { AnalysisResult, VertebraResult } from '../pipeline/result';
import { AI, AS, PI, PS } from '../quantify/sixPoints';
import { meanRow, type PointsPx } from './withVertebrae';

export const FALLBACK_HEIGHT_MM = 25;
export const FALLBACK_DEPTH_MM = 30;
/** How many of the nearest vertebrae size the template. */
export const TEMPLATE_NEIGHBOURS = 4;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Height and depth in mm of the template at `row`, from the vertebrae nearest to it. */
export function templateSizeMm(result: AnalysisResult, row: number): { heightMm: number; depthMm: number } {
  const near = result.vertebrae
    .filter((v) => !v.notEvaluable)
    .map((v) => ({ v, distance: Math.abs(meanRow(v.pointsPx) - row) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, TEMPLATE_NEIGHBOURS)
    .map((e) => e.v);
  if (near.length === 0) return { heightMm: FALLBACK_HEIGHT_MM, depthMm: FALLBACK_DEPTH_MM };
  const depth = (p: VertebraResult['pointsMm']) => norm(sub(scale(add(p[PS], p[PI]), 0.5), scale(add(p[AS], p[AI]), 0.5)));
  return {
    heightMm: median(near.map((v) => Math.max(v.heightsMm.anterior, v.heightsMm.middle, v.heightsMm.posterior))),
    depthMm: median(near.map((v) => depth(v.pointsMm))),
  };
}

export function templateAt(result: AnalysisResult, s: Straightening, centre: readonly [number, number]): PointsPx {
  const [column, row] = centre;
  if (!Number.isFinite(column) || !Number.isFinite(row)) throw new Error(`template centre is not a finite (column, row) pixel: ${JSON.stringify(centre)}`);
  const { heightMm, depthMm } = templateSizeMm(result, row);
  const h = heightMm / s.stepMm / 2;
  const d = depthMm / s.stepMm / 2;
  return [
    [column - d, row - h], [column - d, row + h],
    [column, row - h], [column, row + h],
    [column + d, row - h], [column + d, row + h],
  ];
}
