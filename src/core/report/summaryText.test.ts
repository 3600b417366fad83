import { describe, expect, it } from 'vitest';
import { gradeHeadline, levelsCaveat, summaryText, transitionalLevelsCaveat } from './summaryText';
import { heightsFor, levelsBetween, syntheticResult, type VertebraSpec } from './syntheticResult';

/** T4–L3, normal except where `changes` says otherwise. */
function spine(changes: Record<string, Partial<VertebraSpec>> = {}): VertebraSpec[] {
  return levelsBetween('T4', 'L3').map((level) => ({ level, heightsMm: heightsFor.normal, ...changes[level] }));
}

describe('summaryText', () => {
  it('names every fracture with its grade and type, and the worst grade', () => {
    const result = syntheticResult(spine({ T8: { heightsMm: heightsFor.moderateBiconcave }, T11: { heightsMm: heightsFor.severeCrush } }));
    expect(summaryText(result)).toBe(
      'Vertebral compression fractures at T8 (moderate, biconcave) and T11 (severe, crush); worst grade: severe (Genant 3). ' +
        'The other 10 evaluated vertebrae are Genant grade 0.',
    );
  });

  it('cautions that the levels can be one off where the lumbosacral junction is in view, and not above it', () => {
    const lumbar = syntheticResult(levelsBetween('T11', 'L5').map((level) => ({ level, heightsMm: heightsFor.normal })));
    expect(levelsCaveat(lumbar.vertebrae)).toBe(transitionalLevelsCaveat);
    expect(summaryText(lumbar)).not.toContain(transitionalLevelsCaveat); // beside the findings, not among them
    expect(levelsCaveat(syntheticResult(spine()).vertebrae)).toBeNull(); // T4–L3
    expect(levelsCaveat([{ level: 'S1' }])).toBe(transitionalLevelsCaveat);
    expect(levelsCaveat([{ level: 'L6' }])).toBe(transitionalLevelsCaveat);
    expect(levelsCaveat([{ level: 'T13' }])).toBe(transitionalLevelsCaveat);
    expect(levelsCaveat([{ level: null }])).toBeNull();
    expect(levelsCaveat(lumbar.vertebrae, true)).toBeNull(); // a person set the levels: the count is theirs
  });

  it('says there is no fracture, and over which vertebrae, when all are grade 0', () => {
    expect(summaryText(syntheticResult(spine()))).toBe('No vertebral compression fracture (all 12 evaluated vertebrae T4–L3 are Genant grade 0).');
  });

  it('names a grade 1 vertebra as a mild fracture', () => {
    const text = summaryText(syntheticResult(spine({ T6: { heightsMm: heightsFor.mildWedge } })));
    expect(text).toBe('Vertebral compression fracture at T6 (mild, wedge); worst grade: mild (Genant 1). The other 11 evaluated vertebrae are Genant grade 0.');
  });

  it('leaves a vertebra marked not evaluable out of the grading and says so', () => {
    const result = syntheticResult(spine({ T9: { heightsMm: heightsFor.severeCrush, notEvaluable: true }, L1: { notEvaluable: true } }));
    const text = summaryText(result);
    expect(text).toBe('No vertebral compression fracture (all 10 evaluated vertebrae T4–L3 are Genant grade 0). T9 and L1 were marked not evaluable and are not graded.');
  });

  it('names a fracture without level by its id and counts the vertebrae without level', () => {
    const result = syntheticResult([
      { level: 'T10', heightsMm: heightsFor.normal },
      { level: null, heightsMm: heightsFor.moderateWedge },
      { level: null, heightsMm: heightsFor.normal },
    ]);
    expect(summaryText(result)).toBe(
      'Vertebral compression fracture at v2 (no level, moderate, wedge); worst grade: moderate (Genant 2). ' +
        'The other 2 evaluated vertebrae are Genant grade 0. 2 vertebrae have no level (v2, v3).',
    );
  });

  it('names the vertebrae the AI is less sure of, to be checked first, until a person edits them', () => {
    const unsure = spine({ T11: { heightsMm: heightsFor.mildWedge, objectness: 0.62 } });
    expect(summaryText(syntheticResult(unsure))).toBe(
      'Vertebral compression fracture at T11 (mild, wedge); worst grade: mild (Genant 1). The other 11 evaluated vertebrae are Genant grade 0. ' +
        'The AI is less sure of T11: check its points first.',
    );
    const two = spine({ T5: { heightsMm: heightsFor.normal, objectness: 0.5 }, L2: { heightsMm: heightsFor.normal, objectness: 0.69 } });
    expect(summaryText(syntheticResult(two))).toContain('The AI is less sure of T5 and L2: check their points first.');
    const edited = spine({ T11: { heightsMm: heightsFor.mildWedge, objectness: 0.62, edited: true } });
    expect(summaryText(syntheticResult(edited))).not.toContain('less sure');
  });

  it('handles one vertebra, none evaluable and none found', () => {
    expect(summaryText(syntheticResult([{ level: 'L1', heightsMm: heightsFor.normal }]))).toBe(
      'No vertebral compression fracture (the one evaluated vertebra L1 is Genant grade 0).',
    );
    expect(summaryText(syntheticResult([{ level: 'L1', heightsMm: heightsFor.normal, notEvaluable: true }]))).toBe(
      'No vertebra could be evaluated, so no fracture could be assessed. L1 was marked not evaluable and is not graded.',
    );
    expect(summaryText({ vertebrae: [] })).toBe('No vertebra was found, so no fracture could be assessed.');
    // With the localizer's limits (a result always has them), the user learns why and what to do.
    const slab = summaryText({ vertebrae: [], limitsMm: [-768.5, -804.5] });
    expect(slab).toContain('The spine runs through 36 mm of this scan (z -769 to -805 mm).');
    expect(slab).toContain('one cut by the first or last slice is left out');
    expect(slab).toContain('Open a series that covers more of the spine.');
  });
});

describe('gradeHeadline', () => {
  it('counts the vertebrae and names the worst grade', () => {
    const result = syntheticResult(spine({ T8: { heightsMm: heightsFor.moderateBiconcave } }));
    expect(gradeHeadline(result.vertebrae)).toBe('12 vertebrae · worst grade 2 (moderate)');
    expect(gradeHeadline(syntheticResult([{ level: 'L1', heightsMm: heightsFor.normal }]).vertebrae)).toBe('1 vertebra · worst grade 0 (normal)');
  });

  it('shows no grade, rather than "normal", when nothing was graded', () => {
    expect(gradeHeadline([])).toBe('No vertebra found · no grade');
    const none = syntheticResult([{ level: 'L1', heightsMm: heightsFor.severeCrush, notEvaluable: true }]);
    expect(gradeHeadline(none.vertebrae)).toBe('1 vertebra · none evaluable, no grade');
  });
});
