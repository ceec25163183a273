import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { buildRun } from "../helpers/results.ts";

describe("an improvement", () => {
  it("latency 35% lower is reported as improved and the gate passes", () => {
    const base = buildRun({ scenarios: [{ name: "best-dishes", seed: 1 }] });
    const cur = buildRun({ scenarios: [{ name: "best-dishes", seed: 2, factor: 0.65 }] });
    const report = evaluateGate([{ file: "cur.json", run: cur }], { file: "base.json", run: base });
    const s = report.scenarios[0];
    expect(s.verdict).toBe("improved");
    expect(report.passed).toBe(true);
    const p95 = s.comparisons.find((c) => c.metric === "p95")!;
    expect(p95.verdict).toBe("improved");
    expect(p95.ciHigh).toBeLessThan(0.9);
    expect(p95.pBetter).toBeLessThan(0.001);
  });

  it("higher throughput is an improvement", () => {
    const base = buildRun({ scenarios: [{ name: "best-dishes", seed: 1, rate: 100 }] });
    const cur = buildRun({ scenarios: [{ name: "best-dishes", seed: 2, rate: 150 }] });
    const report = evaluateGate([{ file: "cur.json", run: cur }], { file: "base.json", run: base });
    expect(report.scenarios[0].comparisons.find((c) => c.metric === "throughput")!.verdict).toBe(
      "improved",
    );
  });
});
