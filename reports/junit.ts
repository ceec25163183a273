/**
 * JUnit XML: one <testsuite> per scenario; one <testcase> per threshold
 * (including the implicit `operations ok>0`: a run with no successful
 * operation never passes) and one per metric compared with the baseline.
 * Failures carry the actual value.
 */
import type { GateReport, ScenarioGate } from "../gate/verdict.ts";
import { escapeXml as x } from "./escape.ts";
import { change, comparedFigures, pValue, thresholdActual, wholeRunFigures } from "./format.ts";

interface Case {
  name: string;
  failure?: { message: string; detail: string };
}

function cases(s: ScenarioGate): Case[] {
  const out: Case[] = [];
  for (const t of s.thresholds) {
    const actual = thresholdActual(t.metric, t.expression, t.actual);
    out.push({
      name: `threshold ${t.metric} ${t.expression}`,
      failure: t.ok
        ? undefined
        : {
            message: `${t.expression} failed: actual ${actual}`,
            detail: `metric=${t.metric} expression=${t.expression} actual=${t.actual}`,
          },
    });
  }
  for (const c of s.comparisons) {
    out.push({
      name: `baseline ${c.metric}`,
      failure:
        c.verdict === "regressed"
          ? {
              message: `${c.metric} regressed: ${comparedFigures(c).join(" -> ")}, change ${change(c)}, p=${pValue(c.pWorse)} (whole run ${wholeRunFigures(c)})`,
              detail: `per-second ${c.metric === "throughput" ? "mean" : "median"}: baseline ${c.baselineMedian}, current ${c.currentMedian}, ratio ${c.ratio} [${c.ciLow}, ${c.ciHigh}], samples ${c.samples.baseline}/${c.samples.current}`,
            }
          : undefined,
    });
  }
  return out;
}

export function renderJunit(report: GateReport): string {
  const suites = report.scenarios.map((s) => ({ s, cases: cases(s) }));
  const total = suites.reduce((a, x) => a + x.cases.length, 0);
  const failures = suites.reduce((a, x) => a + x.cases.filter((c) => c.failure).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bellyfed-bench gate" tests="${total}" failures="${failures}" errors="0" timestamp="${x(report.generatedAt)}">`,
  ];
  for (const { s, cases: cs } of suites) {
    const time = (s.current.durationMs / 1000).toFixed(3);
    const failed = cs.filter((c) => c.failure).length;
    lines.push(
      `  <testsuite name="${x(s.name)}" tests="${cs.length}" failures="${failed}" errors="0" skipped="0" time="${time}" timestamp="${x(report.generatedAt)}">`,
      "    <properties>",
      `      <property name="verdict" value="${x(s.verdict)}"/>`,
      `      <property name="runs" value="${s.runs.length}"/>`,
      `      <property name="scale" value="${x(report.data.scale)}"/>`,
      "    </properties>",
    );
    for (const c of cs) {
      const open = `    <testcase classname="${x(`bellyfed-bench.${s.name}`)}" name="${x(c.name)}" time="0"`;
      if (!c.failure) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(
        `${open}>`,
        `      <failure message="${x(c.failure.message)}" type="${c.name.startsWith("baseline") ? "regression" : "target"}">${x(c.failure.detail)}</failure>`,
        "    </testcase>",
      );
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
