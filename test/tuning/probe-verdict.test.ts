import { expect, it } from "vitest";
import { GROUPS } from "../../scenarios/index.ts";
import { PROBE_INDEXES, probeVerdict } from "../../tuning/probe-ab.ts";

const f = (p95: number, throughput: number) => ({ p50: p95 / 3, p95, throughput });

it("keeps an index when its probe's p95 or throughput improves by more than 10%, else drops it with its cost", () => {
  const cost = { insertSlowdown: 0.08, bytes: 80 * 1024 };
  const faster = probeVerdict(f(4, 1000), f(10, 1000), cost);
  expect(faster.keep).toBe(true);
  expect(faster.p95Gain).toBeCloseTo(0.6);
  expect(faster.reason).toBe(
    "keep: with the index p95 +60%, throughput +0% (more than 10%); it costs 80 kB, inserts -8% rows/s",
  );
  expect(probeVerdict(f(10, 1200), f(10, 1000), cost).keep).toBe(true); // throughput +20%
  const even = probeVerdict(f(9.5, 1050), f(10, 1000), cost); // 5% each: noise, not worth it
  expect(even.keep).toBe(false);
  expect(even.reason).toBe(
    "drop: with the index only p95 +5%, throughput +5% (not more than 10%); it costs 80 kB, inserts -8% rows/s",
  );
  // exactly the tolerance is not more than it
  expect(probeVerdict(f(9, 1100), f(10, 1000), cost).keep).toBe(false);
  expect(
    probeVerdict(f(9.5, 1000), f(10, 1000), { insertSlowdown: null, bytes: 2048 }).reason,
  ).toBe("drop: with the index only p95 +5%, throughput +0% (not more than 10%); it costs 2 kB");
});

it("names one index for each probe of the index-probes group", () => {
  expect(PROBE_INDEXES.map((p) => p.probe)).toEqual(GROUPS["index-probes"].scenarios);
});
