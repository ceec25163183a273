import type pg from "pg";
import type { ScaleConfig, TableName } from "../generators/core.ts";
import {
  applyForeignKeys,
  applyIndexSet,
  applyPgSchema,
  assertPgSafe,
  dropForeignKeys,
  dropIndexSet,
  type IndexSet,
  markLoadComplete,
  markLoadStarted,
  TABLES_IN_LOAD_ORDER,
  uninstallOutbox,
} from "../schema/index.ts";
import { withClient } from "../stores/postgres.ts";
import type { PgTarget } from "../stores/types.ts";
import { runLanes, sharedDataset } from "./lanes.ts";
import { type CopyTask, planTasks } from "./plan.ts";
import type { LoadProgress } from "./progress.ts";

/**
 * The PostgreSQL bulk load: tables without foreign keys and without the index
 * set (primary keys and UNIQUE constraints stay: they are part of the tables),
 * TRUNCATE, streaming COPY from worker-thread lanes, then the index set, the
 * foreign keys (each validated against the rows), sequences and VACUUM ANALYZE.
 * The marker reads `loading` from before the TRUNCATE until everything is in
 * place, so an interrupted load is never taken for a complete one.
 */

/** Lanes (generator thread + COPY connection each). Measured on 2 cores: see bench:load. */
export const DEFAULT_LANES = 2;
/** Session settings of a COPY connection. */
export const LANE_SESSION = ["SET synchronous_commit = off"];

export interface PgLoadOptions {
  target: PgTarget;
  config: ScaleConfig;
  /** what the marker records as the scale (preset name, plus overrides) */
  label: string;
  indexSet: IndexSet;
  force?: boolean;
  lanes?: number;
  progress?: LoadProgress;
  signal?: AbortSignal;
  /**
   * called at each phase ("generator setup", "prepare", "copy", "indexes",
   * "foreign keys", "analyze") with its duration
   */
  onPhase?: (phase: string, ms: number) => void;
}

export interface TableFigures {
  rows: number;
  bytes: number;
  /** wall time from the table's first task start to its last task end */
  ms: number;
  /** sum of the table's task durations (lane time) */
  laneMs: number;
}

export interface PgLoadResult {
  rowCounts: Record<string, number>;
  tables: Record<string, TableFigures>;
  copyMs: number;
  phases: Record<string, number>;
  durationMs: number;
}

/**
 * Drops the sync's outbox (if installed), empties the design's tables and
 * drops the foreign keys and the index set (marker already `loading`); autovacuum is off on the tables until
 * `finishBulkLoad` (the load ends with its own VACUUM ANALYZE, and an
 * autovacuum worker would take one of the two cores from the COPY).
 */
export async function prepareForBulkLoad(c: pg.ClientBase): Promise<void> {
  // the sync's outbox fallback would capture every COPY row: the sync installs it again after the load
  await uninstallOutbox(c);
  await dropForeignKeys(c);
  await dropIndexSet(c);
  await c.query(`TRUNCATE ${TABLES_IN_LOAD_ORDER.join(", ")} RESTART IDENTITY`);
  for (const t of TABLES_IN_LOAD_ORDER)
    await c.query(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
}

/** Autovacuum back to the server's setting. */
export async function finishBulkLoad(c: pg.ClientBase): Promise<void> {
  for (const t of TABLES_IN_LOAD_ORDER)
    await c.query(`ALTER TABLE ${t} RESET (autovacuum_enabled)`);
}

/** Runs `fn` over the items with at most `n` at a time, each on its own connection. */
async function parallel<T>(
  target: PgTarget,
  n: number,
  items: T[],
  fn: (c: pg.Client, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, () =>
      withClient(target, async (c) => {
        while (next < items.length) await fn(c, items[next++]);
      }),
    ),
  );
}

/**
 * Row counts and tasks, from the Dataset the lanes share (its World's tables
 * are built once, here, and used by every lane without a copy).
 */
