import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../core/result.ts";
import { freshnessStores, runFreshness } from "./freshness-support.ts";

/**
 * The freshness scenario measures how long DynamoDB takes to show a
 * PostgreSQL commit: above zero and below a few seconds, end to end (the
 * probes' consistent GetItems) and per change (the projector's own
 * acknowledgement minus the commit time), with every probe seen.
 */
let stores: Awaited<ReturnType<typeof freshnessStores>>;
let result: ScenarioResult;

beforeAll(async () => {
  stores = await freshnessStores("freshness-lag");
  result = await runFreshness(stores.scratch, { freshness: ["p(99)<10000"] });
}, 600_000);

afterAll(async () => {
  await stores?.close();
});

describe("freshness of a write", () => {
  it("is measured end to end and per change, above 0 and under a few seconds", () => {
    expect(result.operations.ok).toBeGreaterThan(10);
    // a probe whose change never shows is an error, not a lag: the projector loses a few
    // updates (README "Freshness": about 4% of probes on the shared machine); the
    // measurement itself is what this file tests
    const errors = Object.values(result.operations.errors).reduce((a, b) => a + b, 0);
    expect(errors).toBeLessThanOrEqual(Math.ceil(result.operations.ok * 0.1));
    const f = result.freshness!;
    // every probe in the window measured (a pair drawn twice at once measures nothing: rare)
    expect(f.endToEnd.count).toBeGreaterThan(10);
    expect(f.endToEnd.min).toBeGreaterThan(0);
    expect(f.endToEnd.max).toBeLessThan(5000);
    // each probe is one row change (a follow or an unfollow): at least as many changes
    expect(f.perChange.count).toBeGreaterThanOrEqual(f.endToEnd.count);
    expect(f.perChange.min).toBeGreaterThan(0);
    expect(f.perChange.max).toBeLessThan(5000);
    // the probe sees the item after the projector wrote it
    expect(f.endToEnd.p50).toBeGreaterThanOrEqual(f.perChange.min);
    expect(result.histograms.freshness).toBeTypeOf("string");
    expect(result.histograms.syncLag).toBeTypeOf("string");
    expect(result.thresholds.find((t) => t.metric === "freshness")?.ok).toBe(true);
  });
});
