import { expect, it } from "vitest";
import type { ScenarioResult } from "../../core/result.ts";
import { perSecondSamples } from "../../gate/compare.ts";
import { combineRepeats } from "../../results/merge.ts";
import { buildRun } from "../helpers/results.ts";

/**
 * Repeated runs joined into one (gate --update-baseline with several files):
 * each run's trailing partial second is left out, so the joined series is of
 * full seconds and a one-operation second never becomes a latency sample.
 */
function runWithPartialSecond(seed: number): ScenarioResult {
  const s = buildRun({ scenarios: [{ name: "trending", seed, durationS: 10 }] }).scenarios[0];
  const last = s.timeSeries[s.timeSeries.length - 1];
  expect(last.t).toBe(9);
  s.durationMs = 10_004;
  // 4 ms past the tenth second: one slow operation
  s.timeSeries.push({ ...last, t: 10, ops: 1, p50: 999, p95: 999, p99: 999, max: 999 });
  return s;
}

it("keeps the full seconds of every repeat and drops each trailing partial one", () => {
  const parts = [1, 2, 3].map(runWithPartialSecond);
  const joined = combineRepeats(parts);
  expect(joined.timeSeries.map((p) => p.t)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  const p50s = perSecondSamples(joined, "p50");
  expect(p50s).toHaveLength(30);
  expect(p50s).not.toContain(999);
  // a single run: its own partial second is left out as well
  expect(perSecondSamples(parts[0], "p50")).toHaveLength(10);
  expect(perSecondSamples(parts[0], "p50")).not.toContain(999);
});
