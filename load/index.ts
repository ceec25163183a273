import { type DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import type pg from "pg";
import { UsageError } from "../core/errors.ts";
import {
  appliedVariant,
  applyForeignKeys,
  applyIndexSet,
  assertDynamoSafe,
  assertPgSafe,
  DEFAULT_INDEX_SET,
  type IndexSet,
  loadIndexSet,
  type PgMarker,
  readPgMarker,
  tableNames,
} from "../schema/index.ts";
import { createDynamoClient } from "../stores/dynamo.ts";
import { connectPg, dynamoUnreachableHint } from "../stores/services.ts";
import type { DynamoTarget, Endpoints } from "../stores/types.ts";
import type { CapacityTotals } from "./batch-writer.ts";
import { loadDynamo } from "./dynamo-loader.ts";
import {
  type DynamoLoadState,
  readDynamoState,
  stateStillHolds,
  tableCreationTimes,
} from "./dynamo-state.ts";
import { loadPostgres, type PgLoadResult } from "./pg-loader.ts";
import { LoadProgress, type ProgressListener } from "./progress.ts";
import { READ_MODEL_VERSION } from "./read-models.ts";
import { dropSyncSlot, dropSyncState, ensureSyncSlot } from "./replication.ts";
import { dataNowIso, resolveRequest, type ScaleRequest } from "./request.ts";

/**
 * The loader's API: `load` (the CLI's `load`), `ensureLoaded` (what `run`
 * calls before every benchmark: a few catalog reads when the data is there)
 * and `loadStatus`. Both stores are guarded: a database or DynamoDB prefix
 * holding tables bellyfed-bench did not create is refused (UsageError) before
 * anything is written, unless `force`.
 */

export type { ProgressEvent, ProgressListener } from "./progress.ts";
export { LEADERBOARD_SQL, TRENDING_SQL, USER_POPULARITY_SQL } from "./read-models.ts";

export interface LoadRequest extends ScaleRequest {
  /** index set to build (default: the active one, or `seed`) */
  indexSet?: string;
  only?: "pg" | "dynamo";
  /** load into / replace stores holding tables bellyfed-bench did not create */
  force?: boolean;
  /** load again even when the same scale and seed are already complete */
  reload?: boolean;
  endpoints?: Endpoints;
  onProgress?: ProgressListener;
  /** where progress bars / lines go (default stderr; null for none) */
  progressOut?: NodeJS.WriteStream | null;
  /** one line per decision ("PostgreSQL: loading small seed 1") */
  log?: (line: string) => void;
  signal?: AbortSignal;
  lanes?: number;
  /**
   * The command the loader runs under ("load", or "run" / "tune" through
   * ensureLoaded): its hints name only commands that work from there, and
   * under `load` the summary, not the log, says what was already loaded.
   */
  command?: string;
}

export type StoreAction = "loaded" | "skipped" | "index-set" | "not-requested";

export interface LoadSummary {
  scale: string;
  seed: number;
  indexSet: string;
  pg: {
    action: StoreAction;
    /** what the marker said before ("complete", "loading" = interrupted, "none") */
    before: string;
    rowCounts: Record<string, number>;
    durationMs: number;
    result?: PgLoadResult;
  };
  dynamo: {
    action: StoreAction;
    before: string;
    itemCounts: Record<string, number>;
    durationMs: number;
    capacity?: CapacityTotals;
    retries?: number;
    throttles?: number;
  };
  totalMs: number;
}

/** The `load` command that loads this request, as a user would type it. */
export function loadCommandLine(req: LoadRequest, extra: string[] = []): string {
  const args = ["bellyfed-bench", "load", "--scale", req.scale];
  if (req.seed !== undefined) args.push("--seed", String(req.seed));
  const rows = Object.entries(req.rows ?? {});
  if (rows.length > 0) args.push("--rows", rows.map(([t, n]) => `${t}=${n}`).join(","));
  if (req.only) args.push("--only", req.only);
  if (req.indexSet) args.push("--index-set", req.indexSet);
  return [...args, ...extra].join(" ");
}

async function checkDynamo(client: DynamoDBClient, target: DynamoTarget): Promise<void> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    const why = (e as Error).message || (e as { name?: string }).name || "no answer";
    throw new UsageError(
      `cannot reach ${target.description}: ${why}; ${dynamoUnreachableHint(target)}`,
    );
  }
}

