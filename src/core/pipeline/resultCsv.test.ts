/** The CSV of a result: header, one row per vertebra, RFC 4180 quoting, empty for no level. */
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, VertebraResult } from './result';
import { CSV_HEADER, resultToCsv } from './resultCsv';

const vertebra = (id: string, level: string | null): VertebraResult => ({
  id, level,
  pointsMm: [[0, -10, 10], [0, -10, -4], [0, 0, 10], [0, 0, -10], [0, 10, 10], [0, 10, -10]],
  pointsPx: [[0, 0], [0, 14], [10, 0], [10, 20], [20, 0], [20, 20]],
  heightsMm: { anterior: 14, middle: 20, posterior: 20 }, genantRatio: 0.7, grade: 2, type: 'wedge', objectness: 0.91234, edited: false,
});

describe('resultToCsv', () => {
  it('one row per vertebra under a fixed header', () => {
    const result = { studyInstanceUID: '1.2', seriesInstanceUID: 'a,"b"', vertebrae: [vertebra('v1', 'T7'), vertebra('v2', null)] } as AnalysisResult;
    const lines = resultToCsv(result).split('\r\n');
    expect(lines).toHaveLength(4); // header, two rows, final empty
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(CSV_HEADER).toHaveLength(13 + 18);
    expect(lines[1]).toBe('1.2,"a,""b""",v1,T7,14.00,20.00,20.00,0.7000,2,moderate,wedge,0.9123,false,0.00,-10.00,10.00,0.00,-10.00,-4.00,0.00,0.00,10.00,0.00,0.00,-10.00,0.00,10.00,10.00,0.00,10.00,-10.00');
    expect(lines[2]).toContain(',v2,,14.00,'); // no level: an empty field
  });
});
