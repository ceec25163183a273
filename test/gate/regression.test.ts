import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { buildRun } from "../helpers/results.ts";

const baseline = {
  file: "base.json",
  run: buildRun({ scenarios: [{ name: "leaderboards", seed: 1 }] }),
};

describe("a clear regression", () => {
  it("p95 +40% (every latency 40% slower) is reported as regressed with its figures", () => {
    const current = buildRun({ scenarios: [{ name: "leaderboards", seed: 2, factor: 1.4 }] });
    const report = evaluateGate([{ file: "cur.json", run: current }], baseline);
    const s = report.scenarios[0];
    expect(s.verdict).toBe("regressed");
    expect(report.passed).toBe(false);
    const p95 = s.comparisons.find((c) => c.metric === "p95")!;
    expect(p95.verdict).toBe("regressed");
    expect(p95.ratio).toBeGreaterThan(1.3);
    expect(p95.ratio).toBeLessThan(1.5);
    expect(p95.ciLow).toBeGreaterThan(1.1);
    expect(p95.pWorse).toBeLessThan(0.001);
    expect(p95.current).toBeGreaterThan(p95.baseline * 1.3);
    // throughput did not change: the regression is in latency only
    expect(s.comparisons.find((c) => c.metric === "throughput")!.verdict).toBe("unchanged");
  });

  it("a throughput drop of 30% is a regression", () => {
    const current = buildRun({ scenarios: [{ name: "leaderboards", seed: 3, rate: 140 }] });
    const report = evaluateGate([{ file: "cur.json", run: current }], baseline);
    const tp = report.scenarios[0].comparisons.find((c) => c.metric === "throughput")!;
    expect(tp.verdict).toBe("regressed");
    expect(report.scenarios[0].verdict).toBe("regressed");
  });

  it("throughput collapsing to mostly empty seconds is a regression (means, not medians, of ops/s)", () => {
    const current = buildRun({ scenarios: [{ name: "leaderboards", seed: 4, durationS: 30 }] });
    const s = current.scenarios[0];
    // every operation after the first 12 seconds timed out: more than half the seconds have no ok op
    for (const p of s.timeSeries) if (p.t >= 12) p.ops = 0;
    s.throughput = s.timeSeries.reduce((a, p) => a + p.ops, 0) / 30;
    const report = evaluateGate([{ file: "cur.json", run: current }], baseline);
    const tp = report.scenarios[0].comparisons.find((c) => c.metric === "throughput")!;
    expect(tp.ratio).toBeCloseTo(0.4, 1);
    expect(tp.ciHigh).toBeLessThan(0.9);
    expect(tp.verdict).toBe("regressed");
  });

  it("the same inputs give the same verdict and interval every time (seeded bootstrap)", () => {
    const current = buildRun({ scenarios: [{ name: "leaderboards", seed: 2, factor: 1.15 }] });
    const a = evaluateGate([{ file: "cur.json", run: current }], baseline);
    const b = evaluateGate([{ file: "cur.json", run: current }], baseline);
    expect(a.scenarios[0].comparisons).toEqual(b.scenarios[0].comparisons);
  });
});
