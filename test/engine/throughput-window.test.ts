import { describe, expect, it } from "vitest";
import { parseThreshold } from "../../core/thresholds.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("throughput under overload", () => {
  it("counts completions inside the window; late ones are interrupted and stay in the latency histogram", async () => {
    // a server of 100/s (one at a time, 10 ms each) offered 200/s for 5 s
    const r = await runSynthetic({
      url: synthetic("mode=serial&ms=10"),
      model: { type: "open", rate: 200, maxInFlight: 5000 },
      bounds: { durationMs: 5000, timeoutMs: 60_000 },
      thresholds: [parseThreshold("throughput>190", "throughput")],
    });
    expect(r.throughput).toBeGreaterThan(95);
    expect(r.throughput).toBeLessThan(105);
    const t = r.thresholds.find((x) => x.expression === "throughput>190");
    expect(t?.ok).toBe(false);
    expect(r.passed).toBe(false);
    // every arrival was served in the end: about half of them after the window
    expect(r.operations.ok).toBe(1000);
    expect(r.operations.interrupted).toBeGreaterThan(450);
    expect(r.operations.interrupted).toBeLessThan(550);
    // the interrupted operations' latencies are in the histogram: the tail shows the queue
    expect(r.latency.count).toBe(1000);
    expect(r.latency.max).toBeGreaterThan(4500);
  });
});
