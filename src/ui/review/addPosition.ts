/**
 * Where "Add vertebra" drops its template when the user gives no point: one vertebra pitch
 * below the selected vertebra (the usual case: the AI missed the next one), else in the largest
 * gap between found vertebrae, else in the middle of the image. Column: the centre of the
 * neighbours' bodies, else the centreline (which runs through the bodies).
 */
import type { AnalysisResult, VertebraResult } from '../../core/pipeline/result';

const FALLBACK_PITCH_MM = 30;

function centre(v: VertebraResult): [number, number] {
  const n = v.pointsPx.length;
  return [v.pointsPx.reduce((s, p) => s + p[0], 0) / n, v.pointsPx.reduce((s, p) => s + p[1], 0) / n];
}

function medianPitchPx(centres: [number, number][], stepMm: number): number {
  const gaps = centres.slice(1).map((c, i) => c[1] - centres[i][1]).sort((a, b) => a - b);
  // The lower median: a missing vertebra doubles one gap, which must not pass for the pitch.
  return gaps.length ? gaps[(gaps.length - 1) >> 1] : FALLBACK_PITCH_MM / stepMm;
}

export function addPosition(result: AnalysisResult, selectedId: string | null): [number, number] {
  const { rows, centreColumn, stepMm } = result.midSagittal;
  const centres = result.vertebrae.map(centre);
  if (centres.length === 0) return [centreColumn, rows / 2];
  const pitch = medianPitchPx(centres, stepMm);
  const at = result.vertebrae.findIndex((v) => v.id === selectedId);
  const clampRow = (row: number) => Math.max(pitch / 2, Math.min(rows - pitch / 2, row));
  if (at >= 0) return [centres[at][0], clampRow(centres[at][1] + pitch)];
  let best = -1;
  for (let i = 1; i < centres.length; i++) {
    if (centres[i][1] - centres[i - 1][1] > 1.5 * pitch && (best < 0 || centres[i][1] - centres[i - 1][1] > centres[best][1] - centres[best - 1][1])) best = i;
  }
  if (best > 0) return [(centres[best][0] + centres[best - 1][0]) / 2, (centres[best][1] + centres[best - 1][1]) / 2];
  const last = centres[centres.length - 1];
  return [last[0], clampRow(last[1] + pitch)];
}
