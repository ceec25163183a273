import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { buildRun } from "../helpers/results.ts";

describe("noise alone does not flip the verdict", () => {
  it("same distribution, different seeds: unchanged for 20 pairs of runs", () => {
    const verdicts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const base = buildRun({ scenarios: [{ name: "trending", seed: 100 + i, durationS: 20 }] });
      const cur = buildRun({ scenarios: [{ name: "trending", seed: 200 + i, durationS: 20 }] });
      const report = evaluateGate([{ file: "cur.json", run: cur }], {
        file: "base.json",
        run: base,
      });
      verdicts.push(report.scenarios[0].verdict);
      expect(report.passed).toBe(true);
    }
    expect(new Set(verdicts)).toEqual(new Set(["unchanged"]));
  });

  it("a heavy-tailed distribution (sigma 1.2) with few operations per second stays unchanged", () => {
    const spec = { name: "feed", durationS: 15, rate: 40, sigma: 1.2 };
    const base = buildRun({ scenarios: [{ ...spec, seed: 7 }] });
    const cur = buildRun({ scenarios: [{ ...spec, seed: 8 }] });
    const report = evaluateGate([{ file: "cur.json", run: cur }], { file: "base.json", run: base });
    expect(report.scenarios[0].verdict).toBe("unchanged");
  });

  it("a real but small change (5%, under the 10% tolerance) is not a regression", () => {
    const base = buildRun({ scenarios: [{ name: "profile", seed: 1 }] });
    const cur = buildRun({ scenarios: [{ name: "profile", seed: 2, factor: 1.05 }] });
    const report = evaluateGate([{ file: "cur.json", run: cur }], { file: "base.json", run: base });
    expect(report.scenarios[0].verdict).toBe("unchanged");
  });

  it("too few per-second samples give unchanged with a note, never a regression", () => {
    const base = buildRun({ scenarios: [{ name: "experts", seed: 1, durationS: 3 }] });
    const cur = buildRun({ scenarios: [{ name: "experts", seed: 2, durationS: 3, factor: 2 }] });
    const report = evaluateGate([{ file: "cur.json", run: cur }], { file: "base.json", run: base });
    const p95 = report.scenarios[0].comparisons.find((c) => c.metric === "p95")!;
    expect(p95.verdict).toBe("unchanged");
    expect(p95.note).toMatch(/too few per-second samples/);
  });
});
