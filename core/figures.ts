/**
 * How measured figures combine: the one set of rules used both for the worker
 * threads of one run (engine/merge-outcomes.ts) and for result files
 * (results/merge.ts: several load generators, or repeated runs).
 *
 * Histograms add bucket by bucket (exact); counts add; sample errors are the
 * first distinct messages; capacity adds; pool figures and each second's
 * client figures combine as documented on each function.
 */
import { createHistogram, decodeHistogram, encodeHistogram, type Histogram } from "./histogram.ts";
import type { CapacityUsage, ClientSecond, ErrorClass, PoolFigures } from "./result.ts";
import { ERROR_CLASSES } from "./result.ts";

/** Distinct sample error messages a combined figure keeps. */
export const MAX_SAMPLE_ERRORS = 10;

/**
 * The sum of encoded histograms. The first one decoded is the accumulator, so
 * the sum keeps its precision (adding histograms of equal precision is exact:
 * the same buckets as one histogram that recorded every value).
 */
export function addHistograms(encoded: readonly string[]): Histogram {
  if (encoded.length === 0) return createHistogram(3);
  const total = decodeHistogram(encoded[0]);
  for (let i = 1; i < encoded.length; i++) total.add(decodeHistogram(encoded[i]));
  return total;
}

/** addHistograms, encoded; null when there is nothing to add. */
export function addEncoded(encoded: ReadonlyArray<string | null | undefined>): string | null {
  const present = encoded.filter((e): e is string => typeof e === "string");
  if (present.length <= 1) return present[0] ?? null;
  return encodeHistogram(addHistograms(present));
}

export function sumErrors(
  list: ReadonlyArray<Partial<Record<ErrorClass, number>>>,
): Record<ErrorClass, number> {
  const out = {} as Record<ErrorClass, number>;
  for (const c of ERROR_CLASSES) out[c] = list.reduce((a, e) => a + (e[c] ?? 0), 0);
  return out;
}

export function errorTotal(errors: Partial<Record<ErrorClass, number>>): number {
  let n = 0;
  for (const c of ERROR_CLASSES) n += errors[c] ?? 0;
  return n;
}

/** The first MAX_SAMPLE_ERRORS distinct messages, in the order of the parts. */
export function mergeSampleErrors(lists: ReadonlyArray<readonly string[]>): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const m of list) seen.add(m);
  return [...seen].slice(0, MAX_SAMPLE_ERRORS);
}

/** Capacity units add, per table and index too; undefined when no part consumed any. */
export function sumCapacity(
  list: ReadonlyArray<CapacityUsage | undefined>,
): CapacityUsage | undefined {
  const present = list.filter((c): c is CapacityUsage => c !== undefined);
  if (present.length === 0) return undefined;
  const out: CapacityUsage = { readUnits: 0, writeUnits: 0, byResource: {} };
  for (const c of present) {
    out.readUnits += c.readUnits;
    out.writeUnits += c.writeUnits;
    for (const [k, v] of Object.entries(c.byResource)) {
      const r = out.byResource[k] ?? { readUnits: 0, writeUnits: 0 };
      r.readUnits += v.readUnits;
      r.writeUnits += v.writeUnits;
      out.byResource[k] = r;
    }
  }
  return out;
}

/**
 * Connection-pool figures of several parts; `operations` (ok + errors of the
 * part) weighs its mean acquire time, one acquisition per operation.
 * - "parallel": pools side by side (worker threads, load generators): the
 *   sizes add, and so do the most operations waiting in each (an upper bound
 *   of those waiting at once: the peaks may fall in different seconds);
 * - "sequential": one pool used again (repeated runs): the largest size and
 *   the largest number waiting.
 * Transaction retries (by cause) add in both.
 */
export function mergePools(
  parts: ReadonlyArray<{ pool?: PoolFigures; operations: number }>,
  kind: "parallel" | "sequential",
): PoolFigures | undefined {
  const present = parts.filter(
    (p): p is { pool: PoolFigures; operations: number } => p.pool !== undefined,
  );
  if (present.length === 0) return undefined;
  const combine = (f: (p: PoolFigures) => number) =>
    kind === "parallel"
      ? present.reduce((a, p) => a + f(p.pool), 0)
      : Math.max(...present.map((p) => f(p.pool)));
  const weight = (p: { operations: number }) => Math.max(1, p.operations);
  const totalWeight = present.reduce((a, p) => a + weight(p), 0);
  const merged: PoolFigures = {
    size: combine((p) => p.size),
    maxWaiting: combine((p) => p.maxWaiting),
    meanAcquireMs: present.reduce((a, p) => a + p.pool.meanAcquireMs * weight(p), 0) / totalWeight,
  };
  // retries are events: they add whether the parts ran side by side or one after another
  const withRetries = present.filter((p) => p.pool.retries !== undefined);
  if (withRetries.length > 0) {
    const sum = (f: (r: NonNullable<PoolFigures["retries"]>) => number) =>
      withRetries.reduce((a, p) => a + f(p.pool.retries!), 0);
    merged.retries = {
      serialization: sum((r) => r.serialization),
      deadlock: sum((r) => r.deadlock),
      uniqueViolation: sum((r) => r.uniqueViolation),
    };
  }
  return merged;
}

/**
 * The client figures of one second of several generators: the worst loop
 * delay (p99 and max) and the GC time of the busiest one; undefined when no
 * part measured them.
 */
export function worstClient(
  list: ReadonlyArray<ClientSecond | undefined>,
): ClientSecond | undefined {
  const present = list.filter((c): c is ClientSecond => c !== undefined);
  if (present.length === 0) return undefined;
  return {
    loopDelayP99Ms: Math.max(...present.map((c) => c.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...present.map((c) => c.loopDelayMaxMs)),
    gcMs: Math.max(...present.map((c) => c.gcMs)),
  };
}

/**
 * Per-second entries of several parts on one axis: part p's entry i lands in
 * second i + offset (offsets are whole seconds from the earliest start, >= 0).
 * Returns, per second, the entries that fell in it (possibly none).
 */
export function alignSeconds<T>(
  parts: ReadonlyArray<{ offset: number; items: readonly T[] }>,
): T[][] {
  const out: T[][] = [];
  for (const { offset, items } of parts) {
    items.forEach((item, i) => {
      const t = i + offset;
      while (out.length <= t) out.push([]);
      out[t].push(item);
    });
  }
  return out;
}

/** One second's counts, latency histogram and client figures. */
export interface SecondFigures {
  ops: number;
  errors: number;
  dropped: number;
  /** encoded latency histogram of the second's completions; null when none completed */
  latency: string | null;
  client?: ClientSecond;
}

/** One second of several parts: counts add, histograms add, the worst client figures. */
export function mergeSecond(items: readonly SecondFigures[]): SecondFigures {
  const out: SecondFigures = {
    ops: items.reduce((a, s) => a + s.ops, 0),
    errors: items.reduce((a, s) => a + s.errors, 0),
    dropped: items.reduce((a, s) => a + s.dropped, 0),
    latency: addEncoded(items.map((s) => s.latency)),
  };
  const client = worstClient(items.map((s) => s.client));
  if (client) out.client = client;
  return out;
}
