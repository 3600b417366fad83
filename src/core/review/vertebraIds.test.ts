import { describe, expect, it } from 'vitest';
import { fiveVertebrae } from './reviewFixture';
import { highestVertebraNumber, nextVertebraId } from './vertebraIds';

describe('vertebra ids', () => {
  it('the next id follows the highest number held or recorded', () => {
    const result = fiveVertebrae();
    expect(highestVertebraNumber(result)).toBe(5);
    expect(nextVertebraId(result)).toBe('v6');
    expect(nextVertebraId({ ...result, lastVertebraNumber: 9 })).toBe('v10');
    expect(nextVertebraId({ ...result, vertebrae: [] })).toBe('v1');
  });

  it('ids not of the form vN do not count and are not collided with', () => {
    const result = fiveVertebrae();
    const odd = { ...result, vertebrae: [{ ...result.vertebrae[0], id: 'x' }, { ...result.vertebrae[1], id: 'v1' }] };
    expect(nextVertebraId(odd)).toBe('v2');
  });
});
