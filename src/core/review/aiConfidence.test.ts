import { describe, expect, it } from 'vitest';
import { CHECK_BELOW_OBJECTNESS, checkReason, needsCheck } from './aiConfidence';

describe('needsCheck', () => {
  it('flags an AI vertebra scored below the paper\'s threshold, and none at or above it', () => {
    expect(CHECK_BELOW_OBJECTNESS).toBe(0.7);
    expect(needsCheck({ objectness: 0.62, edited: false })).toBe(true);
    expect(needsCheck({ objectness: 0.36, edited: false })).toBe(true);
    expect(needsCheck({ objectness: 0.7, edited: false })).toBe(false);
    expect(needsCheck({ objectness: 0.98, edited: false })).toBe(false);
  });

  it('no longer flags a vertebra a person edited or marked not evaluable: they have looked at it', () => {
    expect(needsCheck({ objectness: 0.5, edited: true })).toBe(false);
    expect(needsCheck({ objectness: 0.5, edited: false, notEvaluable: true })).toBe(false);
  });

  it('says why, with the score and the threshold', () => {
    expect(checkReason({ objectness: 0.619 })).toBe('The AI is less sure of this vertebra (score 0.62, below 0.70): check its points.');
  });
});
