import { num } from "../core/format.ts";
import { PROBE_TOLERANCE } from "../tuning/probe-ab.ts";
import { formatBytes } from "../tuning/rules/overlap.ts";
import type { TuneReport } from "../tuning/session.ts";
import type { BlockFigures } from "../tuning/stats.ts";
import { ms, rate } from "./format.ts";

/**
 * The report's tables as rows of plain strings, shared by the Markdown and
 * HTML renderers (each escapes for its own format).
 */

export interface Table {
  head: string[];
  rows: string[][];
}

export function findingsTable(r: TuneReport): Table {
  return {
    head: ["severity", "kind", "table", "index / pattern", "evidence", "fix"],
    rows: r.findings.map((f) => [
      f.severity,
      f.kind,
      f.table,
      [f.index, f.pattern].filter(Boolean).join(" / "),
      f.evidence,
      f.fix ?? "(not SQL: see evidence)",
    ]),
  };
}

export function patternsTable(r: TuneReport): Table {
  const rows: string[][] = [];
  for (const p of r.patterns)
    for (const s of p.statements) {
      const w = s.worstMisestimate;
      rows.push([
        p.pattern,
        s.statement,
        String(s.samples),
        s.shapes[0]?.shape ?? "",
        s.indexesUsed.join(", ") || "none",
        s.seqScans.map((x) => `${x.table} (${Math.round(x.maxRowsRead)} rows)`).join(", ") || "-",
        s.sorts
          .map((x) => `${x.keys.join(", ")} (${Math.round(x.maxRows)} rows, ${x.method ?? "sort"})`)
          .join("; ") || "-",
        w
          ? `${w.node}: est ${Math.round(w.estimated)} vs ${Math.round(w.actual)} (x${w.factor.toFixed(1)})`
          : "-",
        `${Math.round(s.buffers.meanHit)} / ${Math.round(s.buffers.meanRead)}`,
        `${ms(s.executionMs.median)} / ${ms(s.executionMs.max)}`,
        s.stats
          ? `${s.stats.calls} calls, mean ${ms(s.stats.meanMs)} ms, ${s.stats.rows} rows, blks ${s.stats.sharedHit}/${s.stats.sharedRead}`
          : "-",
      ]);
    }
  return {
    head: [
      "pattern",
      "statement",
      "samples",
      "plan shape (most frequent)",
      "indexes used",
      "seq scans (max rows read)",
      "sorts (max rows)",
      "worst misestimate",
      "buffers hit / read (mean)",
      "exec ms median / max",
      "pg_stat_statements (benchmark window)",
    ],
    rows,
  };
}

/**
 * For each index, the scenarios (access patterns and index probes) that use
 * it: in a sampled plan, or by a scan during the scenario's own benchmark
 * window; in the order they were tuned.
 */
export function indexUsers(r: Pick<TuneReport, "patterns">): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (ix: string, pattern: string) => {
    const users = out.get(ix) ?? [];
    if (!users.includes(pattern)) users.push(pattern);
    out.set(ix, users);
  };
  for (const p of r.patterns) {
    for (const s of p.statements) for (const ix of s.indexesUsed) add(ix, p.pattern);
    for (const x of p.indexScans) if (x.scans > 0) add(x.index, p.pattern);
  }
  return out;
}

export function usageTable(r: TuneReport): Table {
  const size = new Map(r.catalog.indexes.map((i) => [i.name, i]));
  const users = indexUsers(r);
  return {
    head: [
      "table",
      "index",
      "idx_scan (window)",
      "tuples read",
      "used by (plans or window scans)",
      "size",
      "kind",
    ],
    rows: r.indexUsage.rows.map((u) => {
      const i = size.get(u.index);
      return [
        u.table,
        u.index,
        String(u.idxScan),
        String(u.idxTupRead),
        users.get(u.index)?.join(", ") || "none",
        i ? formatBytes(i.sizeBytes) : "-",
        i?.constraint
          ? i.constraint.type === "p"
            ? "primary key"
            : "unique constraint"
          : i
            ? `${i.method}`
            : "",
      ];
    }),
  };
}

export function whatIfTable(r: TuneReport): Table {
  const rows: string[][] = [];
  for (const w of r.whatIf) {
    if (w.error) {
      rows.push([w.candidate.name, w.mode, "-", "-", "-", "-", `error: ${w.error}`]);
      continue;
    }
    for (const o of w.outcomes)
      rows.push([
        `${w.candidate.name} (${w.candidate.keys.join(", ")})`,
        w.mode,
        o.pattern,
        o.usesIndex ? "yes" : "no",
        o.costDropsOnly !== o.costBefore
          ? `${num(o.costBefore)} -> ${num(o.costDropsOnly)} (proposed drops) -> ${num(o.costAfter)}`
          : `${num(o.costBefore)} -> ${num(o.costAfter)}`,
        o.msBefore !== undefined && o.msAfter !== undefined
          ? `${ms(o.msBefore)} -> ${ms(o.msAfter)}`
          : "-",
        formatBytes(w.sizeBytes),
      ]);
  }
  return { head: ["candidate", "mode", "pattern", "used", "plan cost", "exec ms", "size"], rows };
}

function pct(a: number, b: number): string {
  if (!(a > 0)) return "-";
  const d = (b - a) / a;
  return `${d >= 0 ? "+" : ""}${(d * 100).toFixed(0)}%`;
}