/**
 * Before a reload: the harness's slot and publication go (a slot would stream
 * the whole COPY) with the projector's state (its per-group versions describe
 * the read models being replaced). A projector still reading the slot is bad
 * input: one line, nothing changed.
 */
async function dropSyncBeforeReload(
  pgc: pg.Client,
  dyn: DynamoDBClient | null,
  prefix: string,
  log: (line: string) => void,
): Promise<void> {
  const r = await dropSyncSlot(pgc);
  if (r.busyPid !== undefined)
    throw new UsageError(
      `a bellyfed-bench sync (PostgreSQL backend pid ${r.busyPid}) is reading this database's replication slot; stop it (Ctrl-C) before reloading, then run the load again`,
    );
  const state = dyn ? await dropSyncState(dyn, prefix) : false;
  if (r.dropped.length > 0 || state)
    log(
      `PostgreSQL: dropped ${[...r.dropped, ...(state ? ["the projector's state"] : [])].join(", ")} before the reload (a new slot follows the load)`,
    );
}

/** Held (session advisory lock) by the connection of a running load; one load per database at a time. */
export const LOAD_LOCK = 0x6c6f6164; // "load"

async function takeLoadLock(c: pg.Client, log: (line: string) => void): Promise<void> {
  const got = await c.query("SELECT pg_try_advisory_lock($1) AS ok", [LOAD_LOCK]);
  if (got.rows[0].ok) return;
  log("waiting for another bellyfed-bench load on this database to finish");
  await c.query("SELECT pg_advisory_lock($1)", [LOAD_LOCK]);
}

async function loadRunning(c: pg.Client): Promise<boolean> {
  const r = await c.query(
    `SELECT EXISTS (SELECT 1 FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   ) AS running`,
    [LOAD_LOCK],
  );
  return r.rows[0].running === true;
}

function describeLoad(l: PgMarker["load"] | DynamoLoadState | null): string {
  if (!l) return "none";
  return `${l.scale} seed ${l.seed} ${l.status === "loading" ? "interrupted" : "complete"}`;
}

function pgIsCurrent(marker: PgMarker | null, label: string, seed: number): boolean {
  const l = marker?.load;
  return !!l && l.status === "complete" && l.scale === label && l.seed === seed;
}

function dynamoIsCurrent(
  state: DynamoLoadState | null,
  created: Record<string, number | null>,
  label: string,
  seed: number,
  variant: string,
): boolean {
  return (
    !!state &&
    stateStillHolds(state, created) &&
    state.scale === label &&
    state.seed === seed &&
    state.modelVersion === READ_MODEL_VERSION &&
    // items written in another schema variant's shape (schema apply --dynamo-variant) are redone
    (state.variant ?? "design") === variant
  );
}

/**
 * Loads the requested data where it is not already complete. Validates
 * everything (scale, seed, index set, reachability, markers) before writing.
 */
