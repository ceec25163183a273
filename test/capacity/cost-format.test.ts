import { describe, expect, it } from "vitest";
import { formatCost } from "../../capacity/cost-format.ts";
import type { OperationCost } from "../../capacity/types.ts";

/**
 * The printed cost per operation puts DynamoDB's measured units next to the
 * computed ones and marks a disagreement, and an index the endpoint does not
 * report (dynalite), so neither passes unseen.
 */
const cost: OperationCost = {
  atRate: 20,
  operations: 200,
  durationS: 10,
  warmupS: 2,
  throughput: 20,
  dynamo: [
    { table: "T", measured: { rcu: 0.5, wcu: 0 }, computed: { rcu: 0.5, wcu: 0 } },
    { table: "T", index: "A", measured: { rcu: 0, wcu: 3 }, computed: { rcu: 0, wcu: 6 } },
    {
      table: "T",
      index: "B",
      measured: null,
      computed: { rcu: 0, wcu: 1 },
      constantKey: "ALL",
    },
  ],
};

describe("formatCost", () => {
  it("shows measured and computed units side by side, marking disagreements and unreported ones", () => {
    const lines = formatCost(cost);
    expect(lines[0]).toBe(
      "cost per operation: 200 operations at 20/s in 10 s (after 2 s of warm-up), 20.0/s completed",
    );
    const row = (name: string) => lines.find((l) => l.trim().startsWith(`${name} `))!.trim();
    expect(row("T").split(/\s+/)).toEqual(["T", "0.5", "0", "0.5", "0"]);
    expect(row("T/A").split(/\s+/)).toEqual(["T/A", "0", "3", "0", "6", "differs"]);
    expect(row("T/B")).toMatch(/^T\/B\s+-\s+-\s+0\s+1\s+not reported; one key: "ALL"$/);
  });
});
