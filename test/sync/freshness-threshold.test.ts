import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../core/result.ts";
import { freshnessStores, runFreshness } from "./freshness-support.ts";

/**
 * A freshness target is gated like any other threshold: set impossibly low
 * (p(99) under a microsecond) it fails with the measured value, end to end
 * and per change, and the scenario does not pass.
 */
let stores: Awaited<ReturnType<typeof freshnessStores>>;
let result: ScenarioResult;

beforeAll(async () => {
  stores = await freshnessStores("freshness-threshold");
  result = await runFreshness(stores.scratch, {
    freshness: ["p(99)<0.001"],
    sync_lag: ["p(99)<0.001"],
  });
}, 600_000);

afterAll(async () => {
  await stores?.close();
});

describe("freshness: p(99)<0.001", () => {
  it("fails, with the measured p99 as its actual value", () => {
    const fresh = result.thresholds.find((t) => t.metric === "freshness")!;
    const lag = result.thresholds.find((t) => t.metric === "sync_lag")!;
    expect(fresh.expression).toBe("p(99)<0.001");
    expect(fresh.ok).toBe(false);
    expect(fresh.actual).toBeGreaterThan(0.001);
    expect(fresh.actual).toBeCloseTo(result.freshness!.endToEnd.p99, 0);
    expect(lag.ok).toBe(false);
    expect(lag.actual).toBeCloseTo(result.freshness!.perChange.p99, 0);
    expect(result.passed).toBe(false);
    // the operations themselves succeeded: it is the freshness that failed
    expect(result.thresholds.find((t) => t.metric === "operations")?.ok).toBe(true);
  });
});
