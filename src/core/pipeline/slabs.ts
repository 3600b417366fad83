/**
 * The localizer run slab by slab along z (training/models/slabs.py; the card's `inference`). Its
 * 3D activations are most of a browser analysis's memory and grow with the slices it sees; the
 * network was trained on 48-slice patches, so slabs of that size lose nothing it learnt.
 *
 * A slice's centre and presence come from one slab, the one whose middle is nearest the slice's
 * middle (the earlier on a tie): every slice is read at least (slab − step) / 2 slices away from
 * where a slab cuts the volume. Centres are in-plane grid coordinates, so no slab needs an offset.
 */

export interface SlabSettings {
  slabSlices: number;
  slabStepSlices: number;
}

/** First slice of every slab: 0, step, 2·step, … then one ending at the last slice if needed. */
export function slabStarts(slices: number, { slabSlices, slabStepSlices }: SlabSettings): number[] {
  if (slices <= slabSlices) return [0];
  const starts: number[] = [];
  for (let a = 0; a < slices - slabSlices; a += slabStepSlices) starts.push(a);
  if (starts[starts.length - 1] + slabSlices < slices) starts.push(slices - slabSlices);
  return starts;
}

/** Per slice, the index into `starts` of the slab that gives it its outputs. */
export function slabOfSlice(slices: number, starts: readonly number[], { slabSlices }: SlabSettings): Int32Array {
  const half = Math.min(slabSlices, slices) / 2;
  const pick = new Int32Array(slices);
  for (let z = 0; z < slices; z++) {
    let best = 0;
    for (let k = 1; k < starts.length; k++) if (Math.abs(z + 0.5 - (starts[k] + half)) < Math.abs(z + 0.5 - (starts[best] + half))) best = k;
    pick[z] = best;
  }
  return pick;
}
