/**
 * The gate: groups the scenarios of the result files by name (several files of
 * one scenario are repeated runs), checks each against its targets and, when a
 * baseline is given, against the baseline. Every renderer reads the GateReport.
 */

import { UsageError } from "../core/errors.ts";
import type { RunResult, ScenarioResult, ThresholdOutcome } from "../core/result.ts";
import type { LoadedResult } from "../results/load.ts";
import { combineRepeats } from "../results/merge.ts";
import { type CompareOptions, compareScenario, type MetricComparison } from "./compare.ts";

export type Verdict = "passed" | "improved" | "unchanged" | "regressed" | "target failed";

export interface ScenarioGate {
  name: string;
  description: string;
  /** result files this scenario came from */
  files: string[];
  /** the runs as given, and their combination (one run: the same object) */
  runs: ScenarioResult[];
  current: ScenarioResult;
  baseline?: ScenarioResult;
  thresholds: ThresholdOutcome[];
  /** the scenario completed no successful operation */
  noSuccess: boolean;
  targetFailed: boolean;
  comparisons: MetricComparison[];
  verdict: Verdict;
}

export interface GateReport {
  generatedAt: string;
  files: string[];
  baselineFile?: string;
  options: CompareOptions;
  data: RunResult["data"];
  environment: RunResult["environment"];
  baselineEnvironment?: RunResult["environment"];
  scenarios: ScenarioGate[];
  passed: boolean;
}

export const DEFAULT_OPTIONS: CompareOptions = {
  tolerance: 0.1,
  confidence: 0.95,
  seed: 1,
  resamples: 2000,
};

interface Group {
  name: string;
  files: string[];
  runs: ScenarioResult[];
  data: RunResult["data"];
  firstFile: string;
}

function groupScenarios(results: LoadedResult[]): Group[] {
  const groups = new Map<string, Group>();
  for (const { file, run } of results) {
    for (const s of run.scenarios) {
      const g = groups.get(s.name);
      if (!g) {
        groups.set(s.name, {
          name: s.name,
          files: [file],
          runs: [s],
          data: run.data,
          firstFile: file,
        });
        continue;
      }
      checkSameData(file, run.data, g.firstFile, g.data, `scenario ${JSON.stringify(s.name)}`);
      g.runs.push(s);
      if (!g.files.includes(file)) g.files.push(file);
    }
  }
  return [...groups.values()];
}

function checkSameData(
  file: string,
  data: RunResult["data"],
  otherFile: string,
  other: RunResult["data"],
  what: string,
): void {
  if (data.scale !== other.scale)
    throw new UsageError(
      `${file}: ${what} ran at scale '${data.scale}' but ${otherFile} at '${other.scale}'; compare results of the same scale`,
    );
  if (data.seed !== other.seed)
    throw new UsageError(
      `${file}: ${what} ran on data seed ${data.seed} but ${otherFile} on seed ${other.seed}; compare results of the same data`,
    );
  const a = (data as Record<string, unknown>).schemaVersion;
  const b = (other as Record<string, unknown>).schemaVersion;
  if (a !== undefined && b !== undefined && a !== b)
    throw new UsageError(
      `${file}: schema version ${String(a)} differs from ${String(b)} in ${otherFile}; compare results of the same schema`,
    );
}

/** Evaluates everything; throws UsageError on input that cannot be judged. */
export function evaluateGate(
  results: LoadedResult[],
  baseline: LoadedResult | undefined,
  options: CompareOptions = DEFAULT_OPTIONS,
): GateReport {
  const groups = groupScenarios(results);
  if (baseline) {
    for (const g of groups) {
      checkSameData(baseline.file, baseline.run.data, g.firstFile, g.data, "the baseline");
      if (!baseline.run.scenarios.some((s) => s.name === g.name)) {
        const has = baseline.run.scenarios.map((s) => s.name).join(", ");
        throw new UsageError(
          `${baseline.file}: the baseline has no scenario ${JSON.stringify(g.name)} (it has: ${has}); record a baseline with 'bellyfed-bench gate RESULT --update-baseline FILE'`,
        );
      }
    }
  }
  const scenarios = groups.map((g) => judge(g, baseline, options));
  return {
    generatedAt: new Date().toISOString(),
    files: results.map((r) => r.file),
    baselineFile: baseline?.file,
    options,
    data: results[0].run.data,
    environment: results[0].run.environment,
    baselineEnvironment: baseline?.run.environment,
    scenarios,
    passed: scenarios.every((s) => s.verdict !== "regressed" && s.verdict !== "target failed"),
  };
}

function judge(
  g: Group,
  baseline: LoadedResult | undefined,
  options: CompareOptions,
): ScenarioGate {
  const current = combineRepeats(g.runs);
  const noSuccess = current.operations.ok === 0;
  // a run with no successful operation never passes: results always carry the
  // engine's implicit `operations ok>0`; add it to any result that lacks it
  const thresholds = current.thresholds.some(
    (t) => t.metric === "operations" && t.expression === "ok>0",
  )
    ? current.thresholds
    : [
        { expression: "ok>0", metric: "operations", actual: current.operations.ok, ok: !noSuccess },
        ...current.thresholds,
      ];
  const targetFailed = noSuccess || thresholds.some((t) => !t.ok);
  let comparisons: MetricComparison[] = [];
  let base: ScenarioResult | undefined;
  if (baseline) {
    const baseRuns = baseline.run.scenarios.filter((s) => s.name === g.name);
    base = combineRepeats(baseRuns);
    comparisons = compareScenario(g.name, baseRuns, g.runs, base, current, options);
  }
  const verdict: Verdict = targetFailed
    ? "target failed"
    : comparisons.some((c) => c.verdict === "regressed")
      ? "regressed"
      : comparisons.some((c) => c.verdict === "improved")
        ? "improved"
        : baseline
          ? "unchanged"
          : "passed";
  return {
    name: g.name,
    description: current.description,
    files: g.files,
    runs: g.runs,
    current,
    baseline: base,
    thresholds,
    noSuccess,
    targetFailed,
    comparisons,
    verdict,
  };
}

/** The result to store as the new baseline: repeated runs of a scenario combined into one. */
export function baselineFrom(results: LoadedResult[], report: GateReport): RunResult {
  const first = results[0].run;
  const scenarios = report.scenarios.map((s) => s.current);
  const starts = results.map((r) => Date.parse(r.run.startedAt));
  const ends = results.map((r) => Date.parse(r.run.endedAt));
  if (results.length === 1) return first;
  return {
    ...first,
    id: `baseline-${first.id}`,
    startedAt: new Date(Math.min(...starts)).toISOString(),
    endedAt: new Date(Math.max(...ends)).toISOString(),
    config: { ...first.config, baselineOf: results.map((r) => r.run.id) },
    scenarios,
    passed: scenarios.every((s) => s.passed),
  };
}
