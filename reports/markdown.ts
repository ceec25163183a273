/** The gate as Markdown (for $GITHUB_STEP_SUMMARY and --markdown). */
import type { GateReport, Verdict } from "../gate/verdict.ts";
import { escapeMarkdownCell as cell } from "./escape.ts";
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
import { summaryLine } from "./terminal.ts";

const ICON: Record<Verdict, string> = {
  passed: "✅ passed",
  improved: "🚀 improved",
  unchanged: "✅ unchanged",
  regressed: "❌ regressed",
  "target failed": "❌ target failed",
};

export function renderMarkdown(report: GateReport): string {
  const out: string[] = [];
  out.push(`## bellyfed-bench gate: ${report.passed ? "passed" : "failed"}`, "");
  const against = report.baselineFile
    ? `against baseline <code>${cell(report.baselineFile)}</code> (tolerance ${percent(report.options.tolerance, 0)}, confidence ${percent(report.options.confidence, 0)})`
    : "against targets";
  out.push(
    `${report.scenarios.length} scenario(s), scale **${cell(report.data.scale)}**, seed ${report.data.seed}, ${against}. ${summaryLine(report)}.`,
    "",
    "| scenario | verdict | runs | p50 ms | p95 ms | p99 ms | ops/s | errors | thresholds |",
    "|---|---|--:|--:|--:|--:|--:|--:|---|",
  );
  for (const s of report.scenarios) {
    const passed = s.thresholds.filter((t) => t.ok).length;
    out.push(
      `| ${cell(s.name)} | ${ICON[s.verdict]} | ${s.runs.length} | ${ms(s.current.latency.p50)} | ${ms(s.current.latency.p95)} | ${ms(s.current.latency.p99)} | ${rate(s.current.throughput)} | ${percent(s.current.errorRate, 2)} | ${passed}/${s.thresholds.length} |`,
    );
  }
  for (const s of report.scenarios) {
    const failed = s.thresholds.filter((t) => !t.ok);
    if (s.comparisons.length === 0 && failed.length === 0) continue;
    out.push("", `### ${cell(s.name)}: ${ICON[s.verdict]}`, "");
    for (const t of failed) {
      out.push(
        `- threshold <code>${cell(t.expression)}</code> on ${cell(t.metric)} failed: actual ${thresholdActual(t.metric, t.expression, t.actual)}`,
      );
    }
    if (s.comparisons.length > 0) {
      if (failed.length > 0) out.push("");
      out.push(
        "| metric | baseline | current | change [interval] | p (worse) | verdict | whole run |",
        "|---|--:|--:|---|--:|---|---|",
      );
      for (const c of s.comparisons) {
        out.push(
          `| ${c.metric} | ${comparedFigures(c).join(" | ")} | ${change(c)} | ${pValue(c.pWorse)} | ${c.verdict}${c.note ? ` (${cell(c.note)})` : ""} | ${wholeRunFigures(c)} |`,
        );
      }
    }
  }
  return `${out.join("\n")}\n`;
}