export async function load(req: LoadRequest): Promise<LoadSummary> {
  const t0 = Date.now();
  const { config, label } = resolveRequest(req);
  const requestedSet: IndexSet | undefined =
    req.indexSet === undefined ? undefined : loadIndexSet(req.indexSet);
  const log = req.log ?? (() => {});
  const underLoad = (req.command ?? "load") === "load";
  const wantPg = req.only !== "dynamo";
  const wantDynamo = req.only !== "pg";
  const endpoints =
    req.endpoints ?? (await (await import("../stores/services.ts")).resolveEndpoints());
  const prefix = endpoints.dynamo.tablePrefix;

  const pgc = await connectPg(endpoints.pg);
  const dyn = wantDynamo ? createDynamoClient(endpoints.dynamo, 32) : null;
  try {
    // guards and state, before anything is written
    // the hints name the `load` command that overrides, as it works from any command
    const forced = loadCommandLine({ ...req, scale: config.scale, seed: config.seed }, ["--force"]);
    await assertPgSafe(pgc, {
      force: req.force,
      action: "load into it anyway",
      fix: `to load into it anyway, run '${forced}'`,
    });
    if (dyn) {
      await checkDynamo(dyn, endpoints.dynamo);
      await assertDynamoSafe(dyn, prefix, tableNames(prefix), {
        force: req.force,
        action: "replace them anyway",
        where: endpoints.dynamo.description,
        fix: `to replace them anyway, run '${forced}'`,
      });
    }
    await takeLoadLock(pgc, log);
    const marker = await readPgMarker(pgc);
    const set = requestedSet ?? loadIndexSet(marker?.indexSet ?? DEFAULT_INDEX_SET);
    const dState = dyn ? await readDynamoState(dyn, prefix) : null;
    const created = dyn ? await tableCreationTimes(dyn, tableNames(prefix)) : {};

    const summary: LoadSummary = {
      scale: label,
      seed: config.seed,
      indexSet: set.name,
      pg: {
        action: "not-requested",
        before: describeLoad(marker?.load ?? null),
        rowCounts: marker?.load?.rowCounts ?? {},
        durationMs: 0,
      },
      dynamo: {
        action: "not-requested",
        before: describeLoad(dState),
        itemCounts: dState?.itemCounts ?? {},
        durationMs: 0,
      },
      totalMs: 0,
    };

    const pgCurrent = pgIsCurrent(marker, label, config.seed);
    if (!wantPg && !pgCurrent) {
      throw new UsageError(
        `PostgreSQL does not hold ${label} seed ${config.seed} (it holds: ${summary.pg.before}); the DynamoDB read models are built from it: run 'bellyfed-bench load --scale ${config.scale} --seed ${config.seed} --only pg' first`,
      );
    }
    const out = req.progressOut === undefined ? process.stderr : req.progressOut;

    if (wantPg) {
      if (pgCurrent && !req.reload) {
        if (marker?.indexSet !== set.name) {
          log(
            `PostgreSQL: ${label} seed ${config.seed} already loaded; switching index set ${marker?.indexSet ?? "none"} -> ${set.name}`,
          );
          await applyIndexSet(pgc, set);
          await applyForeignKeys(pgc);
          summary.pg.action = "index-set";
        } else {
          // under `load` its summary says so (with the --reload that loads it again)
          if (!underLoad)
            log(`PostgreSQL: ${label} seed ${config.seed} already loaded (index set ${set.name})`);
          summary.pg.action = "skipped";
        }
      } else {
        if (marker?.load?.status === "loading") {
          log(
            `PostgreSQL: the previous load (${marker.load.scale} seed ${marker.load.seed}, started ${marker.load.startedAt.toISOString()}) did not finish; loading again`,
          );
        }
        await dropSyncBeforeReload(pgc, dyn, prefix, log);
        log(`PostgreSQL: loading ${label} seed ${config.seed} into ${endpoints.pg.description}`);
        const pgProgress = new LoadProgress("rows", out, req.onProgress);
        try {
          const result = await loadPostgres({
            target: endpoints.pg,
            config,
            label,
            indexSet: set,
            force: req.force,
            lanes: req.lanes,
            progress: pgProgress,
            signal: req.signal,
          });
          summary.pg.action = "loaded";
          summary.pg.rowCounts = result.rowCounts;
          summary.pg.durationMs = result.durationMs;
          summary.pg.result = result;
        } finally {
          pgProgress.stop();
        }
      }
    }

    if (dyn) {
      const current = dynamoIsCurrent(
        dState,
        created,
        label,
        config.seed,
        (await appliedVariant(dyn, prefix)).name,
      );
      if (current && !req.reload) {
        if (!underLoad) log(`DynamoDB: read models of ${label} seed ${config.seed} already loaded`);
        summary.dynamo.action = "skipped";
      } else {
        if (dState?.status === "loading") {
          log(
            `DynamoDB: the previous load (${dState.scale} seed ${dState.seed}, started ${dState.startedAt}) did not finish; loading again`,
          );
        }
        await dropSyncBeforeReload(pgc, dyn, prefix, log);
        log(
          `DynamoDB: building the read models of ${label} seed ${config.seed} into ${endpoints.dynamo.description}${prefix ? ` (prefix ${prefix})` : ""}`,
        );
        const dProgress = new LoadProgress("items", out, req.onProgress);
        try {
          const r = await loadDynamo({
            client: dyn,
            prefix,
            pg: endpoints.pg,
            scale: label,
            seed: config.seed,
            nowIso: dataNowIso(config),
            force: req.force,
            progress: dProgress,
            signal: req.signal,
          });
          summary.dynamo.action = "loaded";
          summary.dynamo.itemCounts = r.itemCounts;
          summary.dynamo.durationMs = r.durationMs;
          summary.dynamo.capacity = r.capacity;
          summary.dynamo.retries = r.retries;
          summary.dynamo.throttles = r.throttles;
        } finally {
          dProgress.stop();
        }
      }
    }
    // the sync's slot starts after a complete load (where the server decodes logically)
    if (pgIsCurrent(await readPgMarker(pgc), label, config.seed)) {
      const slot = await ensureSyncSlot(pgc);
      if (slot && summary.pg.action === "loaded")
        log(`PostgreSQL: replication slot ${slot} created for bellyfed-bench sync`);
    }
    summary.totalMs = Date.now() - t0;
    return summary;
  } finally {
    await pgc.end().catch(() => {});
    dyn?.destroy();
  }
}

