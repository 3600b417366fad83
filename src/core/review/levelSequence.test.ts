import { describe, expect, it } from 'vitest';
import { fixtureCard } from './reviewFixture';
import { ALL_LEVELS, isLevelName, levelBetween, levelSequence } from './levelSequence';

describe('the anatomical level sequence', () => {
  it('names the detector card\'s levels in the card\'s order', () => {
    expect(ALL_LEVELS).toEqual(fixtureCard.levelNames);
    expect(isLevelName('T13')).toBe(true);
    expect(isLevelName('T14')).toBe(false);
  });

  it('holds T13 and L6 only when asked', () => {
    const regular = levelSequence();
    expect(regular).toHaveLength(25);
    expect(regular.slice(17, 21)).toEqual(['T11', 'T12', 'L1', 'L2']);
    expect(regular.slice(-2)).toEqual(['L5', 'S1']);
    expect(levelSequence(['T13']).slice(18, 21)).toEqual(['T12', 'T13', 'L1']);
    expect(levelSequence(['L6']).slice(-3)).toEqual(['L5', 'L6', 'S1']);
  });

  it('the level that fits between neighbours', () => {
    expect(levelBetween('T7', 'T9')).toBe('T8');
    expect(levelBetween('T11', 'L1')).toBe('T12'); // T12 or T13: the regular one
    expect(levelBetween('T12', 'L1')).toBe('T13'); // nothing else fits
    expect(levelBetween('L5', 'S1')).toBe('L6');
    expect(levelBetween('T7', 'T8')).toBeNull();
    expect(levelBetween('T7', 'T10')).toBeNull(); // T8 or T9: cannot tell
    expect(levelBetween('T9', 'T7')).toBeNull();
    expect(levelBetween('L2', null)).toBe('L3');
    expect(levelBetween('T12', null)).toBe('L1');
    expect(levelBetween('T13', null)).toBe('L1');
    expect(levelBetween(null, 'T1')).toBe('C7');
    expect(levelBetween(null, 'L1')).toBe('T12');
    expect(levelBetween('S1', null)).toBeNull();
    expect(levelBetween(null, 'C1')).toBeNull();
    expect(levelBetween(null, null)).toBeNull();
  });
});
