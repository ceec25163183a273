import { describe, expect, it } from "vitest";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

// One operation, 1 s into the run, blocks the load generator for 1 s (a stall).
const STALL = "mode=busy&us=300&stallAfterMs=1000&stallMs=1000";

describe("a 1 s stall", () => {
  it("shows in the open model's p99 latency (from the scheduled start), not in its service time", async () => {
    const r = await runSynthetic({
      url: synthetic(STALL),
      model: { type: "open", rate: 200, maxInFlight: 1000 },
      bounds: { durationMs: 3000 },
    });
    // about 200 of ~600 operations were due during the stall: they are late by up to 1 s
    expect(r.operations.ok).toBeGreaterThan(500);
    expect(r.operations.dropped).toBe(0);
    expect(r.latency.p99).toBeGreaterThan(800);
    expect(r.latency.p90).toBeGreaterThan(300);
    expect(r.serviceTime.p99).toBeLessThan(100);
    expect(r.serviceTime.max).toBeGreaterThan(990);
  });

  it("is hidden in the closed model: p99 service time stays small, only the max sees it", async () => {
    const r = await runSynthetic({
      url: synthetic(STALL),
      model: { type: "closed", vus: 1, thinkTimeMs: 0 },
      bounds: { durationMs: 3000 },
    });
    expect(r.operations.ok).toBeGreaterThan(500);
    expect(r.serviceTime.p99).toBeLessThan(100);
    expect(r.latency.p99).toBeLessThan(100);
    expect(r.serviceTime.max).toBeGreaterThan(990);
  });
});
