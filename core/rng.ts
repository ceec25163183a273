/** A seeded random source for parameter samplers: uniform floats in [0, 1). */
export interface Rng {
  next(): number;
}

/**
 * A seeded generator (mulberry32): uniform floats in [0, 1), no allocation per
 * draw. `stream` separates the sequences of worker threads so they do not draw
 * the same parameters in lockstep.
 */
export function createRng(seed: number, stream = 0): Rng {
  let s = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  return {
    next(): number {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
