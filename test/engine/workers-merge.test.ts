import { describe, expect, it } from "vitest";
import { decodeHistogram } from "../../core/histogram.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("a run on two worker threads", () => {
  it("merges histograms and counters of the closed model: counts add up", async () => {
    const r = await runSynthetic({
      url: synthetic("mode=busy&us=200"),
      model: { type: "closed", vus: 4, thinkTimeMs: 0 },
      bounds: { iterations: 2000 },
      workers: 2,
    });
    expect(r.generators).toBe(2);
    expect(r.operations.ok).toBe(2000);
    expect(r.latency.count).toBe(2000);
    expect(decodeHistogram(r.histograms.serviceTime).totalCount).toBe(2000);
    expect(r.timeSeries.reduce((s, p) => s + p.ops, 0)).toBe(2000);
    expect(r.serviceTime.p50).toBeGreaterThanOrEqual(0.2);
  });

  it("splits an open-model rate so the workers' arrivals add up to the schedule", async () => {
    const r = await runSynthetic({
      url: synthetic("mode=empty"),
      model: { type: "open", rate: 400, maxInFlight: 100 },
      bounds: { durationMs: 1000 },
      workers: 2,
    });
    expect(r.generators).toBe(2);
    // arrivals at k/400 s for k = 0..399 fall in the 1 s window
    expect(r.operations.ok + r.operations.dropped).toBe(400);
    expect(r.latency.count).toBe(r.operations.ok);
  });
});
