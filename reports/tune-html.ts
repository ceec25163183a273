import type { TuneReport } from "../tuning/session.ts";
import { escapeHtml as e } from "./escape.ts";
import { dataTable, folded, page } from "./layout.ts";
import {
  abTable,
  dynamoTable,
  patternsTable,
  probeAbTable,
  type Table,
  usageTable,
  whatIfTable,
  writeCostTable,
} from "./tune-tables.ts";

/**
 * The tuning report as one self-contained HTML page, in the gate report's
 * layout and style (reports/layout.ts): every finding's fix SQL shown whole in
 * a block that selects with one click, long evidence and plans folded, tables
 * no wider than the page. Everything from the database is escaped.
 */

const SEVERITY_CLASS: Record<string, string> = { high: "bad", medium: "warn", low: "low" };

function table(t: Table, numeric: number[] = []): string {
  return dataTable(t.head, t.rows, { numeric, dense: t.head.length > 6 });
}

function card(id: string, heading: string, body: string): string {
  return `<section class="card" id="${e(id)}"><header><h2>${heading}</h2></header>\n${body}\n</section>`;
}

function findings(r: TuneReport): string {
  if (r.findings.length === 0) return '<p class="muted">No findings.</p>';
  const items = r.findings.map((f) => {
    const where = [f.table, f.index, f.pattern].filter(Boolean).map((x) => `<code>${e(x)}</code>`);
    return `<article class="finding"><div class="finding-head"><span class="badge ${SEVERITY_CLASS[f.severity] ?? "low"}">${e(f.severity)}</span><span class="kind">${e(f.kind)}</span>${where.join(" · ")}</div>
${f.fix ? `${folded(f.evidence)}\n<pre class="sql">${e(f.fix)}</pre>` : `<p>${e(f.evidence)}</p><p class="muted">Not SQL: the evidence says what to change.</p>`}</article>`;
  });
  const fixes = r.findings.filter((f) => f.fix).map((f) => f.fix as string);
  const script =
    fixes.length > 1
      ? `<details><summary>Every fix as one script (${fixes.length} statements; CONCURRENTLY: run outside a transaction)</summary><pre class="sql">${e(fixes.join("\n"))}</pre></details>`
      : "";
  return items.join("\n") + script;
}

/** The columns of the patterns table shown at a glance; the others go with each statement's plan. */
const GLANCE = [0, 1, 2, 9, 8, 7, 10];
const PLAN = [3, 4, 5, 6];

function patterns(r: TuneReport): string {
  const t = patternsTable(r);
  const glance = dataTable(
    GLANCE.map((i) => t.head[i]),
    t.rows.map((row) => GLANCE.map((i) => row[i])),
    { numeric: [2], dense: true },
  );
  const out: string[] = [glance, "<h3>Statements and plans</h3>"];
  let n = 0;
  for (const p of r.patterns)
    for (const s of p.statements) {
      const row = t.rows[n++];
      const bench = p.bench
        ? `<p class="muted">Benchmark window: ${e(p.bench.ops)} operations, ${e(p.bench.throughput.toFixed(1))} ops/s, p50 ${e(p.bench.p50.toFixed(2))} ms, p95 ${e(p.bench.p95.toFixed(2))} ms, p99 ${e(p.bench.p99.toFixed(2))} ms.</p>`
        : "";
      const scans =
        p.indexScans.length > 0
          ? `<p class="muted">Index scans during its window: ${e(p.indexScans.map((i) => `${i.index} ${i.scans}`).join(", "))}.</p>`
          : "";
      const facts = PLAN.map((i) => `<dt>${e(t.head[i])}</dt><dd>${e(row[i])}</dd>`).join("");
      out.push(
        `<div class="statement"><h4><code>${e(p.pattern)}</code>: <code>${e(s.statement)}</code></h4><dl class="meta">${facts}</dl><details><summary>SQL and plan</summary>${bench}<pre>${e(s.text)}</pre><p class="muted">Plan of the median sample (EXPLAIN ANALYZE, BUFFERS):</p><pre>${e(s.tree.join("\n"))}</pre>${scans}</details></div>`,
      );
    }
  return out.join("\n");
}

