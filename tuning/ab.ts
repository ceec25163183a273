import type pg from "pg";
import type { LatencySummary } from "../engine/result.ts";
import { applyIndexSet, type IndexSet, loadIndexSet } from "../schema/index.ts";
import type { Endpoints } from "../stores/types.ts";
import { benchPattern } from "./bench.ts";
import type { PatternSource } from "./patterns.ts";
import { type InsertRate, indexSizes, measureInsertRate } from "./write-cost.ts";

/**
 * A/B of two index sets on the same data: each set is made active in turn
 * (applyIndexSet: drops and builds only the indexes that differ), the
 * planner's statistics refreshed, then every access pattern runs for the same
 * duration through the engine, and the write cost is measured on the tables
 * whose indexes differ. The set that was active before is restored at the end.
 */

export interface AbPatternFigures {
  pattern: string;
  latency: Pick<LatencySummary, "p50" | "p95" | "p99" | "mean" | "count">;
  throughput: number;
  errors: number;
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
}

export interface AbOptions {
  a: string;
  b: string;
  durationMs: number;
  warmupMs: number;
  vus: number;
  insertRows: number;
  data: { scale: string; seed: number };
  restore: string;
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

export async function runAb(
  pool: pg.Pool,
  endpoints: Endpoints,
  patterns: PatternSource[],
  opts: AbOptions,
): Promise<AbResult> {
  const say = opts.onStep ?? (() => {});
  const setA = loadIndexSet(opts.a);
  const setB = loadIndexSet(opts.b);
  const tables = affectedTables(setA, setB);
  const figures: AbSetFigures[] = [];
  try {
    for (const set of [setA, setB]) {
      say(`A/B: index set ${set.name}: applying`);
      const applyChanges = await applyIndexSet(pool, set);
      for (const t of tables) await pool.query(`ANALYZE ${t}`);
      const results: AbPatternFigures[] = [];
      for (const p of patterns) {
        say(`A/B: index set ${set.name}: ${p.name} for ${opts.durationMs / 1000}s`);
        const r = await benchPattern(p, endpoints, {
          durationMs: opts.durationMs,
          warmupMs: opts.warmupMs,
          vus: opts.vus,
          data: opts.data,
        });
        const errors = Object.values(r.operations.errors).reduce((s, n) => s + n, 0);
        results.push({
          pattern: p.name,
          latency: {
            p50: r.latency.p50,
            p95: r.latency.p95,
            p99: r.latency.p99,
            mean: r.latency.mean,
            count: r.latency.count,
          },
          throughput: r.throughput,
          errors,
        });
      }
      const client = await pool.connect();
      const inserts: InsertRate[] = [];
      try {
        for (const t of tables) {
          const rate = await measureInsertRate(client, t, opts.insertRows);
          if (rate) inserts.push(rate);
        }
      } finally {
        client.release();
      }
      const sizes = await indexSizes(pool, tables);
      const indexBytes: Record<string, number> = {};
      for (const t of tables) indexBytes[t] = 0;
      for (const v of sizes.values()) indexBytes[v.table] += v.bytes;
      figures.push({ set: set.name, patterns: results, inserts, indexBytes, applyChanges });
    }
  } finally {
    say(`A/B: restoring index set ${opts.restore}`);
    await applyIndexSet(pool, opts.restore);
  }
  return {
    sets: [figures[0], figures[1]],
    affectedTables: tables,
    durationMs: opts.durationMs,
    vus: opts.vus,
    insertRows: opts.insertRows,
  };
}
