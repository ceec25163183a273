import { describe, expect, it } from "vitest";
import { fitUsl } from "../../capacity/usl.ts";

/** Data that follows no USL curve gets `good: false` and a reason, not numbers presented as facts. */
describe("the USL fit on data that follows no such curve", () => {
  it("says the fit is poor, naming R^2", () => {
    // throughput jumping up and down with concurrency: no contention/coherency curve through it
    const sawtooth = [500, 80, 900, 120, 700, 60, 800, 100];
    const fit = fitUsl(sawtooth.map((throughput, i) => ({ concurrency: i + 1, throughput })));
    expect(fit.good).toBe(false);
    expect(fit.r2).toBeLessThan(0.5);
    expect(fit.reason).toMatch(/^poor fit: R\^2 0\.\d{3} < 0\.9/);
  });

  it("says too few steps are too few, even when the curve passes through them", () => {
    const fit = fitUsl([
      { concurrency: 1, throughput: 100 },
      { concurrency: 2, throughput: 190 },
      { concurrency: 4, throughput: 340 },
    ]);
    expect(fit.good).toBe(false);
    expect(fit.reason).toMatch(/only 3 concurrency steps/);
  });
});
