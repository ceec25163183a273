import { describe, expect, it } from "vitest";
import { fitUsl } from "../../capacity/usl.ts";
import { BOOK, CISCO } from "./fixtures/cisco.ts";

/**
 * The USL fit reproduces a published fit: usl4j's 32-point Cisco data set
 * (from "Practical Scalability Analysis with the USL"), whose book values are
 * sigma 0.02671591, kappa 7.690945e-4, lambda 995.6486.
 */
describe("the USL fit on usl4j's Cisco data set", () => {
  it("finds the book's sigma, kappa and lambda within 0.1%, converged and good", () => {
    const fit = fitUsl(CISCO.map(([concurrency, throughput]) => ({ concurrency, throughput })));
    const off = (actual: number, expected: number) => Math.abs(actual - expected) / expected;
    expect(off(fit.sigma, BOOK.sigma)).toBeLessThan(0.001);
    expect(off(fit.kappa, BOOK.kappa)).toBeLessThan(0.001);
    expect(off(fit.lambda, BOOK.lambda)).toBeLessThan(0.001);
    expect(fit.converged).toBe(true);
    expect(fit.good).toBe(true);
    expect(fit.reason).toBeUndefined();
    // N* = sqrt((1 - sigma) / kappa): the book's 35 (usl4j floors it), X at N* about 12341
    expect(fit.nStar).toBeCloseTo(Math.sqrt((1 - BOOK.sigma) / BOOK.kappa), 1);
    expect(Math.floor(fit.nStar!)).toBe(35);
    expect(off(fit.xMax!, 12341)).toBeLessThan(0.001);
    expect(fit.r2).toBeGreaterThan(0.99);
  });
});
