import { describe, expect, it } from "vitest";
import { parseThreshold } from "../../core/thresholds.ts";
import { runSynthetic, synthetic } from "./fixtures/run.ts";

describe("a run whose operations all throw", () => {
  it("never passes, with no thresholds or with thresholds that would otherwise hold", async () => {
    const bare = await runSynthetic({
      url: synthetic("mode=throw"),
      model: { type: "closed", vus: 2, thinkTimeMs: 0 },
      bounds: { iterations: 200 },
    });
    expect(bare.operations.ok).toBe(0);
    expect(bare.operations.errors.other).toBe(200);
    expect(bare.errorRate).toBe(1);
    expect(bare.operations.sampleErrors[0]).toContain("synthetic failure");
    expect(bare.passed).toBe(false);
    expect(bare.thresholds[0]).toMatchObject({
      metric: "operations",
      expression: "ok>0",
      ok: false,
      actual: 0,
    });

    const lenient = await runSynthetic({
      url: synthetic("mode=throw"),
      model: { type: "open", rate: 500, maxInFlight: 10 },
      bounds: { durationMs: 500 },
      thresholds: [
        parseThreshold("p(95)<1000"),
        parseThreshold("rate<=1", "errors"),
        parseThreshold("ok>=0", "operations"),
      ],
    });
    expect(lenient.operations.ok).toBe(0);
    expect(lenient.passed).toBe(false);
    // the latency threshold cannot hold without a successful operation
    expect(lenient.thresholds.find((t) => t.expression === "p(95)<1000")?.ok).toBe(false);
  });
});
