import { UsageError } from "../../core/errors.ts";
import {
  assertPgSafe,
  clearLoadState,
  ensurePgMarker,
  PG_MARKER_TABLE,
  type PgMarker,
  type Queryable,
  readPgMarker,
  setActiveIndexSet,
} from "../../stores/markers.ts";
import {
  DEFAULT_INDEX_SET,
  type IndexDef,
  type IndexSet,
  listIndexSets,
  loadIndexSet,
} from "../index-sets/index-sets.ts";
import {
  FEED_FUNCTION_BODY,
  FEED_FUNCTION_DROP_SQL,
  FEED_FUNCTION_NAME,
  FEED_FUNCTION_SQL,
} from "./feed-function.ts";
import { FOREIGN_KEYS } from "./foreign-keys.ts";
import { dropOutbox, OUTBOX_TABLES } from "./outbox.ts";
import { SCHEMA_VERSION, TABLES, TABLES_IN_LOAD_ORDER } from "./tables.ts";
import { inTransaction } from "./transaction.ts";

/**
 * Applying, inspecting and dropping the PostgreSQL side of the schema.
 * Every function takes anything with node-pg's query(): a Pool, a Client or a
 * PoolClient. applyPgSchema and dropPgSchema run their own transaction (give
 * them a Pool, or a client that is not inside a transaction); the others run
 * inside whatever transaction the caller holds. Each returns the changes it made, as short
 * sentences ("created table users"); an empty list means nothing changed.
 */

/** Indexes of an index set carry this comment prefix; it is how a swap finds them. */
const INDEX_COMMENT_PREFIX = "bellyfed-bench index set ";
/** Serializes concurrent `schema apply` runs on one database. */
const APPLY_LOCK = 0x62656c6c; // "bell"

export interface ApplyPgOptions {
  /** index set to apply; default: the active set, or `seed` on a fresh database */
  indexSet?: string;
  /** add the 14 foreign keys (default true); the bulk loader adds them after COPY */
  withForeignKeys?: boolean;
  /** apply the index set (default true); the bulk loader builds indexes after COPY */
  withIndexes?: boolean;
  /** create into / adopt a database that holds tables without the marker */
  force?: boolean;
}

/** Names of the design's tables that exist in the current schema. */
export async function existingTables(q: Queryable): Promise<Set<string>> {
  const res = await q.query(
    `SELECT c.relname FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        AND c.relname = ANY($1)`,
    [TABLES_IN_LOAD_ORDER],
  );
  return new Set(res.rows.map((r) => r.relname as string));
}

/**
 * Creates what is missing: the 11 tables, the marker, the feed function, and
 * (unless turned off) the foreign keys and an index set. One transaction.
 */
export async function applyPgSchema(q: Queryable, opts: ApplyPgOptions = {}): Promise<string[]> {
  const requested = opts.indexSet === undefined ? undefined : loadIndexSet(opts.indexSet);
  return inTransaction(q, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [APPLY_LOCK]);
    await assertPgSafe(tx, { force: opts.force, action: "create the schema there anyway" });
    const changes: string[] = [];
    if (await ensurePgMarker(tx, SCHEMA_VERSION)) changes.push(`created marker ${PG_MARKER_TABLE}`);
    const before = await existingTables(tx);
    for (const t of TABLES) {
      if (before.has(t.name)) continue;
      await tx.query(t.sql);
      changes.push(`created table ${t.name}`);
    }
    changes.push(...(await applyFeedFunction(tx)));
    if (opts.withForeignKeys !== false) changes.push(...(await applyForeignKeys(tx)));
    if (opts.withIndexes !== false) {
      const marker = await readPgMarker(tx);
      const activeName = marker?.indexSet ?? DEFAULT_INDEX_SET;
      if (!requested && !listIndexSets().includes(activeName)) {
        throw new UsageError(
          `the active index set '${activeName}' has no file in schema/index-sets/; choose one with --index-set (available: ${listIndexSets().join(", ")})`,
        );
      }
      const set = requested ?? loadIndexSet(activeName);
      changes.push(...(await applyLoadedIndexSet(tx, set)));
    }
    return changes;
  });
}

/** Creates or replaces bellyfed_activity_feed when its body differs from ours. */
export async function applyFeedFunction(q: Queryable): Promise<string[]> {
  const res = await q.query(
    `SELECT p.prosrc FROM pg_proc p
      WHERE p.proname = $1 AND p.pronamespace = current_schema()::regnamespace`,
    [FEED_FUNCTION_NAME],
  );
  if (res.rows.length === 1 && res.rows[0].prosrc === FEED_FUNCTION_BODY) return [];
  if (res.rows.length > 0) await q.query(FEED_FUNCTION_DROP_SQL);
  await q.query(FEED_FUNCTION_SQL);
  return [`${res.rows.length > 0 ? "replaced" : "created"} function ${FEED_FUNCTION_NAME}`];
}

async function existingForeignKeys(q: Queryable): Promise<Set<string>> {
  const res = await q.query(
    `SELECT conname FROM pg_constraint
      WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND conname = ANY($1)`,
    [FOREIGN_KEYS.map((f) => f.name)],
  );
  return new Set(res.rows.map((r) => r.conname as string));
}

