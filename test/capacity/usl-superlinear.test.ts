import { describe, expect, it } from "vitest";
import { fitUsl } from "../../capacity/usl.ts";

/**
 * Throughput that grows faster than linearly (a sweep of `follow` on a busy
 * machine: 1,189 ops/s at 8 connections, 2,189 at 16) pushes kappa below 0,
 * where the bounded search stalls: the fit is not called converged from the
 * stall, but from kappa held at 0, and says kappa would be negative.
 */
describe("the USL fit on throughput that grows faster than linearly", () => {
  it("holds kappa at 0 and says the curve bends upward, not good", () => {
    const measured = [413, 732, 825, 1189, 2189];
    const fit = fitUsl(measured.map((throughput, i) => ({ concurrency: 2 ** i, throughput })));
    expect(fit.converged).toBe(true);
    expect(fit.kappa).toBe(0);
    expect(fit.nStar).toBeNull();
    expect(fit.good).toBe(false);
    expect(fit.reason).toMatch(/^coherency kappa would be negative \(held at 0\)/);
  });
});
