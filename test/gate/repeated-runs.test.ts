import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { buildRun } from "../helpers/results.ts";

const run = (seed: number, factor = 1) =>
  buildRun({ id: `r${seed}`, scenarios: [{ name: "leaderboards", seed, durationS: 10, factor }] });

describe("repeated runs of one scenario", () => {
  it("are combined: counts add up and the runs count is kept", () => {
    const files = [1, 2, 3].map((s) => ({ file: `r${s}.json`, run: run(s) }));
    const report = evaluateGate(files, undefined);
    const s = report.scenarios[0];
    expect(s.runs).toHaveLength(3);
    expect(s.current.operations.ok).toBe(
      files.reduce((a, f) => a + f.run.scenarios[0].operations.ok, 0),
    );
    expect(s.current.durationMs).toBe(30_000);
    expect(s.current.timeSeries.map((p) => p.t)).toEqual([...Array(30).keys()]);
    expect(s.verdict).toBe("passed");
  });

  it("three short runs against three short baseline runs: regression caught, noise not", () => {
    const base = [11, 12, 13].map((s) => ({ file: `b${s}.json`, run: run(s) }));
    // the baseline file holds the three runs as one scenario entry each
    const baseline = {
      file: "base.json",
      run: { ...base[0].run, scenarios: base.map((b) => b.run.scenarios[0]) },
    };
    const noisy = evaluateGate(
      [21, 22, 23].map((s) => ({ file: `c${s}.json`, run: run(s) })),
      baseline,
    );
    expect(noisy.scenarios[0].verdict).toBe("unchanged");
    const slow = evaluateGate(
      [31, 32, 33].map((s) => ({ file: `c${s}.json`, run: run(s, 1.5) })),
      baseline,
    );
    expect(slow.scenarios[0].verdict).toBe("regressed");
  });
});
