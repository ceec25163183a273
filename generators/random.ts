/**
 * Seeded, allocation-free randomness for the generators.
 *
 * Every row is produced from (seed, table, index) alone: `rowRng.reset(h, table, index)`
 * re-seeds one sfc32 generator from a hash of the three, so a row never depends on
 * the rows before it and a table can be split into index ranges across threads.
 */

/** murmur3's 32-bit finaliser: a bijective avalanche of one 32-bit word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a seed and up to three numbers (the index may be any safe integer). */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(a >>> 0, 0xcc9e2d51)) >>> 0);
  h = fmix32((h + ((a / 4294967296) >>> 0) + 0x632be5ab) >>> 0);
  h = fmix32((h ^ Math.imul(b >>> 0, 0x1b873593)) >>> 0);
  h = fmix32((h ^ (((b / 4294967296) >>> 0) + Math.imul(c >>> 0, 0xe6546b64))) >>> 0);
  return h;
}

/** A uniform float in [0, 1) from a hash (no generator needed). */
export function hashFloat(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 4294967296;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator): 4 words of state,
 * passes PractRand to 2^40+, and re-seeding costs a few multiplications.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(seed = 0, a = 0, b = 0) {
    this.reset(seed, a, b);
  }

  /** Re-seeds from (seed, a, b): the same triple always yields the same stream. */
  reset(seed: number, a: number, b = 0): this {
    const h = hash32(seed, a, b);
    this.a = h;
    this.b = fmix32((h ^ 0x85ebca6b) >>> 0);
    this.c = fmix32((h + 0x6a09e667) >>> 0);
    this.d = 1;
    // two warm-up rounds decorrelate streams whose hashes differ in few bits
    this.u32();
    this.u32();
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a list, uniformly. */
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
}

/**
 * A Zipf-like rank in [0, n): rank k has weight ~ 1/(k+1)^s, by the inverse of
 * the continuous CDF (close to a discrete Zipf for s near 1), with its
 * constants computed once for a fixed n and s (s != 1): one Math.pow per
 * sample, no allocation.
 */
export class Zipf {
  private readonly a: number;
  private readonly inv: number;

  constructor(
    readonly n: number,
    s: number,
  ) {
    const e = 1 - s;
    this.a = (n + 1) ** e - 1;
    this.inv = 1 / e;
  }

  sample(u: number): number {
    const k = Math.floor((this.a * u + 1) ** this.inv) - 1;
    return k < 0 ? 0 : k >= this.n ? this.n - 1 : k;
  }
}

/**
 * A heavy-tailed activity multiplier with mean ~1: a Pareto(alpha) draw scaled so
 * most users are light and a few are very heavy (alpha 1.35: ~4% of users above 3x the mean).
 */
export function paretoMultiplier(u: number): number {
  // a table lookup below the 99.9th percentile (Math.pow is the hot spot of user rows)
  if (u < 0.999) return PARETO_TABLE[Math.floor(u * PARETO_STEPS)];
  return PARETO_XM / (1 - u) ** (1 / PARETO_ALPHA);
}

const PARETO_ALPHA = 1.35;
const PARETO_XM = (PARETO_ALPHA - 1) / PARETO_ALPHA; // mean of Pareto(xm, alpha) = 1
const PARETO_STEPS = 65536;
const PARETO_TABLE = new Float64Array(PARETO_STEPS);
for (let i = 0; i < PARETO_STEPS; i++) {
  // the middle of each step
  PARETO_TABLE[i] = PARETO_XM / (1 - (i + 0.5) / PARETO_STEPS) ** (1 / PARETO_ALPHA);
}

/** Cumulative weights for `pickWeighted` (a Float64Array ending at the total). */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i];
    out[i] = sum;
  }
  return out;
}

/** Index of the first cumulative weight above u * total (binary search). */
export function pickWeighted(cum: Float64Array, u: number): number {
  const target = u * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** a*b mod m without losing precision for m up to 2^53. */
export function mulmod(a: number, b: number, m: number): number {
  if (a * b < 9007199254740992) return (a * b) % m;
  let r = 0;
  a %= m;
  while (b > 0) {
    if (b & 1) r = (r + a) % m;
    a = (a * 2) % m;
    b = Math.floor(b / 2);
  }
  return r;
}

/**
 * A seeded bijection of [0, n): i -> (a*i + b) mod n with gcd(a, n) = 1. Used to
 * scatter "popularity rank" over entity indexes so the popular rows are not the
 * first ones loaded.
 */
export class AffinePermutation {
  readonly n: number;
  private readonly a: number;
  private readonly b: number;
  private readonly aInv: number;

  constructor(n: number, seed: number, salt: number) {
    this.n = n;
    if (n <= 1) {
      this.a = 1;
      this.b = 0;
      this.aInv = 1;
      return;
    }
    let a = 1 + (hash32(seed, salt, 1) % (n - 1));
    // prefer a multiplier near the golden ratio of n so neighbours land far apart
    a = Math.max(1, Math.floor(n * 0.6180339887) + (a % 97));
    while (gcd(a, n) !== 1) a++;
    this.a = a % n === 0 ? 1 : a % n;
    this.b = hash32(seed, salt, 2) % n;
    this.aInv = modInverse(this.a, n);
  }

  forward(i: number): number {
    return (mulmod(this.a, i, this.n) + this.b) % this.n;
  }

  inverse(p: number): number {
    return mulmod(this.aInv, (p - this.b + this.n) % this.n, this.n);
  }
}

function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** The k-th (0..3) uniform float derived from one hash (several draws from one hash call). */
export function frac(h: number, k: number): number {
  if (k === 0) return h / 4294967296;
  return fmix32((h + Math.imul(k, 0x9e3779b9)) >>> 0) / 4294967296;
}
