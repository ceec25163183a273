import { describe, expect, it } from "vitest";
import { mergePools } from "../../core/figures.ts";
import { formatSummary } from "../../reports/summary.ts";
import { buildRun } from "../helpers/results.ts";

/** Transaction retries: kept in the pool figures, added when parts merge, printed beside the errors. */
describe("retries in the pool figures", () => {
  const pool = (s: number, d: number, u: number) => ({
    size: 4,
    maxWaiting: 1,
    meanAcquireMs: 0.5,
    retries: { serialization: s, deadlock: d, uniqueViolation: u },
  });

  it("add across worker threads and across repeated runs", () => {
    const parts = [
      { pool: pool(3, 1, 0), operations: 100 },
      { pool: pool(2, 0, 5), operations: 100 },
      { pool: { size: 4, maxWaiting: 0, meanAcquireMs: 0 }, operations: 50 },
    ];
    for (const kind of ["parallel", "sequential"] as const)
      expect(mergePools(parts, kind)?.retries).toEqual({
        serialization: 5,
        deadlock: 1,
        uniqueViolation: 5,
      });
    expect(
      mergePools(
        [{ pool: { size: 4, maxWaiting: 0, meanAcquireMs: 0 }, operations: 1 }],
        "parallel",
      ),
    ).not.toHaveProperty("retries");
  });

  it("the summary prints them beside the errors, only for scenarios with retrying transactions", () => {
    const run = buildRun({
      scenarios: [
        { name: "rank-dish", seed: 1 },
        { name: "profile", seed: 2 },
      ],
    });
    run.scenarios[0].pool = pool(22, 1, 3);
    const lines = formatSummary(run).split("\n");
    const at = lines.findIndex((l) => l.includes("retries"));
    expect(lines[at]).toMatch(
      /retries\.+: 26 \(serialization 22, deadlock 1, unique violation 3\)/,
    );
    expect(lines[at - 1]).toMatch(/error rate/);
    expect(lines.filter((l) => l.includes("retries"))).toHaveLength(1);
  });
});
