/** Gate reports built from constructed results, shared by the renderer tests. */
import { evaluateGate, type GateReport } from "../../gate/verdict.ts";
import { buildRun, type ScenarioSpec } from "../helpers/results.ts";

export const XSS = "<script>alert(1)</script>";
const TH: ScenarioSpec["thresholds"] = [
  "p(95)<25",
  "p(99)<50",
  ["errors", "rate<0.01"],
  ["throughput", "throughput>150"],
];

/** Three scenarios against a baseline: regressed, unchanged, and one named like an attack that fails its targets. */
export function sampleReport(): GateReport {
  const base = buildRun({
    scenarios: [
      { name: "leaderboards", seed: 1, thresholds: TH },
      { name: "trending", seed: 11, medianMs: 2, thresholds: TH },
      { name: XSS, seed: 21, medianMs: 4, thresholds: TH },
    ],
  });
  const cur = buildRun({
    scenarios: [
      { name: "leaderboards", seed: 2, factor: 1.4, thresholds: TH },
      { name: "trending", seed: 12, medianMs: 2, thresholds: TH },
      {
        name: XSS,
        seed: 22,
        medianMs: 20,
        errorRate: 0.05,
        thresholds: TH,
        sampleErrors: [`${XSS} <img src=x onerror=alert(2)> & "quoted"`],
      },
    ],
  });
  return evaluateGate([{ file: "current.json", run: cur }], { file: "baseline.json", run: base });
}
