import { encodePool } from "./copy.ts";

/**
 * Faker-quality values generated once per seed and combined per row by the fast
 * PRNG: calling faker for every field of every row runs at ~44k rows/s, a pool
 * lookup at tens of millions. Each pool holds the strings (record API) and their
 * COPY-escaped bytes (CopyWriter.raw).
 */
export interface Pool {
  values: string[];
  bytes: Uint8Array[];
}

export interface Pools {
  firstNames: Pool;
  lastNames: Pool;
  /** lowercase ASCII letters only (email and username parts: never end in a digit) */
  firstSlugs: string[];
  lastSlugs: string[];
  emailDomains: Pool;
  bios: Pool;
  streets: Pool;
  passwordHashes: Pool;
  /** short dish-review sentences */
  reviewSentences: Pool;
  /** ranking notes (one line) */
  notes: Pool;
  /** comment texts */
  comments: Pool;
  /** dish description fragments: "slow-braised", "with pickled ginger" */
  ingredients: Pool;
  /** restaurant-name adjectives ("The Hungry Kitchen") */
  adjectives: Pool;
  /** dish-description adjectives ("Slow-braised") */
  dishAdjectives: Pool;
}

/** The pools as plain string lists (what a worker thread receives). */
export type PoolValues = { [K in keyof Pools]: Pools[K] extends Pool ? string[] : string[] };

/** Plain string lists, cheap to send to a worker (structured clone). */
export function poolValues(p: Pools): PoolValues {
  const out = {} as Record<string, string[]>;
  for (const [k, v] of Object.entries(p)) out[k] = Array.isArray(v) ? v : (v as Pool).values;
  return out as PoolValues;
}

/** Rebuilds Pools (with their COPY bytes) from plain string lists. */
export function poolsFromValues(v: PoolValues): Pools {
  const out = {} as Record<string, Pool | string[]>;
  for (const [k, list] of Object.entries(v)) {
    out[k] = k === "firstSlugs" || k === "lastSlugs" ? list : pool(list);
  }
  return out as unknown as Pools;
}

export function pool(values: string[]): Pool {
  return { values, bytes: encodePool(values) };
}

let builder: ((seed: number) => Pools) | undefined;

/** Called by pool-builder.ts when it loads (it owns the faker import). */
export function setPoolBuilder(b: (seed: number) => Pools): void {
  builder = b;
}

/**
 * Pools for a Dataset built without explicit pools: available once pool-builder.ts
 * has been imported (generators/index.ts and dataset.ts do). Worker threads that
 * must stay light import dataset-core.ts and pass `poolsFromValues(...)` instead.
 */
export function defaultPools(seed: number): Pools {
  if (!builder) {
    throw new Error(
      "generator pools missing: pass pools to new Dataset(config, pools) (loadPoolValues(seed) builds them without loading faker here), or import createDataset from generators/index.ts",
    );
  }
  return builder(seed);
}
