import { describe, expect, it } from "vitest";
import { evaluateGate } from "../../gate/verdict.ts";
import { renderTerminal } from "../../reports/terminal.ts";
import { buildRun } from "../helpers/results.ts";
import { sampleReport } from "./fixtures.ts";

describe("terminal table", () => {
  it("one row per scenario with verdict, percentiles, throughput and thresholds", () => {
    const text = renderTerminal(sampleReport());
    const lines = text.split("\n");
    const header = lines.find((l) => l.startsWith("scenario"))!;
    expect(header.split(/\s{2,}/)).toEqual([
      "scenario",
      "verdict",
      "runs",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "ops/s",
      "errors",
      "thresholds",
    ]);
    expect(text).toMatch(
      /^leaderboards\s+regressed\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+200\s+0\.00%\s+5\/5 passed$/m,
    );
    expect(text).toMatch(/^FAIL: 1 regressed, 1 unchanged, 1 target failed$/m);
    expect(text).not.toContain("\u001b[");
  });

  it("control characters from data never reach the terminal", () => {
    const run = buildRun({
      scenarios: [
        {
          name: "evil\u001b[2J\u001b[31mname",
          seed: 1,
          durationS: 3,
          errorRate: 1,
          sampleErrors: ["bad\u0007bell"],
        },
      ],
    });
    const text = renderTerminal(evaluateGate([{ file: "r.json", run }], undefined));
    const controls = [...text].filter((c) => c.charCodeAt(0) < 0x20 && c !== "\n");
    expect(controls).toEqual([]);
    expect(text).toContain("evil?[2J?[31mname");
    expect(text).toContain("bad?bell");
  });
});
