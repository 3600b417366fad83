import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLocalizer } from './localize';
import type { LocalizerCard } from './modelCard';
import type { LocalizerInput } from './resample';
import type { ModelSession, TensorData } from './runner';
import { slabStarts } from './slabs';

const card: LocalizerCard = JSON.parse(readFileSync(new URL('./testdata/spine-localizer.json', import.meta.url), 'utf8'));

/** A network stand-in whose outputs say where they came from: centre = (slab start, index in the slab). */
function tellingSession(calls: number[][]): ModelSession {
  return {
    signature: { inputs: [], outputs: [] },
    release: async () => {},
    run: async ({ image }: Record<string, TensorData>) => {
      const [, , Z, Y, X] = image.dims;
      const start = image.data[0]; // the input's first voxel of each slice holds its slice index
      calls.push([start, Z]);
      const center = new Float32Array(2 * Z);
      const presence = new Float32Array(Z);
      for (let z = 0; z < Z; z++) {
        center[2 * z] = start;
        center[2 * z + 1] = z;
        presence[z] = image.data[z * Y * X] / 1000;
      }
      return { center: { data: center, dims: [1, Z, 2] }, presence: { data: presence, dims: [1, Z] } };
    },
  };
}

describe('runLocalizer in slabs', () => {
  for (const slices of [32, 48, 80, 112, 160]) {
    it(`${slices} slices: every slice from one slab, away from the slab's cut edges`, async () => {
      const [Y, X] = [16, 16];
      const data = new Float32Array(slices * Y * X);
      for (let z = 0; z < slices; z++) data[z * Y * X] = z;
      const input: LocalizerInput = { tensor: { data, dims: [1, 1, slices, Y, X] }, grid: { originMm: [0, 0, 0], stepsMm: [[2, 0, 0], [0, 2, 0], [0, 0, 4]], shapeZYX: [slices, Y, X] } };
      const calls: number[][] = [];
      const out = await runLocalizer({ card, session: tellingSession(calls) }, input);
      const { slabSlices } = card.inference;
      expect(calls.map((c) => c[0])).toEqual(slabStarts(slices, card.inference));
      expect(calls.every(([, n]) => n === Math.min(slices, slabSlices))).toBe(true);
      for (let z = 0; z < slices; z++) {
        const [start, index] = [out.center[2 * z], out.center[2 * z + 1]];
        expect(start + index).toBe(z);
        expect(out.presence[z]).toBeCloseTo(z / 1000, 6);
        if (slices > slabSlices) {
          expect(index >= 8 || start === 0).toBe(true);
          expect(slabSlices - 1 - index >= 8 || start + slabSlices === slices).toBe(true);
        }
      }
    });
  }
});
