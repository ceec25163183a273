import { describe, expect, it } from "vitest";
import { createHistogram, recordUs } from "../../core/histogram.ts";
import { evaluateThresholds, parseThresholdFlag } from "../../core/thresholds.ts";

/**
 * `freshness` and `sync_lag` are threshold metrics like latency (ms, p(N),
 * avg, max...), evaluated on the scenario's own histograms; a scenario that
 * measured no freshness cannot pass a freshness threshold.
 */
describe("freshness thresholds", () => {
  const values = (fresh?: number[]) => {
    const latency = createHistogram(3);
    recordUs(latency, 1000);
    const freshness = fresh ? createHistogram(3) : undefined;
    for (const us of fresh ?? []) recordUs(freshness!, us);
    return {
      latency,
      serviceTime: latency,
      freshness,
      ok: 1,
      errors: 0,
      dropped: 0,
      throughput: 1,
    };
  };

  it("evaluates freshness:p(99)<1000 on the freshness histogram, in ms; without one it fails", () => {
    const { threshold } = parseThresholdFlag("freshness/freshness:p(99)<1000");
    expect(threshold.metric).toBe("freshness");
    const fast = evaluateThresholds([threshold], values([200_000, 300_000]))[1];
    expect(fast.ok).toBe(true);
    expect(fast.actual).toBeCloseTo(300, 0);
    const slow = evaluateThresholds([threshold], values([200_000, 1_500_000]))[1];
    expect(slow.ok).toBe(false);
    expect(slow.actual).toBeCloseTo(1500, -1);
    const none = evaluateThresholds([threshold], values())[1];
    expect(none.ok).toBe(false);
    const lag = parseThresholdFlag("sync_lag:max<5000").threshold;
    expect(evaluateThresholds([lag], values([1]))[1].ok).toBe(false);
  });
});