/** Adds the foreign keys that are missing (each validates the rows already there). */
export async function applyForeignKeys(q: Queryable): Promise<string[]> {
  const present = await existingForeignKeys(q);
  const changes: string[] = [];
  for (const fk of FOREIGN_KEYS) {
    if (present.has(fk.name)) continue;
    await q.query(fk.sql);
    changes.push(`added foreign key ${fk.name}`);
  }
  return changes;
}

/** Drops the design's foreign keys (before a bulk load). */
export async function dropForeignKeys(q: Queryable): Promise<string[]> {
  const present = await existingForeignKeys(q);
  const changes: string[] = [];
  for (const fk of [...FOREIGN_KEYS].reverse()) {
    if (!present.has(fk.name)) continue;
    await q.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${fk.name}`);
    changes.push(`dropped foreign key ${fk.name}`);
  }
  return changes;
}

export interface ExistingIndex {
  name: string;
  table: string;
  definition: string;
  /** the set that created it, or null for an index no set created (constraints, by hand) */
  set: string | null;
  fingerprint: string | null;
}

/** Every index on the design's tables, with the index set that created it. */
export async function listIndexes(q: Queryable): Promise<ExistingIndex[]> {
  const res = await q.query(
    `SELECT i.indexname, i.tablename, i.indexdef,
            obj_description(format('%I.%I', i.schemaname, i.indexname)::regclass, 'pg_class') AS comment
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
      ORDER BY i.tablename, i.indexname`,
    [TABLES_IN_LOAD_ORDER],
  );
  return res.rows.map((r) => {
    const m =
      typeof r.comment === "string" && r.comment.startsWith(INDEX_COMMENT_PREFIX)
        ? /^bellyfed-bench index set (\S+) (\S+)$/.exec(r.comment)
        : null;
    return {
      name: r.indexname,
      table: r.tablename,
      definition: r.indexdef,
      set: m ? m[1] : null,
      fingerprint: m ? m[2] : null,
    };
  });
}

/**
 * Makes `name` the active index set: drops the indexes earlier sets created
 * that this set does not have (or defines differently), creates the missing
 * ones, records the set in the marker. Takes a set's name (a file in
 * schema/index-sets/) or a set parsed with parseIndexSet. With a Pool and
 * `concurrency` > 1 (the bulk loader), index builds run in parallel.
 */
export async function applyIndexSet(
  q: Queryable,
  set: string | IndexSet,
  opts: { concurrency?: number } = {},
): Promise<string[]> {
  return applyLoadedIndexSet(q, typeof set === "string" ? loadIndexSet(set) : set, opts);
}

async function applyLoadedIndexSet(
  q: Queryable,
  set: IndexSet,
  opts: { concurrency?: number } = {},
): Promise<string[]> {
  const tables = await existingTables(q);
  const missingTables = [...new Set(set.indexes.map((i) => i.table))].filter((t) => !tables.has(t));
  if (missingTables.length > 0) {
    throw new UsageError(
      `index set '${set.name}' indexes ${missingTables.join(", ")}, which do not exist; run 'bellyfed-bench schema apply' first`,
    );
  }
  const wanted = new Map(set.indexes.map((i) => [i.name, i]));
  const existing = await listIndexes(q);
  const changes: string[] = [];
  const keep = new Set<string>();
  for (const ix of existing) {
    const want = wanted.get(ix.name);
    if (want && ix.fingerprint === want.fingerprint) {
      keep.add(ix.name);
      if (ix.set !== set.name) await commentIndex(q, set.name, want.name, want.fingerprint);
      continue;
    }
    // an index a set created that this set lacks, or one by this name defined differently
    if (ix.set !== null || want) {
      await q.query(`DROP INDEX ${quoteIdent(ix.name)}`);
      changes.push(`dropped index ${ix.name}${ix.set ? ` (set ${ix.set})` : ""}`);
    }
  }
  // builds run `concurrency` at a time; only a Pool (several connections) runs them in parallel
  const todo = set.indexes.filter((ix) => !keep.has(ix.name));
  const build = async (ix: IndexDef) => {
    await q.query(ix.sql);
    await commentIndex(q, set.name, ix.name, ix.fingerprint);
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 1, todo.length));
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < todo.length) await build(todo[next++]);
    }),
  );
  for (const ix of todo) changes.push(`created index ${ix.name}`);
  const marker = await readPgMarker(q);
  if (marker && marker.indexSet !== set.name) {
    await setActiveIndexSet(q, set.name);
    changes.push(`index set ${marker.indexSet ?? "none"} -> ${set.name}`);
  }
  return changes;
}

async function commentIndex(q: Queryable, set: string, index: string, fp: string): Promise<void> {
  await q.query(`COMMENT ON INDEX ${quoteIdent(index)} IS '${INDEX_COMMENT_PREFIX}${set} ${fp}'`);
}

/** Drops every index an index set created (before a bulk load); the marker says "none". */
export async function dropIndexSet(q: Queryable): Promise<string[]> {
  const changes: string[] = [];
  for (const ix of await listIndexes(q)) {
    if (ix.set === null) continue;
    await q.query(`DROP INDEX ${quoteIdent(ix.name)}`);
    changes.push(`dropped index ${ix.name}`);
  }
  if (await readPgMarker(q)) await setActiveIndexSet(q, null);
  return changes;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface PgSchemaStatus {
  database: string;
  marker: PgMarker | null;
  tables: { name: string; exists: boolean; rowEstimate: number | null }[];
  foreignKeys: { present: string[]; missing: string[] };
  indexSet: { active: string | null; present: string[]; missing: string[] };
  feedFunction: boolean;
  /** tables in the database that are not the design's and not the marker */
  otherTables: string[];
}

export async function pgSchemaStatus(q: Queryable): Promise<PgSchemaStatus> {
  const db = await q.query("SELECT current_database() AS db");
  const marker = await readPgMarker(q);
  const rel = await q.query(
    `SELECT c.relname, c.reltuples::bigint AS est, c.relpages
       FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')`,
  );
  const byName = new Map(rel.rows.map((r) => [r.relname as string, r]));
  const tables = TABLES_IN_LOAD_ORDER.map((name) => {
    const r = byName.get(name);
    // reltuples is -1 until the first VACUUM/ANALYZE; an empty never-analyzed table has 0 pages
    const est = r ? Number(r.est) : null;
    return {
      name,
      exists: r !== undefined,
      rowEstimate: est === null ? null : est >= 0 ? est : Number(r.relpages) === 0 ? 0 : null,
    };
  });
  const fks = await existingForeignKeys(q);
  const active = marker?.indexSet ?? null;
  let present: string[] = [];
  let missing: string[] = [];
  if (active) {
    const names = new Set((await listIndexes(q)).map((i) => i.name));
    try {
      const set = loadIndexSet(active);
      present = set.indexes.filter((i) => names.has(i.name)).map((i) => i.name);
      missing = set.indexes.filter((i) => !names.has(i.name)).map((i) => i.name);
    } catch {
      // the active set's file is gone; report what exists
      present = [...names];
    }
  }
  const fn = await q.query(
    `SELECT 1 FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace`,
    [FEED_FUNCTION_NAME],
  );
  // the sync's outbox is the harness's too (schema reset drops it)
  const design = new Set<string>([...TABLES_IN_LOAD_ORDER, PG_MARKER_TABLE, ...OUTBOX_TABLES]);
  return {
    database: db.rows[0].db,
    marker,
    tables,
    foreignKeys: {
      present: FOREIGN_KEYS.filter((f) => fks.has(f.name)).map((f) => f.name),
      missing: FOREIGN_KEYS.filter((f) => !fks.has(f.name)).map((f) => f.name),
    },
    indexSet: { active, present, missing },
    feedFunction: fn.rows.length > 0,
    otherTables: [...byName.keys()].filter((n) => !design.has(n)).sort(),
  };
}

