import { describe, expect, it } from 'vitest';
import { winAnsiSafe } from './winAnsi';

describe('winAnsiSafe', () => {
  it('keeps ASCII, Latin-1 and the WinAnsi extras', () => {
    expect(winAnsiSafe('Müller, Jürgen – T4–L3 “ok” €')).toBe('Müller, Jürgen – T4–L3 “ok” €');
  });

  it('strips accents WinAnsi lacks and writes "?" for what has no Latin form', () => {
    expect(winAnsiSafe('Dvořák, Łukasz')).toBe('Dvorák, ?ukasz');
    expect(winAnsiSafe('山田 ≥ 3')).toBe('?? ? 3');
  });
});
