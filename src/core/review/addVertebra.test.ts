import { describe, expect, it } from 'vitest';
import { pixelToPatientMm } from '../geometry/straighten';
import { addVertebra } from './addVertebra';
import { deleteVertebra } from './deleteVertebra';
import { deepFreeze, fiveVertebrae } from './reviewFixture';
import { straighteningOf } from './straighteningOf';
import { templateAt } from './template';

const ids = (r: { vertebrae: { id: string }[] }) => r.vertebrae.map((v) => v.id);
const levels = (r: { vertebrae: { level: string | null }[] }) => r.vertebrae.map((v) => v.level);

describe('addVertebra', () => {
  it('a missed T12 put back between T11 and L1: measured, levelled, a new id, objectness 1', () => {
    const ai = deepFreeze(deleteVertebra(fiveVertebrae(), 'v3'));
    const s = straighteningOf(ai);
    const points = templateAt(ai, s, [s.centreColumn, 100]);
    const next = addVertebra(ai, s, points);
    expect(ids(next)).toEqual(['v1', 'v2', 'v6', 'v4', 'v5']);
    const added = next.vertebrae[2];
    expect(added).toMatchObject({ id: 'v6', level: 'T12', objectness: 1, edited: true, grade: 0 });
    expect(added.heightsMm.anterior).toBeCloseTo(25, 9);
    expect(added.pointsMm).toEqual(points.map(([c, r]) => pixelToPatientMm(s, c, r)));
    expect(ids(ai)).toEqual(['v1', 'v2', 'v4', 'v5']);
  });

  it('above the top it gets the level before, below the bottom the one after', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    expect(levels(addVertebra(ai, s, templateAt(ai, s, [s.centreColumn, 10])))).toEqual(['T9', 'T10', 'T11', 'T12', 'L1', 'L2']);
    expect(levels(addVertebra(ai, s, templateAt(ai, s, [s.centreColumn, 190])))).toEqual(['T10', 'T11', 'T12', 'L1', 'L2', 'L3']);
  });

  it('no level where none fits between its neighbours, or the one given', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    const between = templateAt(ai, s, [s.centreColumn, 55]);
    expect(addVertebra(ai, s, between).vertebrae[1].level).toBeNull();
    expect(addVertebra(ai, s, between, 'T13').vertebrae[1].level).toBe('T13');
    expect(addVertebra(ai, s, templateAt(ai, s, [s.centreColumn, 10]), null).vertebrae[0].level).toBeNull();
    expect(() => addVertebra(ai, s, between, 'X1')).toThrow('"X1" is not a vertebral level');
  });

  it('a fracture placed by hand enters the patient summary', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    const c = s.centreColumn;
    // 30 mm deep, anterior 15 mm, middle and posterior 25 mm, below L2.
    const next = addVertebra(ai, s, [[c - 15, 205], [c - 15, 220], [c, 195], [c, 220], [c + 15, 195], [c + 15, 220]]);
    expect(next.patient).toEqual({ worstGrade: 3, fractures: [{ id: 'v6', level: 'L3', grade: 3, type: 'wedge' }] });
  });

  it('never gives an id twice, even one whose vertebra was deleted, also after a save and reload', () => {
    const ai = fiveVertebrae();
    const s = straighteningOf(ai);
    const points = templateAt(ai, s, [s.centreColumn, 190]);
    const once = addVertebra(ai, s, points);
    expect(ids(once).at(-1)).toBe('v6');
    const deleted = deleteVertebra(once, 'v6');
    const reloaded = JSON.parse(JSON.stringify(deleted));
    expect(ids(addVertebra(reloaded, s, points)).at(-1)).toBe('v7');
    // The AI's last vertebra deleted: its id is not given again either.
    expect(ids(addVertebra(deleteVertebra(ai, 'v5'), s, points)).at(-1)).toBe('v6');
  });
});
