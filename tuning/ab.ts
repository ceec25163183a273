import { loadavg } from "node:os";
import type pg from "pg";
import { decodeHistogram, summarize } from "../core/histogram.ts";
import type { LatencySummary, ScenarioResult } from "../core/result.ts";
import { applyIndexSet, type IndexSet, loadIndexSet } from "../schema/index.ts";
import type { Endpoints } from "../stores/types.ts";
import { benchPattern } from "./bench.ts";
import type { PatternSource } from "./patterns.ts";
import {
  type BlockFigures,
  blockFigures,
  diffStatements,
  settleStats,
  snapshotStatements,
} from "./stats.ts";
import { type InsertRate, indexSizes, measureInsertRate } from "./write-cost.ts";

/**
 * A/B of two index sets on the same data: each set is made active in turn
 * (applyIndexSet: drops and builds only the indexes that differ), the
 * planner's statistics refreshed, then every access pattern runs for the same
 * duration through the engine, and the write cost is measured on the tables
 * whose indexes differ. The set that was active before is restored at the end.
 * With the patterns' statement texts (and pg_stat_statements), each pattern's
 * shared blocks hit and read are kept too: a set that looks slower only
 * because its round found the data outside shared_buffers shows it there.
 */

export interface AbPatternFigures {
  pattern: string;
  latency: Pick<LatencySummary, "p50" | "p95" | "p99" | "mean" | "count">;
  throughput: number;
  errors: number;
  /** the pattern's statements over its runs (warm-up included); null without pg_stat_statements */
  blocks: BlockFigures | null;
}

export interface AbSetFigures {
  set: string;
  patterns: AbPatternFigures[];
  inserts: InsertRate[];
  /** total bytes of the set's indexes per affected table */
  indexBytes: Record<string, number>;
  applyChanges: string[];
}

export interface AbResult {
  sets: [AbSetFigures, AbSetFigures];
  affectedTables: string[];
  durationMs: number;
  vus: number;
  insertRows: number;
  /** rounds run (A, B, B, A); each set's figures merge its two */
  rounds: number;
  /** the machine's 1-minute load average at the start and the end (a shared machine is noisy) */
  loadAverage: [number, number];
}

export interface AbOptions {
  a: string;
  /** a set's name (schema/index-sets/<name>.sql), or a set in memory (tune's proposal) */
  b: string | IndexSet;
  durationMs: number;
  warmupMs: number;
  vus: number;
  insertRows: number;
  data: { scale: string; seed: number };
  restore: string;
  /** each pattern's statement texts, to read its blocks from pg_stat_statements (omit to skip) */
  statements?: Record<string, string[]>;
  onStep?: (line: string) => void;
}

/** Tables whose indexes differ between the two sets. */
export function affectedTables(a: IndexSet, b: IndexSet): string[] {
  const key = (s: IndexSet) =>
    new Set(s.indexes.map((i) => `${i.table}|${i.fingerprint}|${i.name}`));
  const ka = key(a);
  const kb = key(b);
  const out = new Set<string>();
  for (const i of a.indexes) if (!kb.has(`${i.table}|${i.fingerprint}|${i.name}`)) out.add(i.table);
  for (const i of b.indexes) if (!ka.has(`${i.table}|${i.fingerprint}|${i.name}`)) out.add(i.table);
  return [...out].sort();
}

/** Makes `set` active with fresh statistics and visibility map, and no checkpoint debt where allowed. */
async function activate(
  pool: pg.Pool,
  set: IndexSet,
  tables: string[],
  say: (line: string) => void,
  label: string,
): Promise<string[]> {
  say(`A/B ${label}: index set ${set.name}: applying`);
  const changes = await applyIndexSet(pool, set);
  for (const t of tables) await pool.query(`VACUUM ANALYZE ${t}`);
  await pool.query("CHECKPOINT").catch(() => {});
  return changes;
}

/**
 * The insert probe of one set on every affected table. It copies rows and
 * rolls them back, which leaves dead rows and grown indexes behind, so it runs
 * after every read round (reads of both sets see the same tables) and each
 * table is vacuumed after it.
 */
async function writeRound(
  pool: pg.Pool,
  set: IndexSet,
  tables: string[],
  opts: AbOptions,
  label: string,
): Promise<InsertRate[]> {
  const say = opts.onStep ?? (() => {});
  await activate(pool, set, tables, say, label);
  say(`A/B ${label}: index set ${set.name}: write cost, ${opts.insertRows} rows per table`);
  const client = await pool.connect();
  const inserts: InsertRate[] = [];
  try {
    for (const t of tables) {
      const rate = await measureInsertRate(client, t, opts.insertRows);
      if (rate) inserts.push(rate);
      await client.query(`VACUUM ${t}`);
    }
  } finally {
    client.release();
  }
  return inserts;
}

