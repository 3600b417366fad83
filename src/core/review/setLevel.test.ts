import { describe, expect, it } from 'vitest';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { setLevel } from './setLevel';

const levels = (r: { vertebrae: { level: string | null }[] }) => r.vertebrae.map((v) => v.level);
const edited = (r: { vertebrae: { edited: boolean }[] }) => r.vertebrae.map((v) => v.edited);

describe('setLevel: the neighbours follow', () => {
  it('the fixture starts T10 … L2', () => {
    expect(levels(fiveVertebrae())).toEqual(['T10', 'T11', 'T12', 'L1', 'L2']);
  });

  it('T13 set on the third vertebra: the ones above count back from it, the ones below go on after it', () => {
    const ai = deepFreeze(fiveVertebrae());
    const next = setLevel(ai, 'v3', 'T13');
    expect(levels(next)).toEqual(['T11', 'T12', 'T13', 'L1', 'L2']);
    expect(edited(next)).toEqual([true, true, true, false, false]);
    expect(levels(ai)).toEqual(['T10', 'T11', 'T12', 'L1', 'L2']);
  });

  it('a T13 a person set stays in the sequence when another level is corrected', () => {
    const withT13 = setLevel(fiveVertebrae(), 'v3', 'T13');
    expect(levels(setLevel(withT13, 'v1', 'T9'))).toEqual(['T9', 'T10', 'T11', 'T12', 'T13']);
    // Without it, T12 is followed by L1.
    expect(levels(setLevel(fiveVertebrae(), 'v1', 'T9'))).toEqual(['T9', 'T10', 'T11', 'T12', 'L1']);
  });

  it('L6 set: lumbar counts back from it', () => {
    expect(levels(setLevel(fiveVertebrae(), 'v5', 'L6'))).toEqual(['L2', 'L3', 'L4', 'L5', 'L6']);
  });

  it('vertebrae past either end of the sequence get no level', () => {
    expect(levels(setLevel(fiveVertebrae(), 'v4', 'S1'))).toEqual(['L3', 'L4', 'L5', 'S1', null]);
    expect(levels(setLevel(fiveVertebrae(), 'v2', 'C1'))).toEqual([null, 'C1', 'C2', 'C3', 'C4']);
  });

  it('null clears one level and leaves the others', () => {
    const next = setLevel(fiveVertebrae(), 'v2', null);
    expect(levels(next)).toEqual(['T10', null, 'T12', 'L1', 'L2']);
    expect(edited(next)).toEqual([false, true, false, false, false]);
  });

  it('a level that changes nothing gives the same result; the patient summary carries the new level', () => {
    const ai = fiveVertebrae();
    expect(setLevel(ai, 'v2', 'T11')).toBe(ai);
    const fractured = fiveVertebrae({ vertebrae: [{ level: 'T10', row: 40, anteriorMm: 15 }, { level: 'T11', row: 70 }] });
    expect(setLevel(fractured, 'v2', 'T8').patient.fractures).toEqual([{ id: 'v1', level: 'T7', grade: 3, type: 'wedge' }]);
  });

  it('refuses an unknown level or id', () => {
    expect(() => setLevel(fiveVertebrae(), 'v2', 'T14')).toThrow('"T14" is not a vertebral level');
    expect(() => setLevel(fiveVertebrae(), 'v9', 'T8')).toThrow(/no vertebra "v9"/);
  });
});
