import type { Rng } from "../../engine/scenario.ts";

/**
 * Walker's alias method: after an O(n) build, one uniform draw picks index i
 * with probability weights[i] / sum(weights), in O(1) and without allocating.
 */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error("an alias table needs at least one weight");
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w))
        throw new Error(`weight ${i} is ${w}; weights must be finite and >= 0`);
      sum += w;
    }
    if (sum <= 0) throw new Error("an alias table needs a positive total weight");
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / sum;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[--nl];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // what is left is 1 up to rounding
    while (nl > 0) {
      const l = large[--nl];
      this.prob[l] = 1;
      this.alias[l] = l;
    }
    while (ns > 0) {
      const s = small[--ns];
      this.prob[s] = 1;
      this.alias[s] = s;
    }
  }

  /** The index for a uniform u in [0, 1): the column from u's integer part, the coin from its fraction. */
  pick(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    return x - i < this.prob[i] ? i : this.alias[i];
  }

  /** The probability of index i (for tests and reports). */
  probability(i: number): number {
    let p = this.prob[i];
    for (let j = 0; j < this.size; j++) if (j !== i && this.alias[j] === i) p += 1 - this.prob[j];
    return p / this.size;
  }
}

/** Values drawn with weights: the values live in one array, the draw is O(1). */
export class WeightedPool<T> {
  readonly values: readonly T[];
  readonly weights: Float64Array;
  private readonly table: AliasTable;

  constructor(values: readonly T[], weights: ArrayLike<number>) {
    if (values.length !== weights.length)
      throw new Error(`${values.length} values but ${weights.length} weights`);
    this.values = values;
    this.weights = Float64Array.from(weights);
    this.table = new AliasTable(weights);
  }

  get size(): number {
    return this.values.length;
  }

  /** the index of one weighted draw */
  index(rng: Rng): number {
    return this.table.pick(rng.next());
  }

  draw(rng: Rng): T {
    return this.values[this.table.pick(rng.next())];
  }
}