/**
 * Drops what the harness created: the sync's outbox (if installed), the feed
 * function, the 11 tables (children first, no CASCADE) and the marker. Refuses an unmarked, non-empty database
 * unless `force`. Tables that are not the design's are never touched.
 */
export async function dropPgSchema(
  q: Queryable,
  opts: { force?: boolean } = {},
): Promise<string[]> {
  return inTransaction(q, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [APPLY_LOCK]);
    await assertPgSafe(tx, { force: opts.force, action: "drop the design's tables anyway" });
    const changes: string[] = [];
    // the sync's outbox fallback (triggers on the tables, its own tables), if installed
    changes.push(...(await dropOutbox(tx)));
    const fn = await tx.query(
      `SELECT 1 FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace`,
      [FEED_FUNCTION_NAME],
    );
    if (fn.rows.length > 0) {
      await tx.query(FEED_FUNCTION_DROP_SQL);
      changes.push(`dropped function ${FEED_FUNCTION_NAME}`);
    }
    const present = await existingTables(tx);
    for (const name of [...TABLES_IN_LOAD_ORDER].reverse()) {
      if (!present.has(name)) continue;
      await tx.query(`DROP TABLE ${name}`);
      changes.push(`dropped table ${name}`);
    }
    const marker = await tx.query("SELECT to_regclass($1) IS NOT NULL AS present", [
      PG_MARKER_TABLE,
    ]);
    if (marker.rows[0].present) {
      await tx.query(`DROP TABLE ${PG_MARKER_TABLE}`);
      changes.push(`dropped marker ${PG_MARKER_TABLE}`);
    }
    return changes;
  });
}

/**
 * Empties the 11 tables (for a reload) after the same guard; the marker stays
 * and forgets the previous load.
 */
export async function truncatePgTables(
  q: Queryable,
  opts: { force?: boolean } = {},
): Promise<void> {
  await assertPgSafe(q, { force: opts.force, action: "truncate the design's tables anyway" });
  const present = await existingTables(q);
  const names = TABLES_IN_LOAD_ORDER.filter((n) => present.has(n));
  if (names.length > 0) await q.query(`TRUNCATE ${names.join(", ")} RESTART IDENTITY`);
  if (await readPgMarker(q)) await clearLoadState(q);
}