function planLoad(config: ScaleConfig): { expected: Record<string, number>; tasks: CopyTask[] } {
  const ds = sharedDataset(config).dataset;
  const expected: Record<string, number> = {};
  for (const t of TABLES_IN_LOAD_ORDER) expected[t] = ds.count(t as TableName);
  return { expected, tasks: planTasks(ds) };
}

export async function loadPostgres(opts: PgLoadOptions): Promise<PgLoadResult> {
  const t0 = Date.now();
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    const out = await fn();
    phases[name] = Date.now() - s;
    opts.onPhase?.(name, phases[name]);
    return out;
  };
  // pools, World tables and group indexes, built once here for every lane (not part of "copy")
  const { expected, tasks } = await phase("generator setup", async () => planLoad(opts.config));

  await phase("prepare", () =>
    withClient(opts.target, async (c) => {
      await assertPgSafe(c, { force: opts.force, action: "load into it anyway" });
      await applyPgSchema(c, { withForeignKeys: false, withIndexes: false, force: opts.force });
      await markLoadStarted(c, { scale: opts.label, seed: opts.config.seed });
      await prepareForBulkLoad(c);
    }),
  );

  const tables: Record<string, TableFigures> = {};
  const firstStart: Record<string, number> = {};
  const copied: Record<string, number> = {};
  for (const t of TABLES_IN_LOAD_ORDER) {
    tables[t] = { rows: 0, bytes: 0, ms: 0, laneMs: 0 };
    copied[t] = 0;
    opts.progress?.add(t, expected[t]);
  }
  const copyStart = Date.now();
  await phase("copy", () =>
    runLanes({
      lanes: opts.lanes ?? DEFAULT_LANES,
      init: { config: opts.config, pg: opts.target, session: LANE_SESSION, chunkBytes: 256 * 1024 },
      tasks,
      signal: opts.signal,
      onProgress: (table, rows, bytes) => {
        firstStart[table] ??= Date.now();
        opts.progress?.update(table, rows, bytes);
      },
      onTaskDone: (table, r) => {
        const f = tables[table];
        f.rows += r.rows;
        f.bytes += r.bytes;
        f.laneMs += r.ms;
        copied[table] += r.rows;
        f.ms = Date.now() - (firstStart[table] ?? Date.now() - r.ms);
        if (copied[table] === expected[table]) opts.progress?.finish(table);
      },
    }),
  );
  const copyMs = Date.now() - copyStart;
  for (const t of TABLES_IN_LOAD_ORDER) {
    if (expected[t] === 0) opts.progress?.finish(t);
    if (copied[t] !== expected[t])
      throw new Error(`${t}: copied ${copied[t]} rows, expected ${expected[t]}`);
  }

  await withClient(opts.target, async (c) => {
    await c.query("SET maintenance_work_mem = '256MB'");
    await c.query("SET max_parallel_maintenance_workers = 2");
    for (const [table, col] of [
      ["career_levels", "career_level_id"],
      ["badges", "badge_id"],
    ]) {
      await c.query(
        `SELECT setval(pg_get_serial_sequence('${table}', '${col}'), GREATEST((SELECT max(${col}) FROM ${table}), 1))`,
      );
    }
    opts.progress?.note(
      `building index set ${opts.indexSet.name} (${opts.indexSet.indexes.length} indexes)`,
    );
    await phase("indexes", () => applyIndexSet(c, opts.indexSet));
    opts.progress?.note("adding and validating foreign keys");
    await phase("foreign keys", () => applyForeignKeys(c));
  });
  opts.progress?.note("VACUUM ANALYZE");
  await phase("analyze", () =>
    parallel(opts.target, 2, [...TABLES_IN_LOAD_ORDER], async (c, t) => {
      await c.query(`VACUUM (ANALYZE) ${t}`);
    }),
  );
  await withClient(opts.target, async (c) => {
    await finishBulkLoad(c);
    await markLoadComplete(c, { rowCounts: expected });
  });
  return { rowCounts: expected, tables, copyMs, phases, durationMs: Date.now() - t0 };
}
