import type pg from "pg";
import type { Statement } from "../stores/postgres.ts";
import {
  type ExplainOutput,
  type PlanSummary,
  planTree,
  type ScanNode,
  summarizePlan,
} from "./plan.ts";

/**
 * Runs EXPLAIN on one statement with real parameters. With `analyze` the
 * statement executes (inside a transaction that is rolled back, so a write
 * path changes nothing); without it only the planner runs (what hypopg's
 * hypothetical indexes affect).
 */
export async function explainStatement(
  client: pg.PoolClient | pg.Client,
  statement: Statement,
  params: unknown[],
  opts: { analyze: boolean; prelude?: string[] } = { analyze: true },
): Promise<ExplainOutput> {
  const options = opts.analyze ? "ANALYZE, BUFFERS, FORMAT JSON" : "FORMAT JSON";
  await client.query("BEGIN");
  try {
    // e.g. DROP INDEX of the indexes a proposal removes: undone by the ROLLBACK below
    for (const sql of opts.prelude ?? []) await client.query(sql);
    const res = await client.query({
      text: `EXPLAIN (${options}) ${statement.text}`,
      values: params,
    });
    const raw = res.rows[0]["QUERY PLAN"];
    const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as ExplainOutput[];
    return parsed[0];
  } finally {
    await client.query("ROLLBACK").catch(() => {});
  }
}

/** What the samples of one statement of one access pattern showed. */
export interface StatementPlans {
  pattern: string;
  statement: string;
  text: string;
  samples: number;
  /** distinct plan shapes, most frequent first */
  shapes: Array<{ shape: string; count: number }>;
  /** the sample with the median execution time: its summary and indented tree */
  representative: PlanSummary;
  tree: string[];
  indexesUsed: string[];
  seqScans: Array<{
    table: string;
    alias: string;
    maxRowsRead: number;
    filter: string | null;
    joinCond: string | null;
  }>;
  sorts: Array<{
    keys: string[];
    method: string | null;
    maxRows: number;
    tables: string[];
    nodes: ScanNode[];
  }>;
  worstMisestimate: PlanSummary["worstMisestimate"];
  executionMs: { median: number; max: number; mean: number };
  buffers: { meanHit: number; meanRead: number };
  /** every sample's summary, for the what-if comparison */
  all: PlanSummary[];
  /** the parameters of the representative sample */
  params: unknown[];
}

/** Folds the EXPLAIN ANALYZE outputs of one statement's samples into one summary. */
export function foldPlans(
  pattern: string,
  statement: Statement,
  runs: Array<{ params: unknown[]; output: ExplainOutput }>,
): StatementPlans {
  const sums = runs.map((r) => summarizePlan(r.output));
  const order = sums
    .map((_, i) => i)
    .sort((a, b) => (sums[a].executionMs ?? 0) - (sums[b].executionMs ?? 0));
  const mid = order[Math.floor((order.length - 1) / 2)];
  const times = order.map((i) => sums[i].executionMs ?? 0);
  const shapes = new Map<string, number>();
  for (const s of sums) shapes.set(s.shape, (shapes.get(s.shape) ?? 0) + 1);
  const seq = new Map<string, StatementPlans["seqScans"][number]>();
  const sorts = new Map<string, StatementPlans["sorts"][number]>();
  let worst: PlanSummary["worstMisestimate"] = null;
  for (const s of sums) {
    for (const x of s.seqScans) {
      const cur = seq.get(x.table);
      if (!cur || x.rowsRead > cur.maxRowsRead)
        seq.set(x.table, {
          table: x.table,
          alias: x.alias,
          maxRowsRead: x.rowsRead,
          filter: x.filter,
          joinCond: x.joinCond,
        });
    }
    for (const x of s.sorts) {
      const k = x.keys.join(",");
      const cur = sorts.get(k);
      if (!cur || x.rows > cur.maxRows)
        sorts.set(k, {
          keys: x.keys,
          method: x.method,
          maxRows: x.rows,
          tables: x.tables,
          nodes: x.nodes,
        });
    }
    if (s.worstMisestimate && s.worstMisestimate.factor > (worst?.factor ?? 1))
      worst = s.worstMisestimate;
  }
  return {
    pattern,
    statement: statement.name,
    text: statement.text,
    samples: runs.length,
    shapes: [...shapes]
      .map(([shape, count]) => ({ shape, count }))
      .sort((a, b) => b.count - a.count),
    representative: sums[mid],
    tree: planTree(runs[mid].output.Plan),
    indexesUsed: [...new Set(sums.flatMap((s) => s.indexes.map((i) => i.index)))].sort(),
    seqScans: [...seq.values()],
    sorts: [...sorts.values()],
    worstMisestimate: worst,
    executionMs: {
      median: times[Math.floor((times.length - 1) / 2)],
      max: times[times.length - 1],
      mean: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    },
    buffers: {
      meanHit: sums.reduce((a, s) => a + s.sharedHit, 0) / Math.max(1, sums.length),
      meanRead: sums.reduce((a, s) => a + s.sharedRead, 0) / Math.max(1, sums.length),
    },
    all: sums,
    params: runs[mid].params,
  };
}
