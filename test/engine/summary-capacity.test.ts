import { expect, it } from "vitest";
import { formatSummary } from "../../reports/summary.ts";
import { buildRun } from "../helpers/results.ts";

/** The summary's capacity line lists what was charged: a Query on an index charges the index, not the table. */
it("leaves out resources that consumed nothing", () => {
  const run = buildRun({ scenarios: [{ name: "trending", seed: 1 }] });
  run.scenarios[0].capacity = {
    readUnits: 498.5,
    writeUnits: 0,
    byResource: {
      BellyfedTrendingDishes: { readUnits: 0, writeUnits: 0 },
      "BellyfedTrendingDishes/TrendingScoreIndex": { readUnits: 498.5, writeUnits: 0 },
    },
  };
  const line = formatSummary(run)
    .split("\n")
    .find((l) => l.includes("capacity"));
  expect(line).toMatch(
    /498\.5 RCU, 0 WCU \(BellyfedTrendingDishes\/TrendingScoreIndex 498\.5R\/0W\)/,
  );
  expect(line).not.toMatch(/BellyfedTrendingDishes 0R/);
});