function proposed(r: TuneReport): string {
  const p = r.proposed;
  const file = p.missingFile
    ? "not written yet (tune --save-set)"
    : p.matchesFile
      ? "up to date"
      : "differs from this proposal (tune --save-set to rewrite)";
  return `<dl class="meta">
<dt>dropped</dt><dd>${e(p.dropped.map((d) => `${d.name} (${d.kind})`).join(", ") || "none")}</dd>
<dt>added</dt><dd>${e(p.added.map((a) => a.name).join(", ") || "none")}</dd>
<dt>file</dt><dd><code>${e(p.file)}</code>: ${e(file)}</dd>${
    p.followed && p.followed.length > 0
      ? `\n<dt>probe A/B</dt><dd>${p.followed.map((f) => e(f)).join("<br>")}</dd>`
      : ""
  }
</dl>
<details><summary>The set's file (${e(p.text.trimEnd().split("\n").length)} lines)</summary><pre class="sql">${e(p.text.trimEnd())}</pre></details>`;
}

export function renderTuneHtml(r: TuneReport): string {
  const counts = ["high", "medium", "low"].map(
    (s) => `${r.findings.filter((f) => f.severity === s).length} ${s}`,
  );
  const high = r.findings.filter((f) => f.severity === "high").length;
  const body: string[] = [];
  body.push(
    `<div class="card"><dl class="meta">
<dt>server</dt><dd>${e(r.server.description)}, PostgreSQL ${e(r.server.version)}</dd>
<dt>data</dt><dd>scale ${e(r.data.scale)}, seed ${e(r.data.seed)}, index set ${e(r.data.indexSet)}</dd>
<dt>statement figures</dt><dd>${e(r.capabilities.pgStatStatements)}</dd>
<dt>what-if</dt><dd>${e(r.capabilities.whatIf)}</dd>
${r.notes.map((n) => `<dt>note</dt><dd>${e(n)}</dd>`).join("\n")}
</dl></div>`,
  );
  body.push(
    card("findings", `Findings (${r.findings.length}: ${e(counts.join(", "))})`, findings(r)),
  );
  body.push(card("patterns", "Access patterns", patterns(r)));
  body.push(
    card(
      "usage",
      "Index usage",
      `<p class="muted">${e(r.indexUsage.window)}</p>${table(usageTable(r), [2, 3, 4])}`,
    ),
  );
  if (r.whatIf.length > 0) body.push(card("what-if", "What-if", table(whatIfTable(r))));
  const probes = probeAbTable(r);
  if (probes && r.probeAb)
    body.push(
      card(
        "probe-ab",
        `Index probes' A/B on <code>${e(r.probeAb.set)}</code>`,
        `<p class="muted">${e(r.probeAb.durationMs / 1000)} s per variant, ${e(r.probeAb.vus)} VUs, closed model; ${e(r.probeAb.insertRows)} rows copied per insert probe, rolled back. Each probe with the index it exercises and without it, and nearby on the geo fix; the proposal follows the verdicts.</p>${table(probes, [2, 3, 4, 5])}`,
      ),
    );
  body.push(
    card(
      "proposed",
      `Proposed index set <code>${e(r.proposed.name)}</code> (from <code>${e(r.proposed.base)}</code>)`,
      proposed(r),
    ),
  );
  const ab = abTable(r);
  if (ab && r.ab) {
    const a = r.ab;
    const wc = writeCostTable(r);
    body.push(
      card(
        "ab",
        `A/B: ${e(a.sets[0].set)} vs ${e(a.sets[1].set)}`,
        `<p class="muted">${e(a.durationMs / 1000)} s per pattern and round, ${e(a.rounds)} rounds A-B-B-A merged per set, ${e(a.vus)} VUs, closed model; 1-minute load average ${e(a.loadAverage.map((x) => x.toFixed(1)).join(" -> "))}</p>${table(ab)}${
          wc
            ? `<h3>Write side</h3><p class="muted">${e(a.insertRows)} rows copied per table, rolled back</p>${table(wc)}`
            : ""
        }`,
      ),
    );
  }
  const dyn = dynamoTable(r);
  if (dyn) body.push(card("dynamo", "DynamoDB partition keys", table(dyn)));
  return page({
    title: `bellyfed-bench tune: ${r.data.scale} (seed ${r.data.seed}), index set ${r.data.indexSet}`,
    heading: "bellyfed-bench tune",
    badge:
      r.findings.length === 0
        ? { text: "no findings", cls: "ok" }
        : { text: `${r.findings.length} findings`, cls: high > 0 ? "bad" : "warn" },
    subtitle: `Index tuning on ${e(r.data.scale)} (seed ${e(r.data.seed)}), index set <code>${e(r.data.indexSet)}</code> · ${e(r.generatedAt)}`,
    body: body.join("\n"),
    footer:
      "Each fix is one statement, ready to run; CREATE and DROP INDEX CONCURRENTLY must run outside a transaction. Plans are EXPLAIN (ANALYZE, BUFFERS) of the median of the sampled operations.",
  });
}
