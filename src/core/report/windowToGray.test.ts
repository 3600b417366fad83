import { describe, expect, it } from 'vitest';
import { windowToGray } from './windowToGray';

describe('windowToGray', () => {
  it('maps the window edges to black and white and clips outside', () => {
    const gray = windowToGray(Float32Array.from([-1000, -500, 400, 1300, 3000]), { width: 1800, level: 400 });
    expect([...gray]).toEqual([0, 0, 128, 255, 255]);
  });
});