/** Shared blocks read from outside shared_buffers per call, and the hit share: "12.3 (97%)". */
function blocksRead(b: BlockFigures | null): string {
  if (!b || b.calls === 0) return "-";
  const all = b.hit + b.read;
  const perCall = b.read / b.calls;
  return `${perCall < 10 ? perCall.toFixed(2) : perCall.toFixed(0)} (${all > 0 ? ((100 * b.hit) / all).toFixed(0) : "-"}%)`;
}

/** The index probes' A/B (tune --ab): each probe with its index and without it, and the geo fix. */
export function probeAbTable(r: TuneReport): Table | null {
  if (!r.probeAb || r.probeAb.rows.length === 0) return null;
  return {
    head: [
      "probe",
      "variant",
      "p50 ms",
      "p95 ms",
      "ops/s",
      "insert rows/s (table)",
      "index size",
      `verdict (${PROBE_TOLERANCE * 100}% rule)`,
    ],
    rows: r.probeAb.rows.map((x) => [
      x.probe,
      x.variant,
      ms(x.figures.p50),
      ms(x.figures.p95),
      rate(x.figures.throughput),
      x.insertRowsPerSecond === null ? "-" : rate(x.insertRowsPerSecond),
      x.indexBytes ? formatBytes(x.indexBytes) : "-",
      x.verdict ?? "",
    ]),
  };
}

export function abTable(r: TuneReport): Table | null {
  if (!r.ab) return null;
  const [a, b] = r.ab.sets;
  const rows: string[][] = [];
  for (const pa of a.patterns) {
    const pb = b.patterns.find((x) => x.pattern === pa.pattern);
    if (!pb) continue;
    rows.push([
      pa.pattern,
      `${ms(pa.latency.p50)} / ${ms(pb.latency.p50)} (${pct(pa.latency.p50, pb.latency.p50)})`,
      `${ms(pa.latency.p95)} / ${ms(pb.latency.p95)} (${pct(pa.latency.p95, pb.latency.p95)})`,
      `${ms(pa.latency.p99)} / ${ms(pb.latency.p99)} (${pct(pa.latency.p99, pb.latency.p99)})`,
      `${rate(pa.throughput)} / ${rate(pb.throughput)} (${pct(pa.throughput, pb.throughput)})`,
      `${blocksRead(pa.blocks)} / ${blocksRead(pb.blocks)}`,
      `${pa.errors} / ${pb.errors}`,
    ]);
  }
  return {
    head: [
      "pattern",
      `p50 ms ${a.set} / ${b.set}`,
      `p95 ms ${a.set} / ${b.set}`,
      `p99 ms ${a.set} / ${b.set}`,
      `ops/s ${a.set} / ${b.set}`,
      `blocks read/call (hit %) ${a.set} / ${b.set}`,
      "errors",
    ],
    rows,
  };
}

export function writeCostTable(r: TuneReport): Table | null {
  if (!r.ab) return null;
  const [a, b] = r.ab.sets;
  return {
    head: [
      "table",
      `indexes ${a.set} / ${b.set}`,
      `insert rows/s ${a.set} / ${b.set}`,
      `index bytes ${a.set} / ${b.set}`,
    ],
    rows: r.ab.affectedTables.map((t) => {
      const ia = a.inserts.find((x) => x.table === t);
      const ib = b.inserts.find((x) => x.table === t);
      return [
        t,
        `${ia?.indexes ?? "-"} / ${ib?.indexes ?? "-"}`,
        ia && ib
          ? `${rate(ia.rowsPerSecond)} / ${rate(ib.rowsPerSecond)} (${pct(ia.rowsPerSecond, ib.rowsPerSecond)})`
          : "n/a (no single uuid primary key)",
        `${formatBytes(a.indexBytes[t] ?? 0)} / ${formatBytes(b.indexBytes[t] ?? 0)} (${pct(a.indexBytes[t] ?? 0, b.indexBytes[t] ?? 0)})`,
      ];
    }),
  };
}

export function dynamoTable(r: TuneReport): Table | null {
  if (!r.dynamo) return null;
  return {
    head: [
      "table / GSI",
      "partition key",
      "items (distinct keys)",
      "hottest key: share of items",
      "traffic: queries (distinct keys)",
      "hottest key: share of traffic",
      "RCU per query",
      `hottest key RCU/s at ${r.dynamo.trafficReadsPerSecond} q/s`,
    ],
    rows: r.dynamo.spreads.map((s) => [
      s.resource,
      s.keyAttribute,
      `${num(s.items)}${s.scanComplete ? "" : "+"} (${num(s.distinctKeys)})`,
      `${s.hottestKey ?? "-"}: ${(s.hottestItemShare * 100).toFixed(1)}%`,
      s.traffic
        ? `${num(s.traffic.queries)} (${num(s.traffic.distinctKeys)})`
        : "no sampled traffic",
      s.traffic ? `${s.traffic.hottestKey}: ${(s.traffic.hottestShare * 100).toFixed(1)}%` : "-",
      s.traffic ? s.traffic.rcuPerQuery.toFixed(2) : "-",
      s.traffic
        ? Math.round(
            r.dynamo!.trafficReadsPerSecond * s.traffic.hottestShare * s.traffic.rcuPerQuery,
          ).toLocaleString("en-US")
        : "-",
    ]),
  };
}
