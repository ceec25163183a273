import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { buildRun } from "../helpers/results.ts";

describe("targets", () => {
  it("a failed threshold makes the scenario 'target failed' and the gate fail", () => {
    const run = buildRun({
      scenarios: [
        { name: "trending", seed: 1, medianMs: 20, thresholds: ["p(95)<25", "p(50)<30"] },
      ],
    });
    const report = evaluateGate([{ file: "r.json", run }], undefined);
    const s = report.scenarios[0];
    expect(s.verdict).toBe("target failed");
    expect(s.thresholds.find((t) => t.expression === "p(95)<25")!.ok).toBe(false);
    expect(s.thresholds.find((t) => t.expression === "p(95)<25")!.actual).toBeGreaterThan(25);
    expect(report.passed).toBe(false);
  });

  it("all thresholds met and no baseline: passed", () => {
    const run = buildRun({ scenarios: [{ name: "trending", seed: 1, thresholds: ["p(95)<100"] }] });
    const report = evaluateGate([{ file: "r.json", run }], undefined);
    expect(report.scenarios[0].verdict).toBe("passed");
    expect(report.passed).toBe(true);
  });

  it("a scenario whose operations all failed is 'target failed' even with no thresholds", () => {
    const run = buildRun({ scenarios: [{ name: "feed", seed: 1, errorRate: 1 }] });
    const report = evaluateGate([{ file: "r.json", run }], undefined);
    expect(report.scenarios[0].noSuccess).toBe(true);
    expect(report.scenarios[0].thresholds).toEqual([
      { expression: "ok>0", metric: "operations", actual: 0, ok: false },
    ]);
    expect(report.scenarios[0].verdict).toBe("target failed");
  });

  it("target failure wins over a baseline verdict", () => {
    const base = buildRun({ scenarios: [{ name: "feed", seed: 1 }] });
    const cur = buildRun({
      scenarios: [
        {
          name: "feed",
          seed: 2,
          factor: 0.5,
          thresholds: [["errors", "rate<0.01"]],
          errorRate: 0.2,
        },
      ],
    });
    const report = evaluateGate([{ file: "r.json", run: cur }], { file: "b.json", run: base });
    expect(report.scenarios[0].verdict).toBe("target failed");
    expect(report.scenarios[0].comparisons.length).toBe(4);
  });

  it("repeated runs re-evaluate thresholds on the combined histograms", () => {
    const runs = [1, 2].map((seed) => ({
      file: `r${seed}.json`,
      run: buildRun({ scenarios: [{ name: "x", seed, medianMs: 10, thresholds: ["p(95)<15"] }] }),
    }));
    const report = evaluateGate(runs, undefined);
    const [implicit, t] = report.scenarios[0].thresholds;
    expect(implicit).toMatchObject({ metric: "operations", expression: "ok>0", ok: true });
    expect(t.expression).toBe("p(95)<15");
    expect(t.actual).toBeCloseTo(report.scenarios[0].current.latency.p95, 1);
    expect(t.ok).toBe(t.actual < 15);
  });
});