export interface EnsureLoadedOptions {
  scale: string;
  seed: number;
  indexSet?: string;
  /** only one store (e.g. "pg" when no scenario of the run reads DynamoDB) */
  only?: "pg" | "dynamo";
  endpoints?: Endpoints;
  onProgress?: ProgressListener;
  /** progress on stderr (default true) */
  showProgress?: boolean;
  signal?: AbortSignal;
  /** the command calling, for its hints (default "run") */
  command?: string;
}

/**
 * What `run` calls before a benchmark: the schema applied, the requested
 * scale and seed loaded into both stores with the requested index set. When
 * that is already so, it only reads the markers (well under a second).
 */
export function ensureLoaded(opts: EnsureLoadedOptions): Promise<LoadSummary> {
  return load({
    scale: opts.scale,
    seed: opts.seed,
    indexSet: opts.indexSet,
    only: opts.only,
    endpoints: opts.endpoints,
    onProgress: opts.onProgress,
    progressOut: opts.showProgress === false ? null : process.stderr,
    signal: opts.signal,
    command: opts.command ?? "run",
    log: opts.showProgress === false ? undefined : (l) => process.stderr.write(`${l}\n`),
  });
}

export interface LoadStatusReport {
  pg: {
    description: string;
    database: string;
    marked: boolean;
    indexSet: string | null;
    load: PgMarker["load"];
    /** a load holds the load lock on this database now */
    loadRunning: boolean;
  };
  dynamo: {
    description: string;
    prefix: string;
    state: DynamoLoadState | null;
    /** false when a table was recreated or deleted since the load */
    tablesIntact: boolean;
  } | null;
}

/** What is loaded where (no writes). */
export async function loadStatus(
  endpoints: Endpoints,
  withDynamo = true,
): Promise<LoadStatusReport> {
  const pgc = await connectPg(endpoints.pg);
  try {
    const db = (await pgc.query("SELECT current_database() AS db")).rows[0].db as string;
    const marker = await readPgMarker(pgc);
    const report: LoadStatusReport = {
      pg: {
        description: endpoints.pg.description,
        database: db,
        marked: marker !== null,
        indexSet: marker?.indexSet ?? null,
        load: marker?.load ?? null,
        loadRunning: await loadRunning(pgc),
      },
      dynamo: null,
    };
    if (withDynamo) {
      const dyn = createDynamoClient(endpoints.dynamo, 4);
      try {
        await checkDynamo(dyn, endpoints.dynamo);
        const prefix = endpoints.dynamo.tablePrefix;
        const state = await readDynamoState(dyn, prefix);
        const created = await tableCreationTimes(dyn, tableNames(prefix));
        report.dynamo = {
          description: endpoints.dynamo.description,
          prefix,
          state,
          tablesIntact:
            state !== null && state.status === "complete" && stateStillHolds(state, created),
        };
      } finally {
        dyn.destroy();
      }
    }
    return report;
  } finally {
    await pgc.end().catch(() => {});
  }
}
