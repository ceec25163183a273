import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../core/result.ts";
import { freshnessStores, runFreshness } from "./freshness-support.ts";

/**
 * The replication slot's lag in bytes is sampled each second into the run's
 * time series (the seconds of the measured window), and summarised.
 */
let stores: Awaited<ReturnType<typeof freshnessStores>>;
let result: ScenarioResult;

beforeAll(async () => {
  stores = await freshnessStores("freshness-slot-lag");
  result = await runFreshness(stores.scratch, {}, 5000);
}, 600_000);

afterAll(async () => {
  await stores?.close();
});

describe("slot lag in the series", () => {
  it("has a sample in (nearly) every second of the window", () => {
    const seconds = result.timeSeries.filter((p) => p.t < 5);
    const sampled = seconds.filter((p) => p.slotLagBytes !== undefined);
    // one sample a second; a second may miss it when a query straddles its edge
    expect(sampled.length).toBeGreaterThanOrEqual(4);
    for (const p of sampled) expect(Number.isFinite(p.slotLagBytes)).toBe(true);
    const s = result.freshness!.slotLagBytes;
    expect(s.samples).toBeGreaterThanOrEqual(sampled.length);
    expect(s.max).toBe(Math.max(...sampled.map((p) => p.slotLagBytes!)));
  });
});
