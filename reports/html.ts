/**
 * The self-contained HTML report: inline CSS and inline SVG only, no script,
 * no external resource (a Content-Security-Policy forbids any fetch), so it
 * works offline and as a CI artifact. Everything from data is escaped.
 */
import { decodeHistogram } from "../core/histogram.ts";
import type { ClientSecond, LatencySummary, ScenarioResult } from "../core/result.ts";
import type { MetricComparison } from "../gate/compare.ts";
import type { GateReport, ScenarioGate, Verdict } from "../gate/verdict.ts";
import { escapeHtml as e } from "./escape.ts";
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
import { dataTable, page } from "./layout.ts";
import { type ForestRow, forestPlot, lineChart, type Series } from "./svg.ts";

const C = {
  p50: "#2f6fdf",
  p95: "#e08a00",
  p99: "#d6336c",
  base: "#8a94a6",
  ops: "#1f9d6b",
  errors: "#d6336c",
  dropped: "#7a4fd6",
};

const VERDICT_CLASS: Record<Verdict, string> = {
  passed: "ok",
  improved: "good",
  unchanged: "ok",
  regressed: "bad",
  "target failed": "bad",
};

/** Percentile spectrum of an encoded histogram: x = -log10(1 - p), y = latency in ms. */
export function percentileSpectrum(encoded: string): Array<[number, number]> {
  const h = decodeHistogram(encoded);
  const n = h.totalCount;
  if (n === 0) return [];
  const maxX = Math.min(5, Math.max(1, Math.log10(n)));
  const points: Array<[number, number]> = [];
  for (let x = 0; x <= maxX + 1e-9; x += 0.05) {
    const p = 100 * (1 - 10 ** -x);
    points.push([x, h.getValueAtPercentile(p) / 1000]);
  }
  points.push([maxX, h.maxValue / 1000]);
  return points;
}

const PERCENTILE_TICKS: Array<[number, string]> = [
  [0, "0%"],
  [Math.log10(2), "50%"],
  [1, "90%"],
  [2, "99%"],
  [3, "99.9%"],
  [4, "99.99%"],
  [5, "99.999%"],
];

function seriesOf(s: ScenarioResult, key: "p50" | "p95" | "p99"): Array<[number, number]> {
  return s.timeSeries.filter((p) => p.ops > 0).map((p) => [p.t, p[key]]);
}

function latencyOverTime(g: ScenarioGate, i: number): string {
  const series: Series[] = [
    { label: "p50", color: C.p50, points: seriesOf(g.current, "p50") },
    { label: "p95", color: C.p95, points: seriesOf(g.current, "p95") },
    { label: "p99", color: C.p99, points: seriesOf(g.current, "p99") },
  ];
  if (g.baseline) {
    series.push({
      label: "baseline p95",
      color: C.base,
      dashed: true,
      points: seriesOf(g.baseline, "p95"),
    });
  }
  return lineChart({
    id: `latency-${i}`,
    title: "Latency percentiles per second",
    series,
    x: { label: "seconds into the measured window", min: 0 },
    y: { label: "ms (log scale)", log: true },
  });
}

function distribution(g: ScenarioGate, i: number): string {
  const series: Series[] = [
    { label: "latency", color: C.p99, points: percentileSpectrum(g.current.histograms.latency) },
  ];
  if (g.current.histograms.serviceTime !== g.current.histograms.latency) {
    series.push({
      label: "service time",
      color: C.p50,
      points: percentileSpectrum(g.current.histograms.serviceTime),
    });
  }
  if (g.baseline) {
    series.push({
      label: "baseline latency",
      color: C.base,
      dashed: true,
      points: percentileSpectrum(g.baseline.histograms.latency),
    });
  }
  return lineChart({
    id: `distribution-${i}`,
    title: "Latency distribution (percentile spectrum)",
    series,
    x: { label: "percentile", min: 0, ticks: PERCENTILE_TICKS },
    y: { label: "ms (log scale)", log: true },
  });
}

