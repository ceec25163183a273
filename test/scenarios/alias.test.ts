import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.ts";
import { AliasTable, WeightedPool } from "../../scenarios/lib/alias.ts";

describe("alias table", () => {
  it("draws each index with its weight's share", () => {
    const weights = [50, 25, 12.5, 6.25, 6.25, 0];
    const table = new AliasTable(weights);
    const rng = createRng(3);
    const counts = new Array(weights.length).fill(0);
    const n = 400_000;
    for (let i = 0; i < n; i++) counts[table.pick(rng.next())]++;
    for (let i = 0; i < weights.length; i++) {
      const expected = weights[i] / 100;
      expect(counts[i] / n).toBeCloseTo(expected, 2);
      expect(table.probability(i)).toBeCloseTo(expected, 12);
    }
    expect(counts[5]).toBe(0);
  });

  it("stays in range at the edges of [0, 1)", () => {
    const table = new AliasTable([1, 2, 3]);
    for (const u of [0, 1e-12, 0.5, 1 - 2 ** -32, 1 - Number.EPSILON]) {
      const i = table.pick(u);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(3);
    }
  });

  it("refuses empty, negative and all-zero weights", () => {
    expect(() => new AliasTable([])).toThrow(/at least one/);
    expect(() => new AliasTable([1, -1])).toThrow(/weight 1/);
    expect(() => new AliasTable([0, 0])).toThrow(/positive total/);
    expect(() => new WeightedPool(["a"], [1, 2])).toThrow(/1 values but 2 weights/);
  });

  it("a pool returns its own value objects (a draw allocates nothing)", () => {
    const values = [["a"], ["b"], ["c"]];
    const pool = new WeightedPool(values, [1, 1, 1]);
    const rng = createRng(9);
    for (let i = 0; i < 100; i++) expect(values).toContain(pool.draw(rng));
  });
});
