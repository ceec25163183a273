import { describe, expect, it } from "vitest";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  recordUs,
  summarize,
} from "../../core/histogram.ts";
import type { ClientSecond, PoolFigures } from "../../core/result.ts";
import type { GeneratorOutcome } from "../../engine/generator.ts";
import { mergeOutcomes } from "../../engine/merge-outcomes.ts";
import { mergeRuns } from "../../results/merge.ts";
import { buildRun } from "../helpers/results.ts";

/** An encoded histogram of the given latencies in ms. */
function hist(ms: number[]): string {
  const h = createHistogram(3);
  for (const v of ms) recordUs(h, v * 1000);
  return encodeHistogram(h);
}

const T0 = 1_800_000_000_000_000; // epoch microseconds

/** A hand-built outcome: `secs` seconds, second i with latencies base + i + k/10 ms (k < n). */
function outcome(o: {
  startUs: number;
  endUs: number;
  secs: number;
  base: number;
  n: number;
  client?: (t: number) => ClientSecond;
  pool?: PoolFigures;
  errors?: string[];
}): GeneratorOutcome {
  const seconds = Array.from({ length: o.secs }, (_, t) => {
    const values = Array.from({ length: o.n }, (_, k) => o.base + t + k / 10);
    return {
      ops: o.n,
      errors: 0,
      dropped: t,
      latency: hist(values),
      ...(o.client ? { client: o.client(t) } : {}),
    };
  });
  const all = seconds.flatMap((_, t) => Array.from({ length: o.n }, (_, k) => o.base + t + k / 10));
  return {
    ok: o.n * o.secs,
    okInWindow: o.n * o.secs - 2,
    errors: { timeout: 1, throttled: 0, connection: 0, query: 2, other: 0 },
    dropped: seconds.reduce((a, s) => a + s.dropped, 0),
    interrupted: 2,
    warmup: { ok: 5, errors: 1 },
    sampleErrors: o.errors ?? [],
    latency: hist(all),
    serviceTime: hist(all.map((v) => v / 2)),
    wait: hist(all.map((v) => v / 2)),
    seconds,
    measureStartUs: o.startUs,
    measureEndUs: o.endUs,
    lastEndUs: o.endUs + 1000,
    ...(o.pool ? { pool: o.pool } : {}),
  };
}

describe("merge of worker outcomes (result version 2)", () => {
  const a = outcome({
    startUs: T0,
    endUs: T0 + 3e6,
    secs: 3,
    base: 1,
    n: 50,
    client: (t) => ({ loopDelayP99Ms: 2 + t, loopDelayMaxMs: 9, gcMs: 1 }),
    errors: ["query: a", "query: b", "timeout: c"],
  });
  const b = outcome({
    startUs: T0 + 1_000_000,
    endUs: T0 + 4e6,
    secs: 3,
    base: 40,
    n: 10,
    client: () => ({ loopDelayP99Ms: 3, loopDelayMaxMs: 4, gcMs: 7 }),
    errors: ["query: b", ...Array.from({ length: 12 }, (_, i) => `other: ${i}`)],
  });
  const m = mergeOutcomes([a, b]);

  it("sums every count: ok, in-window, interrupted, warm-up, errors, dropped", () => {
    expect(m.ok).toBe(180);
    expect(m.okInWindow).toBe(176);
    expect(m.interrupted).toBe(4);
    expect(m.warmup).toEqual({ ok: 10, errors: 2 });
    expect(m.errors).toEqual({ timeout: 2, throttled: 0, connection: 0, query: 4, other: 0 });
    expect(m.dropped).toBe(6);
    expect(m.measureStartUs).toBe(T0);
    expect(m.measureEndUs).toBe(T0 + 4e6);
    expect(m.lastEndUs).toBe(T0 + 4e6 + 1000);
    // distinct messages, first ones first, at most ten
    expect(m.sampleErrors).toHaveLength(10);
    expect(m.sampleErrors.slice(0, 4)).toEqual(["query: a", "query: b", "timeout: c", "other: 0"]);
  });

  it("adds the wait histograms and aligns each second's histogram and client figures", () => {
    expect(decodeHistogram(m.wait).totalCount).toBe(180);
    expect(m.seconds).toHaveLength(4);
    // second 1: a's second 1 and b's second 0, their histograms added
    const expected = createHistogram(3);
    expected.add(decodeHistogram(a.seconds[1].latency!));
    expected.add(decodeHistogram(b.seconds[0].latency!));
    const got = decodeHistogram(m.seconds[1].latency!);
    expect(got.totalCount).toBe(60);
    expect(summarize(got)).toEqual(summarize(expected));
    expect(m.seconds[1].ops).toBe(60);
    expect(m.seconds[1].dropped).toBe(1);
    expect(m.seconds[0].client).toEqual({ loopDelayP99Ms: 2, loopDelayMaxMs: 9, gcMs: 1 });
    expect(m.seconds[1].client).toEqual({ loopDelayP99Ms: 3, loopDelayMaxMs: 9, gcMs: 7 });
    expect(m.seconds[2].client).toEqual({ loopDelayP99Ms: 4, loopDelayMaxMs: 9, gcMs: 7 });
    expect(m.seconds[3].client).toEqual({ loopDelayP99Ms: 3, loopDelayMaxMs: 4, gcMs: 7 });
  });

  it("a window bounded only by iterations (end Infinity) stays unbounded", () => {
    const c = { ...b, measureEndUs: Number.POSITIVE_INFINITY };
    expect(mergeOutcomes([a, c]).measureEndUs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("one rule for pool and capacity figures, worker threads and result files alike", () => {
  const poolA: PoolFigures = { size: 4, maxWaiting: 3, meanAcquireMs: 2 };
  const poolB: PoolFigures = { size: 4, maxWaiting: 5, meanAcquireMs: 4 };

  it("the same two pools merge to the same figures from outcomes and from results", () => {
    // a: 100 operations (97 ok, 3 errors); b: 300 (297 ok, 3 errors)
    const oa = outcome({ startUs: T0, endUs: T0 + 1e6, secs: 1, base: 1, n: 97, pool: poolA });
    const ob = outcome({ startUs: T0, endUs: T0 + 1e6, secs: 1, base: 1, n: 297, pool: poolB });
    const fromOutcomes = mergeOutcomes([oa, ob]).pool;

    const run = (id: string, ok: number, pool: PoolFigures) => {
      const r = buildRun({ id, scenarios: [{ name: "leaderboards-pg", seed: ok, durationS: 5 }] });
      const s = r.scenarios[0];
      s.operations.ok = ok;
      s.operations.errors = { timeout: 1, throttled: 0, connection: 0, query: 2, other: 0 };
      s.pool = pool;
      return r;
    };
    const fromResults = mergeRuns([
      { file: "a.json", run: run("a", 97, poolA) },
      { file: "b.json", run: run("b", 297, poolB) },
    ]).scenarios[0].pool;

    // pools side by side: sizes and peaks add; the mean acquire time weighs by operations
    const expected = { size: 8, maxWaiting: 8, meanAcquireMs: (2 * 100 + 4 * 300) / 400 };
    expect(fromOutcomes).toEqual(expected);
    expect(fromResults).toEqual(expected);
  });
});
