/** The gate's terminal table: one row per scenario, then comparisons and failures. */
import type { GateReport, ScenarioGate, Verdict } from "../gate/verdict.ts";
import {
  change,
  comparedFigures,
  ms,
  percent,
  pValue,
  rate,
  thresholdActual,
  wholeRunFigures,
} from "./format.ts";

/** Control characters (ANSI escapes included) from data never reach the terminal. */
function plain(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? "?" : ch;
  }
  return out;
}

const COLORS: Record<Verdict, string> = {
  passed: "32",
  improved: "32",
  unchanged: "0",
  regressed: "31",
  "target failed": "31",
};

function table(rows: string[][], rightAligned: Set<number>): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

export function errorCount(s: ScenarioGate): number {
  return Object.values(s.current.operations.errors).reduce((a, b) => a + b, 0);
}

export function summaryLine(report: GateReport): string {
  const counts = new Map<Verdict, number>();
  for (const s of report.scenarios) counts.set(s.verdict, (counts.get(s.verdict) ?? 0) + 1);
  const parts = [...counts.entries()].map(([v, n]) => `${n} ${v}`);
  return `${report.passed ? "PASS" : "FAIL"}: ${parts.join(", ")}`;
}

export function renderTerminal(report: GateReport, opts: { color?: boolean } = {}): string {
  const paint = (v: Verdict, text: string) =>
    opts.color && COLORS[v] !== "0" ? `\u001b[${COLORS[v]}m${text}\u001b[0m` : text;
  const out: string[] = [];
  const against = report.baselineFile
    ? `against baseline ${plain(report.baselineFile)} (tolerance ${percent(report.options.tolerance, 0)}, confidence ${percent(report.options.confidence, 0)})`
    : "against targets (no baseline)";
  out.push(
    `Gate: ${report.scenarios.length} scenario(s) from ${report.files.length} result file(s), scale ${plain(report.data.scale)}, seed ${report.data.seed}, ${against}`,
    "",
  );
  const rows = [
    ["scenario", "verdict", "runs", "p50 ms", "p95 ms", "p99 ms", "ops/s", "errors", "thresholds"],
  ];
  for (const s of report.scenarios) {
    const passed = s.thresholds.filter((t) => t.ok).length;
    rows.push([
      plain(s.name),
      s.verdict,
      String(s.runs.length),
      ms(s.current.latency.p50),
      ms(s.current.latency.p95),
      ms(s.current.latency.p99),
      rate(s.current.throughput),
      percent(s.current.errorRate, 2),
      `${passed}/${s.thresholds.length} passed`,
    ]);
  }
  const lines = table(rows, new Set([2, 3, 4, 5, 6, 7]));
  out.push(lines[0]);
  report.scenarios.forEach((s, i) => {
    out.push(lines[i + 1].replace(s.verdict, paint(s.verdict, s.verdict)));
  });
  for (const s of report.scenarios) {
    if (s.comparisons.length === 0) continue;
    out.push(
      "",
      `${plain(s.name)} against the baseline (change of the per-second median, throughput: mean; ${percent(report.options.confidence, 0)} interval):`,
    );
    const crow = [
      ["metric", "baseline", "current", "change [interval]", "p (worse)", "verdict", "whole run"],
    ];
    for (const c of s.comparisons) {
      crow.push([
        c.metric,
        ...comparedFigures(c),
        change(c),
        pValue(c.pWorse),
        c.note ? `${c.verdict} (${c.note})` : c.verdict,
        wholeRunFigures(c),
      ]);
    }
    for (const l of table(crow, new Set([1, 2, 4]))) out.push(`  ${l}`);
  }
  const failures: string[] = [];
  for (const s of report.scenarios) {
    for (const t of s.thresholds.filter((x) => !x.ok)) {
      failures.push(
        `  ${plain(s.name)}: ${plain(t.metric)} ${plain(t.expression)} failed, actual ${thresholdActual(t.metric, t.expression, t.actual)}`,
      );
    }
    for (const m of s.current.operations.sampleErrors.slice(0, 3)) {
      if (s.targetFailed) failures.push(`  ${plain(s.name)}: error: ${plain(m).slice(0, 200)}`);
    }
  }
  if (failures.length > 0) out.push("", "Targets failed:", ...failures);
  out.push("", summaryLine(report));
  return `${out.join("\n")}\n`;
}
