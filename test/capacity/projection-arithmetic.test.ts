/**
 * The projection's arithmetic against a small profile worked by hand: 864,000
 * users, half active a day; best-dishes 10 a day, rank-dish 1, trending 2;
 * peak twice the average; no growth. The working is beside each figure.
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../capacity/profile.ts";
import { buildReport } from "../../capacity/projection.ts";
import { DEFAULT_ASSUMPTIONS } from "../../capacity/projection-types.ts";
import { handPrices, handSweep } from "./fixtures/hand.ts";

const profile = validateProfile(
  {
    users: 864_000,
    dailyActiveShare: 0.5,
    operations: { "best-dishes": 10, "rank-dish": 1, trending: 2 },
    peakToAverage: 2,
    monthlyGrowth: 0,
    monthsAhead: 0,
    hotKeyShare: 0.1,
  },
  "hand.yaml",
);
const assumptions = { ...DEFAULT_ASSUMPTIONS, targetCpu: 0.5, dynamoTarget: 0.5, cacheHit: 0.99 };
const report = buildReport({
  sweep: handSweep(),
  sweepFile: "hand.json",
  profile,
  prices: handPrices(),
  assumptions,
});
const p = report.points[0];
const GIB = 2 ** 30;

describe("capacity projection, worked by hand", () => {
  it("traffic: 432,000 active users; 50, 5 and 10 operations/s on average, twice that at peak", () => {
    expect(p.users).toBe(864_000);
    expect(p.activeUsers).toBe(432_000);
    const by = Object.fromEntries(p.ops.map((o) => [o.scenario, [o.avgPerS, o.peakPerS]]));
    // 432,000 x 10 / 86,400 = 50
    expect(by["best-dishes"][0]).toBeCloseTo(50, 9);
    expect(by["best-dishes"][1]).toBeCloseTo(100, 9);
    expect(by["rank-dish"][0]).toBeCloseTo(5, 9);
    expect(by.trending[1]).toBeCloseTo(20, 9);
    expect(p.peakPerS.value).toBeCloseTo(130, 9);
  });

  it("Aurora: vCPUs, instance classes, ACUs, connections, storage, I/O and the monthly cost", () => {
    const a = p.aurora;
    // readers: 100/s x 15 ms / 0.5 = 3.0 vCPU; writer: 10/s x 20 ms / 0.5 = 0.4 vCPU
    expect(a.readerVcpu.value).toBeCloseTo(3, 9);
    expect(a.writerVcpu.value).toBeCloseTo(0.4, 9);
    expect(a.vcpuPeak.value).toBeCloseTo(3.4, 9);
    expect(a.vcpuPeak.cpu).toBe(true);
    // average: (50 x 15 ms + 5 x 20 ms) / 0.5 = 1.7
    expect(a.vcpuAvg.value).toBeCloseTo(1.7, 9);
    // writer: the cheapest class with >= 0.4 vCPU; readers: 2 x small ($2/h) beat 1 x big ($3/h)
    expect(a.writer).toMatchObject({ class: "db.small", count: 1, fits: true });
    expect(a.readers).toMatchObject({ class: "db.small", count: 2, fits: true });
    // ACU: the busiest instance, max(0.4, 3.0 / 2) x 4 = 6; average 1.7 x 4 = 6.8
    expect(a.acu.max.value).toBe(6);
    expect(a.acu.avg.value).toBeCloseTo(6.8, 9);
    // Little's law: readers 100/s x 40 ms = 4; writer 10/s x 50 ms = 0.5 -> 1
    expect(a.connections.readers.value).toBe(4);
    expect(a.connections.writer.value).toBe(1);
    // 16 GiB / 9,531,392 bytes = 1,802
    expect(a.connections.writerMax.value).toBe(1802);
    // 1,000,000 bytes / 1,000 users = 1,000 per user
    expect(a.bytesPerUser.value).toBe(1000);
    expect(a.storageGiB.value).toBeCloseTo(864e6 / GIB, 12);
    // reads: 50/s x 3.6e6 s x 100 blocks x 1% = 1.8e8; writes: 5/s x 3.6e6 x ceil(5000/4096) = 3.6e7
    expect(a.io.readPerMonth.value).toBeCloseTo(1.8e8, 0);
    expect(a.io.writePerMonth.value).toBeCloseTo(3.6e7, 0);
    // instances: (1 + 2) x $1 x 1000 h = $3000; I/O 2.16e8 x $0.2/M = $43.2
    expect(a.monthly.instances.value).toBeCloseTo(3000, 9);
    const storage = (864e6 / GIB) * 0.1;
    expect(a.monthly.standard.value).toBeCloseTo(3000 + storage + 43.2, 6);
    expect(a.monthly.ioOptimized.value).toBeCloseTo(4500 + (864e6 / GIB) * 0.2, 6);
    expect(a.monthly.provisioned.value).toBeCloseTo(3000 + storage + 43.2, 6);
    // Serverless v2: 6.8 ACU x 1000 h x $0.1 = $680 + storage + I/O: cheaper, and 6 ACU fits in 256
    expect(a.monthly.serverless.value).toBeCloseTo(680 + storage + 43.2, 6);
    expect(a.monthly.choice).toBe("Serverless v2");
    expect(a.monthly.total.value).toBeCloseTo(680 + storage + 43.2, 6);
  });

  it("DynamoDB: units per table and GSI, on-demand against provisioned, the crossover, storage", () => {
    const d = p.dynamo;
    const r = Object.fromEntries(d.resources.map((x) => [x.resource, x]));
    // trending: 10/s x 2 RCU = 20 average, 40 at peak
    expect(r["BellyfedTrendingDishes/TrendingScoreIndex"]).toMatchObject({
      rcuAvg: 20,
      rcuPeak: 40,
    });
    // rank-dish: 5/s x 1 WCU in the table, x 2 in the GSI
    expect(r.BellyfedUserPopularity).toMatchObject({ wcuAvg: 5, wcuPeak: 10 });
    expect(r["BellyfedUserPopularity/InfluenceScoreIndex"]).toMatchObject({
      wcuAvg: 10,
      wcuPeak: 20,
    });
    // on-demand: 20 x 3.6e6 / 1e6 x $0.25 + 15 x 3.6 x $1 = 18 + 54
    expect(d.monthly.onDemand.value).toBeCloseTo(72, 9);
    // provisioned at 50%: (40 x 0.0001 + 30 x 0.0005) x 1000 h = 19; at peak (80 x 0.0001 + 60 x 0.0005) x 1000 = 38
    expect(d.monthly.provisionedAuto.value).toBeCloseTo(19, 9);
    expect(d.monthly.provisionedAtPeak.value).toBeCloseTo(38, 9);
    expect(d.monthly.choice).toBe("provisioned (auto scaling)");
    // an RCU-hour provisioned $0.0001 against 3,600 on-demand reads $0.0009: above 1/9 use
    expect(d.crossoverUse.value).toBeCloseTo(1 / 9, 12);
    // 500,000 bytes / 1,000 users = 500 a user
    expect(d.storageGiB.value).toBeCloseTo(432e6 / GIB, 12);
    expect(d.monthly.total.value).toBeCloseTo(19 + (432e6 / GIB) * 0.25, 9);
    expect(p.monthly.total.value).toBeCloseTo(
      680 + (864e6 / GIB) * 0.1 + 43.2 + 19 + (432e6 / GIB) * 0.25,
      6,
    );
  });

  it("what breaks first: the writer's CPU at 864,000 x 8 vCPU / 0.4 = 17.28M users", () => {
    expect(report.breaks[0]).toMatchObject({ what: "Aurora writer CPU", service: "Aurora" });
    expect(report.breaks[0].users).toBeCloseTo(17_280_000, 3);
    // the constant key: 20 WCU/s of 1,000 -> 864,000 / 0.02 = 43.2M
    const gsi = report.breaks.find((b) => b.what.includes("InfluenceScoreIndex hottest key"));
    expect(gsi?.users).toBeCloseTo(43_200_000, 3);
  });

  it("the CPU factor scales every figure resting on it and nothing else", () => {
    const twice = buildReport({
      sweep: handSweep(),
      sweepFile: "hand.json",
      profile,
      prices: handPrices(),
      assumptions: { ...assumptions, cpuFactor: 2 },
    }).points[0];
    expect(twice.aurora.vcpuPeak.value).toBeCloseTo(6.8, 9);
    expect(twice.aurora.acu.avg.value).toBeCloseTo(13.6, 9);
    expect(twice.dynamo.monthly.total.value).toBe(p.dynamo.monthly.total.value);
    expect(twice.aurora.connections.readers.value).toBe(4);
  });
});
