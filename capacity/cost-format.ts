import { millis, num } from "../core/format.ts";
import type { DynamoCost, OperationCost } from "./types.ts";

/**
 * The cost of one operation as lines for a terminal (what `capacity sweep`
 * prints per scenario): PostgreSQL per operation and per statement, and
 * DynamoDB units per table and GSI, measured next to computed so a
 * disagreement shows (marked "differs").
 */

/** A number with up to `digits` decimals, trailing zeros dropped: 0.5, 2, 12.25. */
function short(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

const bytes = (n: number) => `${num(n)} B`;

/** "1 statement", "1.5 statements". */
const count = (n: number, one: string) => `${short(n)} ${n === 1 ? one : `${one}s`}`;

/** Rows of cells as aligned columns (numbers right, the first column left). */
function columns(rows: string[][], indent: string): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join("  ")
        .trimEnd(),
  );
}

const oneLine = (q: string, max = 60) => {
  const s = q.replace(/\s+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function dynamoRow(c: DynamoCost): string[] {
  const name = c.index ? `${c.table}/${c.index}` : c.table;
  const m = c.measured;
  const agree = m === null || (same(m.rcu, c.computed.rcu) && same(m.wcu, c.computed.wcu));
  const remark = [
    m === null ? "not reported" : agree ? "" : "differs",
    c.constantKey !== undefined ? `one key: ${JSON.stringify(c.constantKey)}` : "",
  ]
    .filter((x) => x !== "")
    .join("; ");
  return [
    name,
    m === null ? "-" : short(m.rcu, 3),
    m === null ? "-" : short(m.wcu, 3),
    short(c.computed.rcu, 3),
    short(c.computed.wcu, 3),
    remark,
  ];
}

export function formatCost(cost: OperationCost): string[] {
  const out: string[] = [];
  const window =
    cost.durationS !== undefined
      ? ` in ${short(cost.durationS, 1)} s${cost.warmupS ? ` (after ${short(cost.warmupS, 1)} s of warm-up)` : ""}`
      : "";
  const done = cost.throughput !== undefined ? `, ${num(cost.throughput, 1)}/s completed` : "";
  out.push(
    `cost per operation: ${num(cost.operations)} operations at ${short(cost.atRate)}/s${window}${done}`,
  );
  const p = cost.postgres;
  if (p) {
    const tx = p.transactionsPerOp ? `, ${count(p.transactionsPerOp, "transaction")}` : "";
    const serverWal =
      p.serverWalBytesPerOp !== undefined ? ` (server: ${bytes(p.serverWalBytesPerOp)})` : "";
    out.push(
      `  PostgreSQL: ${count(p.statementsPerOp, "statement")}${tx}, ${millis(p.execMsPerOp)} executing, ` +
        `${short(p.sharedBlksHitPerOp, 1)} blocks hit, ${short(p.sharedBlksReadPerOp, 1)} read, ` +
        `${short(p.rowsPerOp, 1)} rows, WAL ${bytes(p.walBytesPerOp)}${serverWal}`,
    );
    out.push(
      `  server CPU: ${millis(p.cpuMsPerOp)} per operation (${p.cpuSource === "proc" ? "from the server's processes in /proc" : "derived from execution time"})`,
    );
    if (p.statements && p.statements.length > 0) {
      const rows = [
        ["statement", "calls/op", "ms/call", "hit/call", "read/call", "rows/call", "WAL B/call"],
      ];
      for (const s of p.statements)
        rows.push([
          oneLine(s.query),
          short(s.callsPerOp),
          short(s.execMs, 3),
          short(s.sharedBlksHit, 1),
          short(s.sharedBlksRead, 1),
          short(s.rows, 1),
          num(s.walBytes),
        ]);
      out.push(...columns(rows, "    "));
    }
  }
  if (cost.dynamo && cost.dynamo.length > 0) {
    out.push(
      "  DynamoDB capacity units per operation (measured: ConsumedCapacity; computed: item sizes by the rules):",
    );
    const rows = [["table/index", "measured RCU", "WCU", "computed RCU", "WCU", ""]];
    for (const c of cost.dynamo) rows.push(dynamoRow(c));
    out.push(...columns(rows, "    "));
  }
  for (const n of cost.notes ?? []) out.push(`  note: ${n}`);
  return out;
}
