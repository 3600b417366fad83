import { describe, expect, it } from 'vitest';
import { pixelToPatientMm } from '../geometry/straighten';
import type { Vec3 } from '../volume';
import { fixtureResult, fiveVertebrae } from './reviewFixture';
import { straighteningOf } from './straighteningOf';

/** A curved, tilted spine (a lordosis-like arc with some lateral drift), given inferior first. */
const curved: Vec3[] = Array.from({ length: 40 }, (_, i) => {
  const z = i * 8;
  return [5 * Math.sin(i / 9), 30 * Math.sin(z / 160) - 0.002 * z * z, z];
});

describe('straighteningOf', () => {
  it('maps every vertebra of a pipeline-made result back to its own points in mm, exactly', () => {
    const results = [
      fiveVertebrae(),
      fixtureResult({
        centrelineMm: curved,
        stepMm: 0.7,
        halfWidthMm: 40,
        vertebrae: [{ level: 'L1', row: 60 }, { level: 'L2', row: 110, anteriorMm: 18 }, { level: 'L3', row: 160, depthMm: 36 }],
      }),
    ];
    for (const result of results) {
      const s = straighteningOf(result);
      expect(s.curveMm.length).toBe(result.midSagittal.rows);
      expect(s.columns).toBe(result.midSagittal.columns);
      for (const v of result.vertebrae) {
        expect(v.pointsPx.map(([c, r]) => pixelToPatientMm(s, c, r))).toEqual(v.pointsMm);
      }
    }
  });

  it('the curved case is really curved: 25 mm of pixels along the anterior edge is not 25 mm in the patient', () => {
    const result = fixtureResult({ centrelineMm: curved, stepMm: 0.7, halfWidthMm: 40, vertebrae: [{ level: 'L1', row: 60 }] });
    const [as, ai] = result.vertebrae[0].pointsMm;
    expect(Math.abs(as[1] - ai[1])).toBeGreaterThan(1);
    expect(Math.abs(result.vertebrae[0].heightsMm.anterior - 25)).toBeGreaterThan(0.1);
  });

  it('survives the JSON round trip of a saved result', () => {
    const result = fixtureResult({ centrelineMm: curved, stepMm: 0.7, halfWidthMm: 40, vertebrae: [{ level: 'L1', row: 60 }] });
    const saved = JSON.parse(JSON.stringify(result));
    const s = straighteningOf(saved);
    expect(saved.vertebrae[0].pointsPx.map(([c, r]: number[]) => pixelToPatientMm(s, c, r))).toEqual(result.vertebrae[0].pointsMm);
  });

  it('refuses a result whose image does not fit its centreline', () => {
    const result = fiveVertebrae();
    expect(() => straighteningOf({ ...result, midSagittal: { ...result.midSagittal, rows: result.midSagittal.rows + 3 } })).toThrow(/does not match its centreline/);
  });
});
