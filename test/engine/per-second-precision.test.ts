import { describe, expect, it } from "vitest";
import { decodeHistogram } from "../../core/histogram.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("per-second figures", () => {
  it("are recorded at the whole run's precision: no second's max exceeds the run's max", async () => {
    const r = await runSynthetic({
      url: synthetic("mode=uniform&lo=200&hi=3000"),
      model: { type: "open", rate: 300, maxInFlight: 1000 },
      bounds: { durationMs: 3000 },
    });
    expect(r.timeSeries.length).toBeGreaterThanOrEqual(3);
    for (const p of r.timeSeries) expect(p.max).toBeLessThanOrEqual(r.latency.max);
    // each second's histogram is kept, at 3 significant digits like the whole run's
    const seconds = r.histograms.seconds ?? [];
    expect(seconds.length).toBe(r.timeSeries.length);
    const total = seconds
      .filter((s): s is string => s !== null)
      .reduce((a, s) => a + decodeHistogram(s).totalCount, 0);
    expect(total).toBe(r.latency.count);
    for (const s of seconds)
      if (s) expect(decodeHistogram(s).numberOfSignificantValueDigits).toBe(3);
  });
});
