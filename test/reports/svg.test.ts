import { expect, it } from "vitest";
import { clientVerdict } from "../../reports/html.ts";
import { logTicks } from "../../reports/svg.ts";

it("logTicks: covers the range in 1-2-5 steps over a few decades, fewer steps over more", () => {
  const t = logTicks(5.2, 880);
  expect(t[0]).toBeLessThanOrEqual(5.2);
  expect(t[t.length - 1]).toBeGreaterThanOrEqual(880);
  expect(t).toEqual([5, 10, 20, 50, 100, 200, 500, 1000]);
  expect(logTicks(0.3, 40)).toEqual([0.2, 0.5, 1, 2, 5, 10, 20, 50]);
  expect(logTicks(0.3, 400)).toEqual([0.3, 1, 3, 10, 30, 100, 300, 1000]);
  expect(logTicks(0.05, 20_000)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10_000, 100_000]);
  // one value: a small range around it, not a zero-height axis
  const one = logTicks(4, 4);
  expect(one[0]).toBeLessThan(4);
  expect(one[one.length - 1]).toBeGreaterThan(4);
});

it("clientVerdict: a second whose event-loop delay or GC reaches half its p99 was the client's", () => {
  expect(clientVerdict(90, { loopDelayP99Ms: 38, loopDelayMaxMs: 71, gcMs: 2 })).toBe(
    "client (event loop)",
  );
  expect(clientVerdict(80, { loopDelayP99Ms: 3, loopDelayMaxMs: 9, gcMs: 55 })).toBe("client (GC)");
  expect(clientVerdict(80, { loopDelayP99Ms: 3, loopDelayMaxMs: 39, gcMs: 30 })).toBe("-");
});
