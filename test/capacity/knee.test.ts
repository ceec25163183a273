import { describe, expect, it } from "vitest";
import { rateSweep } from "../../capacity/rate.ts";
import { parseThreshold } from "../../core/thresholds.ts";
import { slotsScenario } from "./fixtures/slots.ts";

/**
 * The rate sweep finds a known knee: 8 slots of 100 ms serve at most 80
 * operations per second; above that arrivals queue and latency grows without
 * bound, so p(90) < 250 ms fails (p(90), not p(99): a stall of this shared
 * machine's event loop must not fail a step below the knee). The knee is
 * 80/s within 10%.
 */
describe("the rate sweep on 8 slots of 100 ms", () => {
  it("puts the knee at slots / service time (80/s) within 10%, after a drill-in", async () => {
    const { steps, knee } = await rateSweep(
      { name: "slots", source: { scenario: slotsScenario(8, 100) } },
      {
        startRate: 20,
        factor: 1.6,
        maxSteps: 8,
        drillSteps: 4,
        thresholds: [parseThreshold("p(90)<250")],
        connections: 1,
        warmupMs: 300,
        durationMs: 3000,
        timeoutMs: 5000,
      },
    );
    expect(knee).not.toBeNull();
    expect(Math.abs(knee!.throughput - 80) / 80).toBeLessThan(0.1);
    // rising steps stopped at the first failure, then bisection between the last good and it
    const rising = steps.filter((s) => !s.drill);
    expect(rising.at(-1)!.passed).toBe(false);
    expect(rising.slice(0, -1).every((s) => s.passed)).toBe(true);
    expect(steps.some((s) => s.drill)).toBe(true);
    // a failing step names its target and stopped early (abortOnFail)
    const failing = steps.filter((s) => !s.passed);
    expect(failing[0].failed[0]).toMatch(/^latency:p\(90\)<250/);
    expect(failing.some((s) => s.aborted && s.durationS < 3)).toBe(true);
    expect(knee!.limitedBy).toMatch(/latency:p\(90\)<250/);
  });
});
