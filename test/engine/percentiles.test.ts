import { describe, expect, it } from "vitest";
import { nowUs } from "../../core/clock.ts";
import { decodeHistogram, summarize } from "../../core/histogram.ts";
import { createRng } from "../../core/rng.ts";
import { Recorder } from "../../engine/recorder.ts";
import type { Rng, Scenario } from "../../engine/scenario.ts";
import { runSynthetic } from "./fixtures/run.ts";

/** The exact percentile (nearest rank) of a sorted list. */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p * sorted.length) / 100 - 1e-9) - 1)];
}

describe("reported percentiles match a known latency distribution", () => {
  it("within 0.1% when a pre-computed log-normal distribution is recorded", () => {
    const rec = new Recorder(0);
    const values: number[] = [];
    const rng = createRng(12345);
    for (let i = 0; i < 50_000; i++) {
      // Box-Muller: log-normal around 2 ms, long right tail
      const u1 = 1 - rng.next();
      const u2 = rng.next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const us = Math.round(Math.exp(Math.log(2000) + 0.6 * z));
      values.push(us);
      rec.success(1_000_000, 1_000_000, 0, 1_000_000 + us);
    }
    values.sort((a, b) => a - b);
    const sum = summarize(decodeHistogram(rec.outcome().latency));
    expect(sum.count).toBe(50_000);
    for (const [key, p] of [
      ["p50", 50],
      ["p90", 90],
      ["p95", 95],
      ["p99", 99],
      ["p999", 99.9],
    ] as const) {
      const want = exact(values, p) / 1000;
      expect(Math.abs(sum[key] - want) / want, `${key}: ${sum[key]} vs ${want}`).toBeLessThan(
        0.001,
      );
    }
    expect(Math.abs(sum.max - values[values.length - 1] / 1000) / sum.max).toBeLessThan(0.001);
    const mean = values.reduce((a, b) => a + b, 0) / values.length / 1000;
    expect(Math.abs(sum.mean - mean) / mean).toBeLessThan(0.001);
  });

  it("within 2% for an operation with known 1-20 ms service times, end to end", async () => {
    // The operation measures its own duration (a timer of a uniform 1-20 ms);
    // the engine's figures must agree with what the operation saw. A timer
    // rather than a busy wait keeps the CPU idle, so the comparison holds on a
    // loaded machine.
    const own: number[] = [];
    const scenario: Scenario<null, number> = {
      name: "uniform",
      description: "",
      stores: [],
      setup: async () => null,
      sample: (_s, rng: Rng) => 1 + Math.floor(rng.next() * 20),
      operation: async (_s, ms) => {
        const start = nowUs();
        await new Promise((r) => setTimeout(r, ms));
        own.push(nowUs() - start);
      },
    };
    const r = await runSynthetic({
      scenario: scenario as Scenario,
      model: { type: "closed", vus: 8, thinkTimeMs: 0 },
      bounds: { iterations: 800 },
    });
    expect(r.operations.ok).toBe(800);
    expect(r.serviceTime.count).toBe(800);
    own.sort((a, b) => a - b);
    for (const [key, p] of [
      ["p50", 50],
      ["p90", 90],
      ["p95", 95],
      ["p99", 99],
      ["max", 100],
    ] as const) {
      const want = exact(own, p) / 1000;
      const got = r.serviceTime[key];
      expect(
        Math.abs(got - want) / want,
        `${key}: engine ${got} ms, operation ${want} ms`,
      ).toBeLessThan(0.02);
    }
    // closed model: latency is service time
    expect(Math.abs(r.latency.p50 - r.serviceTime.p50)).toBeLessThan(0.01);
  });
});
