import { cpus } from "node:os";
import type { TuneReport } from "../tuning/session.ts";
import { escapeMarkdownCell } from "./escape.ts";
import {
  abTable,
  dynamoTable,
  findingsTable,
  patternsTable,
  probeAbTable,
  type Table,
  usageTable,
  whatIfTable,
  writeCostTable,
} from "./tune-tables.ts";

/** The tuning report as GitHub-flavoured Markdown (cells escaped; plans in fenced blocks). */

/** A GitHub table, every cell escaped. */
export function markdownTable(t: Table): string {
  const head = `| ${t.head.map(escapeMarkdownCell).join(" | ")} |`;
  const sep = `|${t.head.map(() => "---").join("|")}|`;
  const rows = t.rows.map((r) => `| ${r.map(escapeMarkdownCell).join(" | ")} |`);
  return [head, sep, ...rows].join("\n");
}

/** A fenced block that no line of `text` can close. */
function fence(text: string, lang = ""): string {
  let ticks = "```";
  while (text.includes(ticks)) ticks += "`";
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** Text outside tables and fences: HTML and Markdown syntax neutralised, one line. */
const text = (v: unknown) => escapeMarkdownCell(v);

export function renderTuneMarkdown(r: TuneReport): string {
  const out: string[] = [];
  out.push(
    `# Index tuning: ${text(r.data.scale)} (seed ${r.data.seed}), index set ${text(r.data.indexSet)}`,
  );
  out.push("");
  out.push(`- server: ${text(r.server.description)}, PostgreSQL ${text(r.server.version)}`);
  out.push(`- statement figures: ${text(r.capabilities.pgStatStatements)}`);
  out.push(`- what-if: ${text(r.capabilities.whatIf)}`);
  out.push(`- generated: ${text(r.generatedAt)}`);
  for (const n of r.notes) out.push(`- note: ${text(n)}`);
  out.push("");
  const counts = ["high", "medium", "low"].map(
    (s) => `${r.findings.filter((f) => f.severity === s).length} ${s}`,
  );
  out.push(
    `## Findings (${r.findings.length}: ${counts.join(", ")})`,
    "",
    markdownTable(findingsTable(r)),
    "",
  );
  out.push("## Access patterns", "", markdownTable(patternsTable(r)), "");
  for (const p of r.patterns)
    for (const s of p.statements) {
      out.push(`### ${text(p.pattern)}: ${text(s.statement)}`, "");
      if (p.bench)
        out.push(
          `Benchmark window: ${p.bench.ops} operations, ${p.bench.throughput.toFixed(1)} ops/s, p50 ${p.bench.p50.toFixed(2)} ms, p95 ${p.bench.p95.toFixed(2)} ms, p99 ${p.bench.p99.toFixed(2)} ms.`,
          "",
        );
      out.push(
        fence(s.text, "sql"),
        "",
        "Plan of the median sample (EXPLAIN ANALYZE, BUFFERS):",
        "",
        fence(s.tree.join("\n")),
        "",
      );
      if (p.indexScans.length > 0)
        out.push(
          `Index scans during its window: ${text(p.indexScans.map((i) => `${i.index} ${i.scans}`).join(", "))}.`,
          "",
        );
    }
  out.push(`## Index usage (${text(r.indexUsage.window)})`, "", markdownTable(usageTable(r)), "");
  if (r.whatIf.length > 0) out.push("## What-if", "", markdownTable(whatIfTable(r)), "");
  const probes = probeAbTable(r);
  if (probes && r.probeAb)
    out.push(
      `## Index probes' A/B on \`${r.probeAb.set}\` (${r.probeAb.durationMs / 1000}s per variant, ${r.probeAb.vus} VUs, closed model; ${r.probeAb.insertRows} rows copied per insert probe, rolled back)`,
      "",
      "Each probe with the index it exercises and without it, and nearby on the geo fix. The proposal below follows the verdicts.",
      "",
      markdownTable(probes),
      "",
    );
  out.push(`## Proposed index set \`${r.proposed.name}\` (from \`${r.proposed.base}\`)`, "");
  out.push(
    `- dropped: ${text(r.proposed.dropped.map((d) => `${d.name} (${d.kind})`).join(", ") || "none")}`,
  );
  out.push(`- added: ${text(r.proposed.added.map((a) => a.name).join(", ") || "none")}`);
  for (const f of r.proposed.followed ?? []) out.push(`- probe A/B: ${text(f)}`);
  out.push(
    `- file ${text(r.proposed.file)}: ${r.proposed.missingFile ? "not written yet (tune --save-set)" : r.proposed.matchesFile ? "up to date" : "differs from this proposal (tune --save-set to rewrite)"}`,
  );
  out.push("", fence(r.proposed.text.trimEnd(), "sql"), "");
  const ab = abTable(r);
  if (ab) {
    out.push(
      `## A/B: ${r.ab!.sets[0].set} vs ${r.ab!.sets[1].set} (${r.ab!.durationMs / 1000}s per pattern and round, ${r.ab!.rounds} rounds A-B-B-A merged per set, ${r.ab!.vus} VUs, closed model; 1-minute load average ${r.ab!.loadAverage.map((x) => x.toFixed(1)).join(" -> ")} on ${cpus().length} cores)`,
      "",
      markdownTable(ab),
      "",
    );
    const wc = writeCostTable(r);
    if (wc)
      out.push(
        `Write side (${r.ab!.insertRows} rows copied per table, rolled back):`,
        "",
        markdownTable(wc),
        "",
      );
  }
  const dyn = dynamoTable(r);
  if (dyn) out.push("## DynamoDB partition keys", "", markdownTable(dyn), "");
  return `${out.join("\n").trimEnd()}\n`;
}
