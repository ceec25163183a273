import { expect, it } from "vitest";
import type { ScenarioResult } from "../../core/result.ts";
import { startBarrier } from "../../engine/barrier.ts";
import { runStep } from "../../engine/run-step.ts";
import type { Scenario } from "../../engine/scenario.ts";

/**
 * A mix's scenarios start together, after every setup: one scenario's slow
 * setup must not land in another's measured seconds (bench:ci's short mix
 * once failed best-dishes on its second 0 while the others set up).
 */
function scenario(name: string, setupMs: number, fail = false): Scenario<null, number> {
  return {
    name,
    description: name,
    stores: [],
    async setup() {
      await new Promise((r) => setTimeout(r, setupMs));
      if (fail) throw new Error(`${name}: setup failed`);
      return null;
    },
    sample: () => 0,
    async operation() {},
  };
}

const bounds = {
  warmupMs: 0,
  durationMs: 300,
  iterations: Number.POSITIVE_INFINITY,
  timeoutMs: 1000,
};
const model = { type: "open", rate: 50, maxInFlight: 10 } as const;

function steps(ready?: () => Promise<void>, fail = false): Promise<ScenarioResult>[] {
  return [
    runStep({ scenario: scenario("fast", 0) }, model, bounds, { ready }),
    runStep({ scenario: scenario("slow", 900, fail) }, model, bounds, { ready }),
  ];
}

const gapMs = (a: ScenarioResult, b: ScenarioResult) =>
  Math.abs(Date.parse(a.windowStart!) - Date.parse(b.windowStart!));

it("without a barrier the fast scenario starts while the slow one still sets up", async () => {
  const [fast, slow] = await Promise.all(steps());
  expect(gapMs(fast, slow)).toBeGreaterThan(600);
});

it("with a shared barrier both measured windows start together, after the slow setup", async () => {
  const barrier = startBarrier(2);
  const [fast, slow] = await Promise.all(steps(barrier.arrive));
  expect(gapMs(fast, slow)).toBeLessThan(150);
  expect(fast.operations.ok).toBeGreaterThan(0);
});

it("a setup that fails breaks the barrier: the other step fails too instead of waiting", async () => {
  const barrier = startBarrier(2);
  const [fast, slow] = steps(barrier.arrive, true);
  const failing = slow.catch((e) => {
    barrier.fail(e);
    throw e;
  });
  await expect(failing).rejects.toThrow(/slow: setup failed/);
  await expect(fast).rejects.toThrow(/slow: setup failed/);
});