/** One read round of one set: every pattern's run. */
async function round(
  pool: pg.Pool,
  endpoints: Endpoints,
  patterns: PatternSource[],
  set: IndexSet,
  tables: string[],
  opts: AbOptions,
  label: string,
): Promise<{
  runs: Map<string, ScenarioResult>;
  blocks: Map<string, BlockFigures | null>;
  applyChanges: string[];
  indexBytes: Record<string, number>;
}> {
  const say = opts.onStep ?? (() => {});
  const applyChanges = await activate(pool, set, tables, say, label);
  const indexBytes: Record<string, number> = {};
  for (const t of tables) indexBytes[t] = 0;
  for (const v of (await indexSizes(pool, tables)).values()) indexBytes[v.table] += v.bytes;
  const runs = new Map<string, ScenarioResult>();
  const blocks = new Map<string, BlockFigures | null>();
  for (const p of patterns) {
    say(`A/B ${label}: index set ${set.name}: ${p.name} for ${opts.durationMs / 1000}s`);
    const texts = opts.statements?.[p.name];
    const before = texts ? await snapshotStatements(pool) : null;
    runs.set(
      p.name,
      await benchPattern(p, endpoints, {
        durationMs: opts.durationMs,
        warmupMs: opts.warmupMs,
        vus: opts.vus,
        data: opts.data,
      }),
    );
    if (texts && before) {
      await settleStats(pool);
      blocks.set(
        p.name,
        blockFigures(diffStatements(before, await snapshotStatements(pool)), texts),
      );
    } else blocks.set(p.name, null);
  }
  return { runs, blocks, applyChanges, indexBytes };
}

/**
 * Read rounds in the order A, B, B, A, so drift over the session (caches,
 * other load on the machine, checkpoints) falls on both sets alike; each set's
 * two rounds are merged (histograms added, operations over total time). Then
 * the write cost, in the same order, once no read is left to disturb: each
 * set's figure is the median of its probes.
 */
export async function runAb(
  pool: pg.Pool,
  endpoints: Endpoints,
  patterns: PatternSource[],
  opts: AbOptions,
): Promise<AbResult> {
  const say = opts.onStep ?? (() => {});
  const setA = loadIndexSet(opts.a);
  const setB = typeof opts.b === "string" ? loadIndexSet(opts.b) : opts.b;
  const tables = affectedTables(setA, setB);
  const load0 = loadavg()[0];
  const rounds: Array<{ set: IndexSet; r: Awaited<ReturnType<typeof round>> }> = [];
  const writes: Array<{ set: IndexSet; inserts: InsertRate[] }> = [];
  try {
    const order = [setA, setB, setB, setA];
    for (const [i, set] of order.entries())
      rounds.push({
        set,
        r: await round(pool, endpoints, patterns, set, tables, opts, `round ${i + 1}/4`),
      });
    // the write cost after all reads, in the same order
    for (const [i, set] of order.entries())
      writes.push({ set, inserts: await writeRound(pool, set, tables, opts, `write ${i + 1}/4`) });
  } finally {
    say(`A/B: restoring index set ${opts.restore}`);
    await applyIndexSet(pool, opts.restore);
  }
  const figures: AbSetFigures[] = [];
  for (const set of [setA, setB]) {
    const mine = rounds.filter((x) => x.set === set).map((x) => x.r);
    const results: AbPatternFigures[] = patterns.map((p) => {
      const runs = mine.map((m) => m.runs.get(p.name)!);
      const h = decodeHistogram(runs[0].histograms.latency);
      for (const r of runs.slice(1)) h.add(decodeHistogram(r.histograms.latency));
      const sum = summarize(h);
      const ok = runs.reduce((a, r) => a + r.operations.ok, 0);
      const secs = runs.reduce((a, r) => a + r.durationMs / 1000, 0);
      const blocks = mine.map((m) => m.blocks.get(p.name) ?? null);
      return {
        pattern: p.name,
        latency: { p50: sum.p50, p95: sum.p95, p99: sum.p99, mean: sum.mean, count: sum.count },
        blocks: blocks.every((b) => b !== null)
          ? blocks.reduce((a, b) => ({
              calls: a.calls + b.calls,
              hit: a.hit + b.hit,
              read: a.read + b.read,
            }))
          : null,
        throughput: secs > 0 ? ok / secs : 0,
        errors: runs.reduce(
          (a, r) => a + Object.values(r.operations.errors).reduce((x, n) => x + n, 0),
          0,
        ),
      };
    });
    const inserts: InsertRate[] = tables.flatMap((t) => {
      const all = writes
        .filter((w) => w.set === set)
        .flatMap((w) => w.inserts.filter((x) => x.table === t));
      if (all.length === 0) return [];
      all.sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
      return [all[Math.floor((all.length - 1) / 2)]];
    });
    figures.push({
      set: set.name,
      patterns: results,
      inserts,
      indexBytes: mine[0].indexBytes,
      applyChanges: mine[0].applyChanges,
    });
  }
  return {
    sets: [figures[0], figures[1]],
    affectedTables: tables,
    durationMs: opts.durationMs,
    vus: opts.vus,
    insertRows: opts.insertRows,
    rounds: 4,
    loadAverage: [load0, loadavg()[0]],
  };
}
