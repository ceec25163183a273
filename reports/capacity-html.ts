import type { CapacityReport, WhatIf } from "../capacity/projection.ts";
import { num } from "../core/format.ts";
import { costChart, latencyCharts, partitionChart, vcpuChart } from "./capacity-charts.ts";
import {
  assumptionsTable,
  auroraTable,
  basisTable,
  breaksTable,
  costTable,
  dynamoCostTable,
  LEGEND,
  partitionTable,
  partitionWarnings,
  pricesTable,
  summaryLines,
  sweepLine,
  trafficTable,
  usd,
  usersText,
  whatIfLine,
  whatIfTable,
} from "./capacity-tables.ts";
import { escapeHtml as e } from "./escape.ts";
import { dataTable, page } from "./layout.ts";
import type { Table } from "./tune-tables.ts";

/**
 * The capacity report as one self-contained HTML page in the other reports'
 * layout (reports/layout.ts): the manager's summary first (figures per user
 * count, what breaks first), then the charts and the detail. Everything from
 * files is escaped.
 */

function card(id: string, heading: string, body: string): string {
  return `<section class="card" id="${e(id)}"><header><h2>${e(heading)}</h2></header>\n${body}\n</section>`;
}

function table(t: Table, numeric: number[] = []): string {
  return dataTable(t.head, t.rows, { numeric, dense: t.head.length > 5 });
}

function figure(label: string, v: string, small = ""): string {
  return `<div class="figure"><div class="figure-value">${e(v)}${small ? ` <small>${e(small)}</small>` : ""}</div><div class="figure-label">${e(label)}</div></div>`;
}

function summary(r: CapacityReport): string {
  const f = r.assumptions.cpuFactor;
  const blocks = r.points.map((p) => {
    const figs = [
      figure("users sized for", usersText(p.users), `${usersText(p.baseUsers)} today`),
      figure("peak ops/s", num(p.peakPerS.value), "(d)"),
      figure("Aurora vCPU at peak", num(p.aurora.vcpuPeak.value, 1), `(d) [cpu x${f}]`),
      figure("Aurora a month", usd(p.monthly.aurora.value), `(d) [cpu x${f}]`),
      figure("DynamoDB a month", usd(p.monthly.dynamo.value), "(d)"),
      figure("total a month", usd(p.monthly.total.value), `(d) [cpu x${f}]`),
    ].join("");
    return `<h3>${e(usersText(p.baseUsers))} users</h3><div class="figures">${figs}</div>`;
  });
  const lines = summaryLines(r)
    .map((l) => `<li>${e(l.trim())}</li>`)
    .join("");
  return `${blocks.join("\n")}<ul>${lines}</ul><p class="muted">${e(LEGEND(f))}</p>`;
}

export function renderCapacityHtml(r: CapacityReport, whatIfs: WhatIf[] = []): string {
  const f = r.assumptions.cpuFactor;
  const body: string[] = [];
  body.push(card("summary", "Summary", summary(r)));
  body.push(
    card(
      "charts",
      "Charts",
      `<div class="charts">${costChart(r)}${vcpuChart(r)}${partitionChart(r)}</div>`,
    ),
  );
  body.push(card("cost", "Monthly cost", table(costTable(r))));
  body.push(
    card(
      "breaks",
      "What breaks first (at the largest user count; loads linear in users)",
      table(breaksTable(r)),
    ),
  );
  for (const w of whatIfs)
    body.push(
      card(
        `what-if-${w.dimension.replace(/\W+/g, "-")}`,
        `What-if: ${w.dimension}`,
        `<p>${e(whatIfLine(w, f))}</p>${table(whatIfTable(w, f))}`,
      ),
    );
  const charts = latencyCharts(r);
  body.push(
    card(
      "patterns",
      "Latency against throughput (PostgreSQL patterns, measured on the sweep's machine)",
      charts.length > 0
        ? `<p class="muted">${e(r.sweep.machine.sharedCores ? "The load generator and PostgreSQL shared the cores: knees are lower bounds." : "")}</p><div class="charts">${charts.join("")}</div>`
        : '<p class="muted">The sweep has no PostgreSQL steps.</p>',
    ),
  );
  body.push(card("traffic", "Traffic", table(trafficTable(r))));
  body.push(card("aurora", "Aurora PostgreSQL", table(auroraTable(r))));
  body.push(card("dynamo", "DynamoDB", table(dynamoCostTable(r))));
  const warnings = partitionWarnings(r);
  body.push(
    card(
      "partitions",
      "DynamoDB per table and GSI: hottest key against one partition (3,000 RCU / 1,000 WCU)",
      `${warnings.map((w) => `<p><span class="badge warn">hot key</span> ${e(w)}</p>`).join("")}${table(partitionTable(r))}`,
    ),
  );
  body.push(
    card(
      "assumptions",
      "Assumptions",
      `<ul>${r.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>${table(assumptionsTable(r))}`,
    ),
  );
  body.push(card("basis", "Measured, derived, assumed", table(basisTable())));
  body.push(card("prices", `Prices (${r.prices.region}, ${r.prices.file})`, table(pricesTable(r))));
  const first = r.breaks[0];
  return page({
    title: `bellyfed-bench capacity plan: ${r.profile.name}`,
    heading: "bellyfed-bench capacity plan",
    badge: first
      ? {
          text: `breaks first at ${usersText(first.users)} users`,
          cls: first.users <= r.points[r.points.length - 1].users ? "bad" : "ok",
        }
      : undefined,
    subtitle: `Profile <code>${e(r.profile.name)}</code> (${e(r.profile.file)}) · ${e(sweepLine(r))} · ${e(r.generatedAt)}`,
    body: body.join("\n"),
    footer: e(
      `Prices from ${r.prices.file} (${r.prices.region}); each price's source and the date it was read are in the Prices table. DynamoDB Local's latency enters no figure.`,
    ),
  });
}
