import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { chooseWorkers, MAX_OPEN_RATE_PER_THREAD } from "../../engine/models/index.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("a rate the load generator cannot start", () => {
  it("is refused up front, naming the maximum and the threads it needs", () => {
    const model = { type: "open" as const, rate: 1e9, maxInFlight: 10_000 };
    expect(() => chooseWorkers("auto", model)).toThrow(UsageError);
    expect(() => chooseWorkers(1, { ...model, rate: 3e6 })).toThrow(
      "lower it to at most 1,000,000, or add threads with --workers 3",
    );
    expect(() => chooseWorkers(1, model)).toThrow("lower the rate to at most 64,000,000");
    expect(chooseWorkers(3, { ...model, rate: 3e6 })).toBe(3);
  });

  it("ends within its bounds plus one timeout, arrivals that cannot start dropped in bulk", async () => {
    const started = Date.now();
    const r = await runSynthetic({
      url: synthetic("mode=hang"),
      model: { type: "open", rate: MAX_OPEN_RATE_PER_THREAD, maxInFlight: 20 },
      bounds: { durationMs: 2000, timeoutMs: 1000 },
    });
    const wallMs = Date.now() - started;
    expect(wallMs).toBeLessThan(2000 + 1000 + 1500);
    // every arrival of the window is accounted for: started (then timed out) or dropped
    const accounted = r.operations.dropped + r.operations.errors.timeout;
    expect(accounted).toBeGreaterThan(0.99 * 2e6);
    expect(accounted).toBeLessThanOrEqual(2e6 + 1);
  });

  it("with free slots, stops at the window's end and drops what it could not start", async () => {
    const started = Date.now();
    const r = await runSynthetic({
      url: synthetic("mode=empty"),
      model: { type: "open", rate: MAX_OPEN_RATE_PER_THREAD, maxInFlight: 10_000 },
      bounds: { durationMs: 2000, timeoutMs: 1000 },
    });
    expect(Date.now() - started).toBeLessThan(2000 + 1000 + 1500);
    const accounted = r.operations.ok + r.operations.dropped;
    expect(accounted).toBeGreaterThan(0.99 * 2e6);
    expect(accounted).toBeLessThanOrEqual(2e6 + 1);
  });
});