function throughputOverTime(g: ScenarioGate, i: number): string {
  const pts = (k: "ops" | "errors" | "dropped") =>
    g.current.timeSeries.map((p) => [p.t, p[k]] as [number, number]);
  const series: Series[] = [{ label: "ok ops/s", color: C.ops, area: true, points: pts("ops") }];
  if (g.current.timeSeries.some((p) => p.errors > 0))
    series.push({ label: "errors/s", color: C.errors, points: pts("errors") });
  if (g.current.timeSeries.some((p) => p.dropped > 0))
    series.push({ label: "dropped/s", color: C.dropped, points: pts("dropped") });
  if (g.baseline) {
    series.push({
      label: "baseline ops/s",
      color: C.base,
      dashed: true,
      points: g.baseline.timeSeries.map((p) => [p.t, p.ops] as [number, number]),
    });
  }
  return lineChart({
    id: `throughput-${i}`,
    title: "Throughput per second",
    series,
    x: { label: "seconds into the measured window", min: 0 },
    y: { label: "operations per second" },
  });
}

function comparisonChart(g: ScenarioGate, i: number, tolerance: number): string {
  const color = (c: MetricComparison) =>
    c.verdict === "regressed" ? "#d6336c" : c.verdict === "improved" ? "#1f9d6b" : "#5b6475";
  const rows: ForestRow[] = g.comparisons.map((c) => ({
    label: c.metric === "throughput" ? "throughput" : `${c.metric} latency`,
    value: c.ratio - 1,
    low: c.ciLow - 1,
    high: c.ciHigh - 1,
    color: color(c),
    note: `${change(c).split(" [")[0]} ${c.verdict}`,
  }));
  return forestPlot({
    id: `comparison-${i}`,
    title: "Change against the baseline, with confidence interval",
    rows,
    tolerance,
  });
}

function figure(label: string, value: string): string {
  return `<div class="figure"><div class="figure-value">${value}</div><div class="figure-label">${e(label)}</div></div>`;
}

/** Latency beside service time and (result format 2) the wait before each operation started. */
function latencyTable(s: ScenarioResult): string {
  const rows: Array<[string, LatencySummary]> = [
    ["latency", s.latency],
    ["service time", s.serviceTime],
  ];
  if (s.wait) rows.push(["wait", s.wait]);
  if (s.freshness)
    rows.push(
      ["freshness (end to end)", s.freshness.endToEnd],
      ["sync lag (per change)", s.freshness.perChange],
    );
  return dataTable(
    ["(ms)", "p50", "p90", "p95", "p99", "p99.9", "max", "mean"],
    rows.map(([name, l]) => [
      name,
      ...[l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean].map((v) => ms(v)),
    ]),
    { numeric: [1, 2, 3, 4, 5, 6, 7], dense: true },
  );
}

/** How many of the slowest seconds the report lists. */
export const SLOWEST_SECONDS = 5;

/**
 * The seconds with the highest p99, and what the load generator itself was
 * doing then (result format 2): a second whose event-loop delay or GC pause
 * reaches half its p99 was slowed by the client, not the database.
 */
function slowestSeconds(s: ScenarioResult): string {
  const seconds = s.timeSeries
    .filter((p) => p.ops > 0 && Number.isFinite(p.p99))
    .sort((a, b) => b.p99 - a.p99 || a.t - b.t)
    .slice(0, SLOWEST_SECONDS);
  if (seconds.length === 0) return "";
  const client = s.timeSeries.some((p) => p.client);
  const head = ["second", "p99 ms", "p50 ms", "ok ops"];
  if (client) head.push("event-loop delay p99 ms", "event-loop delay max ms", "GC ms", "slowed by");
  const rows = seconds.map((p) => {
    const row = [String(p.t), ms(p.p99), ms(p.p50), p.ops.toLocaleString("en-US")];
    if (client) {
      const c = p.client;
      row.push(
        c ? ms(c.loopDelayP99Ms) : "-",
        c ? ms(c.loopDelayMaxMs) : "-",
        c ? ms(c.gcMs) : "-",
        c ? clientVerdict(p.p99, c) : "-",
      );
    }
    return row;
  });
  return `<h3>Slowest seconds</h3>${dataTable(head, rows, {
    numeric: client ? [0, 1, 2, 3, 4, 5, 6] : [0, 1, 2, 3],
    dense: true,
    auto: true,
    rowClass: (r) => (r[7]?.startsWith("client") ? "client" : ""),
  })}${
    client
      ? ""
      : '<p class="muted">This result has no client figures (event-loop delay, GC): they come with result format 2.</p>'
  }`;
}

