/**
 * Maps a child table's row index to (parent, ordinal) when each parent has a
 * computed number of children (a user's rankings, follows, ...). Keeps one prefix
 * sum per block of 32 parents (10M users: 2.5 MB), so locating a row is a binary
 * search plus at most 31 count computations, and walking rows in order is O(1).
 */
export const BLOCK = 32;

/** A GroupIndex's tables (over SharedArrayBuffers: another thread can use them without a copy). */
export interface GroupIndexState {
  parents: number;
  total: number;
  prefix: Float64Array;
  counts?: Uint8Array;
}

/** A typed array over a SharedArrayBuffer (posted to a worker, it is shared, not copied). */
export function sharedArray<T>(
  Ctor: { new (b: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT));
}

export class GroupIndex {
  readonly parents: number;
  readonly total: number;
  private readonly prefix: Float64Array;
  /** with `keepCounts`: each parent's count, 255 meaning "255 or more, recompute" */
  private readonly counts?: Uint8Array;

  /**
   * `keepCounts` keeps one byte per parent (10M users: 10 MB) so that random
   * `locate` calls (comments -> their review's author) need no recomputation.
   * `state`: the tables of an index built elsewhere with the same counts (see
   * `state()`); then nothing is computed here.
   */
  constructor(
    parents: number,
    readonly countOf: (parent: number) => number,
    keepCounts = false,
    state?: GroupIndexState,
  ) {
    this.parents = parents;
    if (state) {
      if (state.parents !== parents || (keepCounts && !state.counts)) {
        throw new Error("GroupIndex: the shared state belongs to another index");
      }
      this.prefix = state.prefix;
      this.counts = state.counts;
      this.total = state.total;
      return;
    }
    const blocks = Math.ceil(parents / BLOCK);
    this.prefix = sharedArray(Float64Array, blocks + 1);
    if (keepCounts) this.counts = sharedArray(Uint8Array, parents);
    let sum = 0;
    for (let b = 0; b < blocks; b++) {
      this.prefix[b] = sum;
      const end = Math.min(parents, (b + 1) * BLOCK);
      for (let p = b * BLOCK; p < end; p++) {
        const n = countOf(p);
        if (this.counts) this.counts[p] = Math.min(255, n);
        sum += n;
      }
    }
    this.prefix[blocks] = sum;
    this.total = sum;
  }

  /** The tables, to build the same index in another thread without recomputing it. */
  state(): GroupIndexState {
    return { parents: this.parents, total: this.total, prefix: this.prefix, counts: this.counts };
  }

  /** Index of the parent's first child row. */
  startOf(parent: number): number {
    const b = Math.floor(parent / BLOCK);
    let s = this.prefix[b];
    for (let p = b * BLOCK; p < parent; p++) s += this.countOf(p);
    return s;
  }

  /**
   * The parent owning child row `index` (0 <= index < total); writes the parent's
   * first row index to out[0] and returns the parent.
   */
  locate(index: number, out: Float64Array): number {
    let lo = 0;
    let hi = this.prefix.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.prefix[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    let s = this.prefix[lo];
    let p = lo * BLOCK;
    const counts = this.counts;
    for (;;) {
      let n = counts ? counts[p] : this.countOf(p);
      if (n === 255) n = this.countOf(p);
      if (index < s + n) break;
      s += n;
      p++;
    }
    out[0] = s;
    return p;
  }
}
