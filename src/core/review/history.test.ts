import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, createHistory, HISTORY_LIMIT, push, redo, undo, type History } from './history';

describe('undo/redo history', () => {
  it('undo steps back, redo forward, a push after undo drops what was undone', () => {
    let h: History<string> = createHistory('a');
    expect([canUndo(h), canRedo(h)]).toEqual([false, false]);
    h = push(push(h, 'b'), 'c');
    expect(h).toEqual({ past: ['a', 'b'], present: 'c', future: [] });
    h = undo(undo(h));
    expect(h).toEqual({ past: [], present: 'a', future: ['b', 'c'] });
    expect([canUndo(h), canRedo(h)]).toEqual([false, true]);
    h = redo(h);
    expect(h).toEqual({ past: ['a'], present: 'b', future: ['c'] });
    h = push(h, 'd');
    expect(h).toEqual({ past: ['a', 'b'], present: 'd', future: [] });
  });

  it('nothing to undo or redo, or the same value pushed: the same history back', () => {
    const h = createHistory({ n: 1 });
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
    expect(push(h, h.present)).toBe(h);
    expect(push(h, { n: 1 })).not.toBe(h); // equal is not the same value
  });

  it(`keeps at most ${HISTORY_LIMIT} past values, dropping the oldest`, () => {
    let h = createHistory(0);
    for (let i = 1; i <= 250; i++) h = push(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(50);
    for (let i = 0; i < HISTORY_LIMIT; i++) h = undo(h);
    expect(h.present).toBe(50);
    expect(canUndo(h)).toBe(false);
  });

  it('never changes a history it was given', () => {
    const h = Object.freeze(push(createHistory('a'), 'b'));
    Object.freeze(h.past);
    Object.freeze(h.future);
    redo(undo(h));
    push(h, 'c');
    expect(h).toEqual({ past: ['a'], present: 'b', future: [] });
  });
});