/** "client (event loop)", "client (GC)" or "database": which side made the second slow. */
export function clientVerdict(p99: number, c: ClientSecond): string {
  const half = p99 / 2;
  if (c.loopDelayMaxMs >= half && c.loopDelayMaxMs >= c.gcMs) return "client (event loop)";
  if (c.gcMs >= half) return "client (GC)";
  return "-";
}

function scenarioSection(g: ScenarioGate, i: number, report: GateReport): string {
  const s = g.current as ScenarioResult;
  const errors = Object.values(s.operations.errors).reduce((a, b) => a + b, 0);
  const parts: string[] = [];
  parts.push(
    `<section class="scenario" id="scenario-${i}">`,
    `<header><h2>${e(g.name)}</h2><span class="badge ${VERDICT_CLASS[g.verdict]}">${e(g.verdict)}</span></header>`,
    `<p class="muted">${e(g.description)} · ${e(s.stores.join(" + "))} · ${e(modelText(s))} · ${(s.durationMs / 1000).toFixed(0)} s measured${g.runs.length > 1 ? ` over ${g.runs.length} runs` : ""} · ${s.generators} generator(s)</p>`,
    '<div class="figures">',
    figure("p50", `${ms(s.latency.p50)} <small>ms</small>`),
    figure("p95", `${ms(s.latency.p95)} <small>ms</small>`),
    figure("p99", `${ms(s.latency.p99)} <small>ms</small>`),
    figure("p99.9", `${ms(s.latency.p999)} <small>ms</small>`),
    figure("max", `${ms(s.latency.max)} <small>ms</small>`),
    figure("throughput", `${rate(s.throughput)} <small>ops/s</small>`),
    figure("errors", `${errors.toLocaleString("en-US")} <small>${percent(s.errorRate, 2)}</small>`),
    figure("dropped", s.operations.dropped.toLocaleString("en-US")),
    ...(s.operations.interrupted !== undefined
      ? [figure("interrupted", s.operations.interrupted.toLocaleString("en-US"))]
      : []),
    "</div>",
    latencyTable(s),
  );
  if (g.thresholds.length > 0) {
    parts.push(
      '<table class="data"><thead><tr><th>target</th><th>metric</th><th class="num">actual</th><th>result</th></tr></thead><tbody>',
    );
    for (const t of g.thresholds) {
      parts.push(
        `<tr class="${t.ok ? "pass" : "fail"}"><td><code>${e(t.expression)}</code></td><td>${e(t.metric)}</td><td class="num">${e(thresholdActual(t.metric, t.expression, t.actual))}</td><td>${t.ok ? "passed" : "failed"}</td></tr>`,
      );
    }
    parts.push("</tbody></table>");
  }
  if (g.comparisons.length > 0) {
    parts.push(
      '<table class="data"><thead><tr><th>vs baseline</th><th class="num">baseline</th><th class="num">current</th><th>change [interval]</th><th class="num">p (worse)</th><th>verdict</th><th class="num">whole run</th></tr></thead><tbody>',
    );
    for (const c of g.comparisons) {
      parts.push(
        `<tr class="${c.verdict === "regressed" ? "fail" : c.verdict === "improved" ? "better" : ""}"><td>${e(c.metric)}</td>${comparedFigures(
          c,
        )
          .map((f) => `<td class="num">${e(f)}</td>`)
          .join(
            "",
          )}<td>${e(change(c))}</td><td class="num">${e(pValue(c.pWorse))}</td><td>${e(c.verdict)}${c.note ? ` <span class="muted">(${e(c.note)})</span>` : ""}</td><td class="num">${e(wholeRunFigures(c))}</td></tr>`,
      );
    }
    parts.push("</tbody></table>");
  }
  parts.push(
    '<div class="charts">',
    latencyOverTime(g, i),
    distribution(g, i),
    throughputOverTime(g, i),
  );
  if (g.comparisons.length > 0) parts.push(comparisonChart(g, i, report.options.tolerance));
  parts.push("</div>");
  parts.push(slowestSeconds(s));
  if (s.operations.sampleErrors.length > 0) {
    parts.push(
      '<details class="errors"><summary>Sample errors</summary><ul>',
      ...s.operations.sampleErrors.map((m) => `<li><code>${e(m)}</code></li>`),
      "</ul></details>",
    );
  }
  parts.push("</section>");
  return parts.join("\n");
}

