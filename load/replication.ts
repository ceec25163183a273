import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type pg from "pg";

/**
 * The harness's own logical replication objects (for `bellyfed-bench sync`):
 * one publication per database over the tables the read models are computed
 * from, and one pgoutput slot per database. They live here, in the loader's
 * layer, because the loader owns their life: the slot is created after a
 * complete load and dropped before a reload (a slot held across a reload
 * would stream the whole COPY to the projector, and the loader rebuilds the
 * read models anyway).
 */

export const PUBLICATION = "bellyfed_sync";

/** The tables the three read models are computed from (load/read-models.ts). */
export const PUBLISHED_TABLES = [
  "users",
  "follows",
  "reviews",
  "dish_rankings",
  "dishes",
  "restaurants",
] as const;

/**
 * The slot's name: one per database (slots are cluster-wide, a database's
 * slot decodes only its database), `bellyfed_` first so `sync reset` and the
 * warnings can tell the harness's own slots from anyone else's.
 */
export function slotName(database: string): string {
  return `bellyfed_sync_${database.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`.slice(0, 63);
}

export interface SlotInfo {
  slot: string;
  active: boolean;
  activePid: number | null;
  confirmedLsn: string | null;
  /** bytes of WAL written since the slot's confirmed position */
  lagBytes: number;
}

/**
 * Indexes the projector's per-key recompute needs and the seed index set
 * lacks (without them a follow's popularity recompute scans all of follows):
 * named bellyfed_sync_*, outside every index set (an index-set switch leaves
 * them), created with the slot (or, without logical decoding, when the sync
 * installs the outbox), dropped with it (before a reload, by sync reset).
 */
export const SYNC_INDEXES = [
  { name: "bellyfed_sync_follows_followed", sql: "ON follows (followed_id)" },
  { name: "bellyfed_sync_reviews_user", sql: "ON reviews (user_id)" },
  // a leaderboard's recompute sums each restaurant's rankings: from the index
  // alone (an index-only scan), not from a heap page per ranking (on the
  // shared test VM 1.1-2.7x less time per recompute of 2 or 16 leaderboards,
  // alternating with and without it; noisy)
  {
    name: "bellyfed_sync_rankings_restaurant",
    sql: "ON dish_rankings (restaurant_id) INCLUDE (rank, updated_at)",
  },
] as const;

/** The server decodes WAL logically (wal_level=logical). */
export async function walLevel(client: pg.Client | pg.PoolClient): Promise<string> {
  return (await client.query("SHOW wal_level")).rows[0].wal_level as string;
}

export async function currentDatabase(client: pg.Client | pg.PoolClient): Promise<string> {
  return (await client.query("SELECT current_database() AS d")).rows[0].d as string;
}

