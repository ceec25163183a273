import type { CapacityReport, WhatIf } from "../capacity/projection.ts";
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
  whatIfLine,
  whatIfTable,
} from "./capacity-tables.ts";
import type { Table } from "./tune-tables.ts";

/** The capacity report's sections in order, shared by the terminal and Markdown renderers. */
export interface TextSection {
  title: string;
  lines?: string[];
  table?: Table;
}

export function capacitySections(r: CapacityReport, whatIfs: WhatIf[] = []): TextSection[] {
  const f = r.assumptions.cpuFactor;
  const out: TextSection[] = [
    { title: "Summary", lines: summaryLines(r) },
    { title: "Monthly cost", table: costTable(r) },
    {
      title: "What breaks first (at the largest user count, linear in users)",
      table: breaksTable(r),
    },
  ];
  for (const w of whatIfs)
    out.push({
      title: `What-if: ${w.dimension}`,
      lines: [whatIfLine(w, f)],
      table: whatIfTable(w, f),
    });
  out.push(
    { title: "Traffic", table: trafficTable(r) },
    { title: "Aurora PostgreSQL", table: auroraTable(r) },
    { title: "DynamoDB", table: dynamoCostTable(r) },
    {
      title: `DynamoDB per table and GSI at ${r.points[r.points.length - 1].users.toLocaleString("en-US")} users: hottest key against one partition (3,000 RCU / 1,000 WCU)`,
      lines: partitionWarnings(r),
      table: partitionTable(r),
    },
    { title: "Assumptions", lines: [LEGEND(f), ...r.notes], table: assumptionsTable(r) },
    { title: "Measured, derived, assumed", table: basisTable() },
    { title: `Prices (${r.prices.region}, ${r.prices.file})`, table: pricesTable(r) },
    { title: "Sweep", lines: [sweepLine(r)] },
  );
  return out;
}

/** Columns padded to their widest cell. */
export function textTable(t: Table, indent = "  "): string[] {
  const widths = t.head.map((h, i) =>
    Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return [line(t.head), ...t.rows.map(line)];
}

export function renderCapacityTerminal(r: CapacityReport, whatIfs: WhatIf[] = []): string {
  const out: string[] = [
    `Capacity plan: profile ${r.profile.name} (${r.profile.file}) on ${sweepLine(r)}`,
  ];
  for (const s of capacitySections(r, whatIfs)) {
    out.push("", s.title);
    for (const l of s.lines ?? []) out.push(`  ${l}`);
    if (s.table) out.push(...textTable(s.table));
  }
  return `${out.join("\n")}\n`;
}
