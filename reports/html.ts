/**
 * The self-contained HTML report: inline CSS and inline SVG only, no script,
 * no external resource (a Content-Security-Policy forbids any fetch), so it
 * works offline and as a CI artifact. Everything from data is escaped.
 */
import { decodeHistogram } from "../engine/histogram.ts";
import type { ScenarioResult } from "../engine/result.ts";
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
    y: { label: "ms" },
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
    y: { label: "ms" },
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

function scenarioSection(g: ScenarioGate, i: number, report: GateReport): string {
  const s = g.current;
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
    "</div>",
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

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--bg:#f6f7fa;--card:#fff;--ok:#1f9d6b;--bad:#d6336c;--good:#1f7bd6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:0}
.muted{color:var(--muted)}
.top{display:flex;align-items:center;gap:14px;margin-bottom:6px}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;border:1px solid}
.badge.ok{color:var(--ok);border-color:var(--ok);background:#e9f7f1}
.badge.good{color:var(--good);border-color:var(--good);background:#e8f1fc}
.badge.bad{color:var(--bad);border-color:var(--bad);background:#fcebf1}
.card,.scenario{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:16px 0}
.scenario header{display:flex;align-items:center;gap:12px;margin-bottom:4px}
table.data{border-collapse:collapse;width:100%;margin:12px 0}
table.data th,table.data td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fdf2f6}
tr.fail td:last-child{color:var(--bad);font-weight:600}
tr.pass td:last-child{color:var(--ok)}
tr.better td{background:#eef6fd}
a{color:#2f6fdf;text-decoration:none}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;word-break:break-all}
.figures{display:grid;grid-template-columns:repeat(8,1fr);gap:8px;margin:12px 0}
.figure{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.figure-value{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.figure-value small{font-size:11px;font-weight:400;color:var(--muted)}
.figure-label{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}
svg.chart{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
svg .chart-title{font-size:13px;font-weight:600;fill:var(--fg)}
svg .tick,svg .legend,svg .row-note{font-size:11px;fill:var(--muted)}
svg .row-label{font-size:12px;fill:var(--fg)}
svg .axis-label{font-size:11px;fill:var(--muted)}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{stroke:#aab2c0;stroke-width:1}
svg .zero{stroke:#5b6475;stroke-width:1.2}
svg .band{fill:#eef1f5}
details.errors{margin-top:10px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
footer{color:var(--muted);font-size:12px;margin:24px 0}
@media (max-width:900px){.charts{grid-template-columns:1fr}.figures{grid-template-columns:repeat(4,1fr)}}
`;

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
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<div class="top"><h1>bellyfed-bench gate</h1><span class="badge ${report.passed ? "ok" : "bad"}">${report.passed ? "passed" : "failed"}</span></div>
<p class="muted">${report.scenarios.length} scenario(s) from ${report.files.map((f) => `<code>${e(f)}</code>`).join(", ")} · judged against ${against} · ${e(report.generatedAt)}</p>
<div class="card">
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
${report.scenarios.map((g, i) => scenarioSection(g, i, report)).join("\n")}
<footer>
Latency is measured from each operation's scheduled start (open models) and recorded in HdrHistograms (microseconds, 3 significant digits).
A metric counts as regressed only when the one-sided Mann-Whitney U test on its per-second values gives p &lt; ${e((1 - report.options.confidence).toFixed(3))}
and the ${percent(report.options.confidence, 0)} bootstrap interval (${e(report.options.resamples)} seeded resamples) of the ratio current / baseline (medians of the per-second percentiles; for throughput, mean operations per second) lies entirely beyond the ${percent(report.options.tolerance, 0)} tolerance.
</footer>
</main>
</body>
</html>
`;
}