function modelText(s: ScenarioResult): string {
  const m = s.model;
  if (m.type === "closed") return `closed model, ${m.vus} VUs`;
  if (m.type === "open") return `open model, ${m.rate}/s`;
  return `ramping arrival rate, ${m.stages.length} stages`;
}

export function renderHtml(report: GateReport): string {
  const env = report.environment;
  const title = `bellyfed-bench gate: ${report.passed ? "passed" : "failed"}`;
  const rows = report.scenarios
    .map((g, i) => {
      const s = g.current;
      const passed = g.thresholds.filter((t) => t.ok).length;
      return `<tr><td><a href="#scenario-${i}">${e(g.name)}</a></td><td><span class="badge ${VERDICT_CLASS[g.verdict]}">${e(g.verdict)}</span></td><td class="num">${ms(s.latency.p50)}</td><td class="num">${ms(s.latency.p95)}</td><td class="num">${ms(s.latency.p99)}</td><td class="num">${rate(s.throughput)}</td><td class="num">${percent(s.errorRate, 2)}</td><td class="num">${passed}/${g.thresholds.length}</td></tr>`;
    })
    .join("\n");
  const against = report.baselineFile
    ? `baseline <code>${e(report.baselineFile)}</code>, tolerance ${percent(report.options.tolerance, 0)}, confidence ${percent(report.options.confidence, 0)}`
    : "targets only (no baseline)";
  const body = `<div class="card">
<table class="data"><thead><tr><th>scenario</th><th>verdict</th><th class="num">p50 ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th class="num">ops/s</th><th class="num">errors</th><th class="num">targets</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<dl class="meta">
<dt>data</dt><dd>scale ${e(report.data.scale)}, seed ${e(report.data.seed)}, index set ${e(report.data.indexSet)}</dd>
<dt>machine</dt><dd>${e(env.hostname)} · ${e(env.platform)}/${e(env.arch)} · ${e(env.cpus)} × ${e(env.cpuModel)} · ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB · Node ${e(env.node)} · bellyfed-bench ${e(env.harnessVersion)}</dd>
${env.postgres ? `<dt>PostgreSQL</dt><dd>${e(env.postgres.serverVersion)} (${e(env.postgres.source)})</dd>` : ""}
${env.dynamodb ? `<dt>DynamoDB</dt><dd>${e(env.dynamodb.source)}${env.dynamodb.endpoint && !env.dynamodb.source.includes(env.dynamodb.endpoint) ? ` at ${e(env.dynamodb.endpoint)}` : ""}</dd>` : ""}
${report.baselineEnvironment ? `<dt>baseline machine</dt><dd>${e(report.baselineEnvironment.hostname)} · ${e(report.baselineEnvironment.cpus)} × ${e(report.baselineEnvironment.cpuModel)}</dd>` : ""}
</dl>
</div>
${report.scenarios.map((g, i) => scenarioSection(g, i, report)).join("\n")}`;
  const footer = `Latency is measured from each operation's scheduled start (open models) and recorded in HdrHistograms (microseconds, 3 significant digits).
A metric counts as regressed only when the one-sided Mann-Whitney U test on its per-second values gives p &lt; ${e((1 - report.options.confidence).toFixed(3))}
and the ${percent(report.options.confidence, 0)} bootstrap interval (${e(report.options.resamples)} seeded resamples) of the ratio current / baseline (medians of the per-second percentiles; for throughput, mean operations per second) lies entirely beyond the ${percent(report.options.tolerance, 0)} tolerance.
Latency charts use a logarithmic axis, so a slow outlier does not flatten the other lines.`;
  return page({
    title,
    heading: "bellyfed-bench gate",
    badge: { text: report.passed ? "passed" : "failed", cls: report.passed ? "ok" : "bad" },
    subtitle: `${report.scenarios.length} scenario(s) from ${report.files.map((f) => `<code>${e(f)}</code>`).join(", ")} · judged against ${against} · ${e(report.generatedAt)}`,
    body,
    footer,
  });
}
