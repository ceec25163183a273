import { describe, expect, it } from "vitest";
import { rateSweep } from "../../capacity/rate.ts";
import { parseThreshold } from "../../core/thresholds.ts";
import type { Scenario } from "../../engine/scenario.ts";

/**
 * With `confirm`, a rate that fails once (a stall of a shared machine) is run
 * again and counts as failed only when the second run fails too: here the
 * second step's first run throws on every operation, its second run does not.
 */
function failsInStep(bad: number): Scenario {
  let setups = 0;
  const scenario: Scenario<{ fail: boolean }, null> = {
    name: "fails-once",
    description: `every operation of step ${bad} throws`,
    stores: [],
    async setup() {
      setups++;
      return { fail: setups === bad };
    },
    sample: () => null,
    async operation(state) {
      if (state.fail) throw new Error("a bad moment");
    },
  };
  return scenario as Scenario;
}

describe("a rate sweep with confirm", () => {
  it("runs a failing rate again and goes on when the second run meets the targets", async () => {
    const { steps, knee } = await rateSweep(
      { name: "fails-once", source: { scenario: failsInStep(2) } },
      {
        startRate: 20,
        factor: 2,
        maxSteps: 3,
        drillSteps: 2,
        thresholds: [parseThreshold("rate<0.001")],
        connections: 1,
        confirm: true,
        warmupMs: 100,
        durationMs: 1200,
        timeoutMs: 1000,
      },
    );
    expect(steps.map((s) => [s.rate, s.passed, s.retry === true])).toEqual([
      [20, true, false],
      [40, false, false],
      [40, true, true],
      [80, true, false],
    ]);
    expect(steps[1].failed).toContainEqual(expect.stringMatching(/^errors:rate<0\.001/));
    expect(knee?.rate).toBe(80);
  });
});
