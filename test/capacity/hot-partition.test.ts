/**
 * The hot-partition warning: a GSI keyed on one constant value carries the
 * whole table's index traffic on one partition key; past 1,000 WCU/s the
 * report flags it with the write-sharding factor it needs and what
 * scatter-gather then adds to its reads. Worked by hand on the small sweep.
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../capacity/profile.ts";
import { buildReport } from "../../capacity/projection.ts";
import { DEFAULT_ASSUMPTIONS } from "../../capacity/projection-types.ts";
import { partitionWarnings } from "../../reports/capacity-tables.ts";
import { renderCapacityTerminal } from "../../reports/capacity-text.ts";
import { handPrices, handSweep } from "./fixtures/hand.ts";

const sweep = handSweep();
// experts reads the constant-key GSI: 1.5 RCU a query on "ALL"
sweep.scenarios.push({
  name: "experts",
  group: "patterns",
  store: "dynamodb",
  writes: false,
  cost: {
    atRate: 25,
    operations: 250,
    dynamo: [
      {
        table: "BellyfedUserPopularity",
        index: "InfluenceScoreIndex",
        measured: { rcu: 1.5, wcu: 0 },
        computed: { rcu: 1.5, wcu: 0 },
        constantKey: "ALL",
      },
    ],
  },
});

function reportFor(rankDishPerDay: number) {
  const profile = validateProfile(
    {
      users: 864_000,
      dailyActiveShare: 0.5,
      // 432,000 active: x / 86,400 = 5 x per second on average, 10 x at peak
      operations: { "rank-dish": rankDishPerDay, experts: 4, trending: 2 },
      peakToAverage: 2,
      monthlyGrowth: 0,
      monthsAhead: 0,
    },
    "hot.yaml",
  );
  return buildReport({
    sweep,
    sweepFile: "hot.json",
    profile,
    prices: handPrices(),
    assumptions: DEFAULT_ASSUMPTIONS,
  });
}

describe("hot-partition warning for a constant-key GSI", () => {
  it("fires with the sharding factor and the scatter-gather cost once the key passes 1,000 WCU/s", () => {
    // rank-dish 125 a day: 1,250/s at peak x 2 WCU on "ALL" = 2,500 WCU/s -> 3 shards
    const r = reportFor(125);
    const gsi = r.points[0].dynamo.resources.find(
      (x) => x.resource === "BellyfedUserPopularity/InfluenceScoreIndex",
    );
    expect(gsi?.constantKey).toBe("ALL");
    expect(gsi?.hotWcuPeak).toBeCloseTo(2500, 9);
    expect(gsi?.pressure).toMatchObject({ over: true, shardsNeeded: 3 });
    expect(gsi?.pressure.wcuShare).toBeCloseTo(2.5, 9);
    // experts: 40/s at peak x 1.5 RCU = 60 RCU/s; over 3 shards each read queries 3: 180
    expect(gsi?.scatter).toEqual({ shards: 3, readRcuPeakBefore: 60, readRcuPeakAfter: 180 });
    const warnings = partitionWarnings(r);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("InfluenceScoreIndex is keyed on the constant 'ALL'");
    expect(warnings[0]).toContain("write-sharding factor 3");
    expect(warnings[0]).toContain("60 -> 180 RCU/s");
    // 864,000 users / 2.5 = 345,600 (the writer's CPU, 1,250/s x 20 ms, breaks sooner here)
    const b = r.breaks.find((x) =>
      x.what.startsWith("BellyfedUserPopularity/InfluenceScoreIndex hottest key"),
    );
    expect(b?.what).toContain("(constant 'ALL')");
    expect(b?.users).toBeCloseTo(345_600, 3);
    expect(renderCapacityTerminal(r)).toContain(
      "Warning: BellyfedUserPopularity/InfluenceScoreIndex is keyed on the constant 'ALL'",
    );
  });

  it("names the constant key below the limit too, with factor 1 and the users where it needs 2", () => {
    // rank-dish 1 a day: 10/s at peak x 2 WCU = 20 WCU/s: 2% of a partition -> 2 shards at 43.2M users
    const r = reportFor(1);
    const [w] = partitionWarnings(r);
    expect(w).toContain("write-sharding factor 1");
    expect(w).toContain("needs 2 from 43.2M users");
    // TrendingScoreIndex (not constant, 5% assumed on its hottest key) is far below: no warning
    expect(partitionWarnings(r).some((x) => x.includes("TrendingScoreIndex"))).toBe(false);
  });
});
