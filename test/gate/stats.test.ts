import { describe, expect, it } from "vitest";
import { median } from "../../core/median.ts";
import { createRng } from "../../core/rng.ts";
import { bootstrapRatioOfMedians, mannWhitneyU, normalCdf } from "../../gate/stats.ts";

describe("statistics", () => {
  it("median of odd and even lengths", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("normal CDF matches known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });

  it("Mann-Whitney exact p-values (complete separation of 5 vs 5 is 1/252)", () => {
    const r = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.method).toBe("exact");
    expect(r.u).toBe(25);
    expect(r.pGreater).toBeCloseTo(1 / 252, 10);
    expect(r.pLess).toBe(1);
  });

  it("Mann-Whitney with ties: tie-corrected normal approximation, worked by hand", () => {
    // ranks of x: 1 + 2 + 3.5 + 6.5 + 6.5 + 9.5 + 11.5 = 40.5, so U = 40.5 - 7*8/2 = 12.5;
    // mean 28; ties (2,4,2,2) give sum(t^3-t) = 78, variance 56/12 * (16 - 78/210) = 72.933;
    // z = (12.5 - 28 + 0.5) / 8.5401 = -1.7564, one-sided p = 0.0395
    // (scipy.stats.mannwhitneyu(x, y, alternative="less", method="asymptotic") gives 12.5, 0.03951)
    const r = mannWhitneyU([1, 2, 3, 4, 4, 5, 6], [3, 4, 4, 5, 6, 7, 8, 9]);
    expect(r.method).toBe("normal");
    expect(r.u).toBe(12.5);
    expect(r.pLess).toBeCloseTo(0.0395, 3);
    expect(r.pGreater).toBeGreaterThan(0.9);
  });

  it("bootstrap interval covers the true ratio and is reproducible for a seed", () => {
    const base = [[...Array(40).keys()].map((i) => 10 + (i % 7))];
    const cur = [[...Array(40).keys()].map((i) => 20 + 2 * (i % 7))];
    const a = bootstrapRatioOfMedians(base, cur, { confidence: 0.95, resamples: 1000, seed: 5 });
    const b = bootstrapRatioOfMedians(base, cur, { confidence: 0.95, resamples: 1000, seed: 5 });
    expect(a).toEqual(b);
    expect(a.ratio).toBe(2);
    expect(a.low).toBeLessThanOrEqual(2);
    expect(a.high).toBeGreaterThanOrEqual(2);
  });

  it("the bootstrap draws from the engine's seeded generator (engine/rng.ts), one generator for both", () => {
    const base = [[1, 2, 3, 4, 5, 6, 7]];
    const cur = [[10, 20, 30, 40, 50, 60, 70]];
    const one = bootstrapRatioOfMedians(base, cur, { confidence: 0.9, resamples: 1, seed: 77 });
    // one resample: seven draws of the baseline, then seven of the current, from createRng(77)
    const rng = createRng(77);
    const draw = (xs: number[]) => xs.map(() => xs[Math.floor(rng.next() * xs.length)]);
    const mb = median(draw(base[0]));
    const mc = median(draw(cur[0]));
    expect(one.low).toBe(mc / mb);
    expect(one.high).toBe(mc / mb);
  });
});
