import { describe, expect, it } from 'vitest';
import { editedSummary } from '../review/editedSummary';
import { syntheticResult } from './syntheticResult';
import { editsForReport } from './reportEdits';

describe('editsForReport', () => {
  const ai = syntheticResult([
    { level: 'T7', heightsMm: [25, 24, 26] },
    { level: 'T8', heightsMm: [25, 24, 26] },
    { level: 'T9', heightsMm: [25, 24, 26] },
  ]);

  it('says nothing when nothing changed', () => {
    expect(editsForReport(editedSummary(ai, ai))).toEqual([]);
  });

  it('names the changed heights before and after, levels, not evaluable, additions and deletions', () => {
    const edited = syntheticResult([
      { level: 'T7', heightsMm: [17, 24, 26], edited: true },
      { level: 'T10', heightsMm: [25, 24, 26], edited: true, notEvaluable: true },
    ]);
    const current = { ...edited, vertebrae: [edited.vertebrae[0], { ...edited.vertebrae[1], id: 'v2' }, { ...ai.vertebrae[0], id: 'v9', level: 'T11' }] };
    const lines = editsForReport(editedSummary(ai, current));
    expect(lines).toContainEqual({ id: 'v1', level: 'T7', what: 'heights changed: h_a 25.0 -> 17.0 mm' });
    expect(lines).toContainEqual({ id: 'v2', level: 'T10', what: 'level T8 -> T10; marked not evaluable' });
    expect(lines.find((l) => l.id === 'v9')?.what).toMatch(/^added by a person \(h_a 25\.0, h_m 24\.0, h_p 26\.0 mm\)$/);
    expect(lines).toContainEqual({ id: 'v3', level: 'T9', what: 'deleted (the AI had found it)' });
  });
});
