import { expect, it } from "vitest";
import { parseThresholdFlag } from "../../core/thresholds.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

/**
 * A step stopped early counts the operations that were in flight at the stop
 * and completed after it: the window runs to the last of them, so a server
 * that serves 80/s never shows more than that (the capacity sweep's failing
 * steps once showed 129/s from a server of 80/s).
 */
it("a run stopped by abortOnFail reports the server's throughput, not more", async () => {
  const r = await runSynthetic({
    url: synthetic("mode=serial&ms=12.5"),
    model: { type: "open", rate: 131, maxInFlight: 1000 },
    bounds: { durationMs: 20_000, timeoutMs: 10_000 },
    thresholds: [parseThresholdFlag("latency:p(99)<100,abortOnFail,delayAbortEval=2s").threshold],
  });
  expect(r.aborted).toBeDefined();
  expect(r.durationMs).toBeLessThan(15_000);
  // 80/s is the server's capacity (one at a time, 12.5 ms each)
  expect(r.throughput).toBeLessThanOrEqual(80 * 1.05);
  expect(r.throughput).toBeGreaterThan(60);
});
