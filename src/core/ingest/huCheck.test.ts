import { describe, expect, it } from 'vitest';
import { isNotHuWarning, unitWarnings } from './huCheck';

describe('unit warnings', () => {
  it('tells 8-bit and intercept-less CT from HU, and says which warnings mean "not HU"', () => {
    const eightBit = unitWarnings(Uint8Array.from({ length: 1000 }, (_, i) => i % 256), 'CT').warnings;
    const noIntercept = unitWarnings(Int16Array.from({ length: 1000 }, (_, i) => i * 3), 'CT').warnings;
    const hu = unitWarnings(Int16Array.from({ length: 1000 }, (_, i) => i * 3 - 1024), 'CT').warnings;
    const mr = unitWarnings(Int16Array.from({ length: 1000 }, (_, i) => i), 'MR').warnings;
    expect(eightBit).toHaveLength(1);
    expect(noIntercept).toHaveLength(1);
    expect(hu).toEqual([]);
    expect([...eightBit, ...noIntercept].every(isNotHuWarning)).toBe(true);
    expect(mr.some(isNotHuWarning)).toBe(false);
    expect(isNotHuWarning('the file has 2 volumes (4D); only the first is shown')).toBe(false);
  });
});
