import { describe, expect, it } from "vitest";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("the per-operation timeout", () => {
  it("counts operations that never finish as class timeout, and the run still ends", async () => {
    const started = Date.now();
    const r = await runSynthetic({
      url: synthetic("mode=hang"),
      model: { type: "closed", vus: 2, thinkTimeMs: 0 },
      bounds: { durationMs: 1000, timeoutMs: 100 },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.operations.ok).toBe(0);
    // 2 VUs, each op declared timed out 100-110 ms after it started: ~18-20 in 1 s
    expect(r.operations.errors.timeout).toBeGreaterThanOrEqual(14);
    expect(r.operations.errors.timeout).toBeLessThanOrEqual(22);
    expect(r.serviceTime.p50).toBeGreaterThanOrEqual(100);
    expect(r.serviceTime.max).toBeLessThan(200);
    expect(r.passed).toBe(false);
  });
});
