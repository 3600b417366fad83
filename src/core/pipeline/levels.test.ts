/** Levels along the spine: monotonic, no duplicates, gaps only where a vertebra is missing. */
import { describe, expect, it } from 'vitest';
import { assignLevels, LEVEL_PITCH_MM, type LevelCandidate } from './levels';

const NAMES = [...Array.from({ length: 7 }, (_, i) => `C${i + 1}`), ...Array.from({ length: 12 }, (_, i) => `T${i + 1}`), 'T13', ...Array.from({ length: 5 }, (_, i) => `L${i + 1}`), 'L6', 'S1'];
const at = (name: string) => NAMES.indexOf(name);

/** Logits that favour `name` by `margin` (and `second` a little, when given). */
function logits(name: string, margin = 4, second?: string): Float64Array {
  const l = new Float64Array(NAMES.length);
  l[at(name)] = margin;
  if (second) l[at(second)] = margin - 0.5;
  return l;
}

function names(candidates: LevelCandidate[]): (string | null)[] {
  return assignLevels(candidates, NAMES).map((l) => (l === null ? null : NAMES[l]));
}

const spaced = (levels: string[], pitchMm = 25): LevelCandidate[] => levels.map((n, i) => ({ logits: logits(n), positionMm: i * pitchMm }));

describe('assignLevels', () => {
  it('keeps confident, consistent guesses as they are', () => {
    expect(names(spaced(['T6', 'T7', 'T8', 'T9']))).toEqual(['T6', 'T7', 'T8', 'T9']);
  });

  it('resolves a duplicate by the neighbours: two T8 guesses become T8, T9', () => {
    const c = spaced(['T7', 'T8', 'T8', 'T10']);
    c[2].logits = logits('T8', 2, 'T9');
    expect(names(c)).toEqual(['T7', 'T8', 'T9', 'T10']);
  });

  it('counts lumbar steps in lumbar pitch: a T1-L4 scan whose last body leans to L5 stays L4', () => {
    // Real pitches: the median neighbour distance is T8's 24 mm, and L3 to L4, 36 mm and here
    // 1.5 mm more, is 1.56 of those; measured in a scan-wide median pitch it looked like a
    // missing vertebra (seed 3000001 of phantom-0.21 named its L4 L5).
    const levels = [...Array.from({ length: 12 }, (_, i) => `T${i + 1}`), 'L1', 'L2', 'L3', 'L4'];
    let position = 0;
    const c = levels.map((n, i) => {
      if (i > 0) position += LEVEL_PITCH_MM[levels[i - 1]] + (n === 'L4' ? 1.5 : 0);
      return { logits: logits(n, 2), positionMm: position };
    });
    c[c.length - 1].logits = logits('L4', 1.0, 'L5');
    expect(names(c).slice(-2)).toEqual(['L3', 'L4']);
    // ... and a true gap of two lumbar pitches still reads as a missing vertebra
    const gap = c.slice(0, -1);
    gap.push({ logits: logits('L5', 1.0, 'L4'), positionMm: position + LEVEL_PITCH_MM.L4 });
    expect(names(gap).slice(-2)).toEqual(['L3', 'L5']);
  });

  it('turns a backwards guess around and never repeats or decreases', () => {
    const c = spaced(['L1', 'T11', 'L2', 'L3']);
    c[1].logits = logits('T11', 1, 'L2');
    c[0].logits = logits('L1', 2);
    const result = assignLevels(c, NAMES);
    for (let i = 1; i < result.length; i++) expect(result[i]!).toBeGreaterThan(result[i - 1]!);
  });

  it('leaves a gap where the spacing shows a missing vertebra', () => {
    // T10 at 0 mm, T12 at 50 mm (T11 not detected), L1 at 75 mm; guesses are unsure between neighbours.
    const c: LevelCandidate[] = [
      { logits: logits('T10', 3), positionMm: 0 },
      { logits: logits('T11', 1, 'T12'), positionMm: 50 },
      { logits: logits('L1', 3), positionMm: 75 },
      { logits: logits('L2', 3), positionMm: 100 },
    ];
    expect(names(c)).toEqual(['T10', 'T12', 'L1', 'L2']);
  });

  it('does not invent a gap where neighbours are one pitch apart', () => {
    // The middle guess says T12 (weakly, T11 next); the last says T12 firmly, one pitch later.
    const c = spaced(['T10', 'T12', 'T12']);
    c[1].logits = logits('T12', 0.5, 'T11');
    expect(names(c)).toEqual(['T10', 'T11', 'T12']);
  });

  it('treats T13 and L6 as vertebrae when the net sees them, and skipping them is no gap', () => {
    expect(names(spaced(['T11', 'T12', 'T13', 'L1']))).toEqual(['T11', 'T12', 'T13', 'L1']);
    expect(names(spaced(['T12', 'L1', 'L2']))).toEqual(['T12', 'L1', 'L2']);
    expect(names(spaced(['L4', 'L5', 'S1']))).toEqual(['L4', 'L5', 'S1']);
  });

  it('leaves detections unlabelled when more are found than levels exist', () => {
    const c = Array.from({ length: NAMES.length + 3 }, (_, i) => ({ logits: new Float64Array(NAMES.length), positionMm: i * 20 }));
    const result = assignLevels(c, NAMES);
    const labelled = result.filter((l) => l !== null) as number[];
    expect(labelled.length).toBe(NAMES.length);
    expect(new Set(labelled).size).toBe(labelled.length);
    expect(result.filter((l) => l === null).length).toBe(3);
  });

  it('gives no levels without a level head, and nothing for nothing', () => {
    expect(assignLevels([{ logits: new Float64Array(0), positionMm: 0 }], NAMES)).toEqual([null]);
    expect(assignLevels([], NAMES)).toEqual([]);
    expect(names([{ logits: logits('L3'), positionMm: 0 }])).toEqual(['L3']);
  });
});
