/**
 * The cut to the body in place (cropToBody's `inPlace`, the browser worker's and Node's way) gives
 * the tensor the copying cut gives, on several slices with a non-zero pad value: every row moved
 * before it is overwritten, row ends, rows after the box and padded slices refilled. (The golden
 * cases of pipeline.golden.test.ts hold it to Python, on single slices.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cropToBody } from './bodyCrop';
import type { LocalizerCard } from './modelCard';
import { roundUp, type LocalizerGrid } from './resample';

const baseCard: LocalizerCard = JSON.parse(readFileSync(new URL('./testdata/spine-localizer.json', import.meta.url), 'utf8'));

/** A body (values over the card's level) in a box of a [Z, Y, X] grid padded to 16, air around it. */
function volume(shapeZYX: [number, number, number], body: { y: [number, number]; x: [number, number] }, padValue: number) {
  const [Z, Y, X] = shapeZYX;
  const [Zp, Yp, Xp] = shapeZYX.map((n) => roundUp(n, 16));
  const data = new Float32Array(Zp * Yp * Xp).fill(padValue);
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const inBody = y >= body.y[0] && y < body.y[1] && x >= body.x[0] && x < body.x[1];
        data[(z * Yp + y) * Xp + x] = inBody ? 0.3 + 0.5 * next() : 0.05 * next();
      }
  const grid: LocalizerGrid = { originMm: [-100, -80, 40], stepsMm: [[2, 0, 0], [0, 2, 0], [0, 0, 4]], shapeZYX };
  return { tensor: { data, dims: [1, 1, Zp, Yp, Xp] }, grid };
}

describe('cut to the body in place', () => {
  for (const padValue of [0, 0.25]) {
    it(`equals the copied cut over 5 slices (pad value ${padValue})`, () => {
      const card: LocalizerCard = { ...baseCard, preprocessing: { ...baseCard.preprocessing, padValue } };
      const make = () => volume([5, 70, 90], { y: [22, 51], x: [37, 80] }, padValue);
      const copied = cropToBody(make(), card);
      const input = make();
      const cut = cropToBody(input, card, { inPlace: true });
      expect(cut.tensor.dims).toEqual(copied.tensor.dims);
      expect(cut.tensor.dims[3]).toBeLessThan(input.tensor.dims[3]); // the box was really cut
      expect(cut.grid).toEqual(copied.grid);
      expect(cut.tensor.data.buffer).toBe(input.tensor.data.buffer);
      expect(Array.from(cut.tensor.data)).toEqual(Array.from(copied.tensor.data));
    });
  }
});