export async function readSlot(client: pg.Client | pg.PoolClient): Promise<SlotInfo | null> {
  const r = await client.query(
    `SELECT slot_name, active, active_pid, confirmed_flush_lsn::text AS lsn,
            GREATEST(COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0), 0)::float8 AS lag
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slotName(await currentDatabase(client))],
  );
  if (r.rowCount === 0) return null;
  const row = r.rows[0];
  return {
    slot: row.slot_name,
    active: row.active,
    activePid: row.active_pid ?? null,
    confirmedLsn: row.lsn ?? null,
    lagBytes: Number(row.lag),
  };
}

/**
 * Creates the publication and the slot when logical decoding is on and they
 * are missing; says nothing and does nothing otherwise. Old rows are logged
 * whole (REPLICA IDENTITY FULL) so a delete or an update tells the projector
 * which keys the row belonged to, not only its primary key.
 * Returns the slot's name when one exists afterwards.
 */
export async function ensureSyncSlot(client: pg.Client | pg.PoolClient): Promise<string | null> {
  if ((await walLevel(client)) !== "logical") return null;
  const slot = slotName(await currentDatabase(client));
  const pub = await client.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [PUBLICATION]);
  if (pub.rowCount === 0) {
    for (const t of PUBLISHED_TABLES) await client.query(`ALTER TABLE ${t} REPLICA IDENTITY FULL`);
    await client.query(
      `CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${PUBLISHED_TABLES.join(", ")}`,
    );
  }
  await ensureSyncIndexes(client);
  const s = await client.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [slot]);
  if (s.rowCount === 0)
    await client.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot]);
  return slot;
}

/**
 * Creates the projector's indexes (SYNC_INDEXES) where they are missing,
 * whatever the change source: with the slot, and with the outbox (the sync
 * installs it where the server has no logical decoding, possibly as a role
 * that may install triggers but does not own the tables). Returns the
 * statements of the indexes this role may not create (not the owner).
 */
export async function ensureSyncIndexes(client: pg.Client | pg.PoolClient): Promise<string[]> {
  const notOwner: string[] = [];
  for (const ix of SYNC_INDEXES) {
    const r = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [ix.name]);
    if (r.rows[0].present) continue;
    try {
      await client.query(`CREATE INDEX IF NOT EXISTS ${ix.name} ${ix.sql}`);
    } catch (e) {
      // 42501 insufficient_privilege: only a table's owner may index it
      if ((e as { code?: string }).code !== "42501") throw e;
      notOwner.push(`CREATE INDEX ${ix.name} ${ix.sql};`);
    }
  }
  return notOwner;
}

/**
 * Drops this database's harness slot and publication (never anyone else's).
 * A slot in use by a running projector is not dropped: returns its pid.
 */
export async function dropSyncSlot(
  client: pg.Client | pg.PoolClient,
): Promise<{ dropped: string[]; busyPid?: number }> {
  const slot = slotName(await currentDatabase(client));
  const dropped: string[] = [];
  const s = await client.query(
    "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1",
    [slot],
  );
  if (s.rowCount && s.rows[0].active) return { dropped, busyPid: s.rows[0].active_pid };
  if (s.rowCount) {
    await client.query("SELECT pg_drop_replication_slot($1)", [slot]);
    dropped.push(`slot ${slot}`);
  }
  const pub = await client.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [PUBLICATION]);
  if (pub.rowCount) {
    await client.query(`DROP PUBLICATION ${PUBLICATION}`);
    dropped.push(`publication ${PUBLICATION}`);
  }
  for (const ix of SYNC_INDEXES) {
    // an index this role does not own (the owner created it, as the outbox's hint says) stays
    const r = await client.query(
      "SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i' AND pg_has_role(relowner, 'USAGE')",
      [ix.name],
    );
    if (r.rowCount) {
      await client.query(`DROP INDEX ${ix.name}`);
      dropped.push(`index ${ix.name}`);
    }
  }
  return { dropped };
}

/** Harness slots (any database) nobody is reading: they keep WAL forever. */
export async function inactiveHarnessSlots(
  client: pg.Client | pg.PoolClient,
): Promise<{ slot: string; database: string; lagBytes: number }[]> {
  const r = await client.query(
    `SELECT slot_name, database,
            GREATEST(COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0), 0)::float8 AS lag
       FROM pg_replication_slots
      WHERE slot_name LIKE 'bellyfed\\_%' AND NOT active ORDER BY slot_name`,
  );
  return r.rows.map((row) => ({
    slot: row.slot_name,
    database: row.database,
    lagBytes: Number(row.lag),
  }));
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The projector's own DynamoDB table (its state and the per-group versions): `sync reset` deletes it. */
export function syncStateTableName(prefix: string): string {
  return `${prefix}bellyfed_sync_state`;
}

/** Deletes the projector's state table, when there is one. */
export async function dropSyncState(client: DynamoDBClient, prefix: string): Promise<boolean> {
  try {
    await client.send(new DeleteTableCommand({ TableName: syncStateTableName(prefix) }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === "ResourceNotFoundException") return false;
    throw e;
  }
}
