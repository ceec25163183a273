import type { Queryable } from "../../stores/markers.ts";
import { inTransaction } from "./transaction.ts";

/**
 * The transactional outbox: where the sync reads PostgreSQL's committed
 * changes when the server has no logical decoding (Aurora without
 * `rds.logical_replication=1`, a PostgreSQL with `wal_level=replica`).
 *
 * Objects, all in the harness's own schema (the one its tables live in), with
 * these names (the functions also carry the comment `bellyfed-bench outbox`),
 * so uninstalling drops only them:
 * - on each source table, the row trigger `bellyfed_outbox_capture` (AFTER
 *   INSERT OR UPDATE OR DELETE) and its function
 *   `bellyfed_outbox_capture_<table>`: appends the row, every column as
 *   PostgreSQL's text, to `bellyfed_outbox`, tagged with the writer's
 *   transaction id: an insert its new row, a delete its old row, an update
 *   its old row as a `delete` and then its new row as an `update` (as the
 *   pgoutput source hands over an update under REPLICA IDENTITY FULL: the
 *   keys the old row leaves are affected too);
 * - `bellyfed_outbox_seal`: a deferred constraint trigger on the outbox that
 *   runs at COMMIT, once per transaction: it takes a transaction-level
 *   advisory lock and gives the transaction the next number of
 *   `bellyfed_outbox_seq` in `bellyfed_outbox_commit`. The lock is released
 *   only after the commit is visible, so the numbers follow commit order, and
 *   once the poller sees number n every transaction with a lower number has
 *   ended: reading `seq > last` never skips one that commits later. (A
 *   sequence id taken at insert time is not in commit order, and a poller
 *   reading `id > last` would skip a row whose transaction commits later with
 *   a lower id.) The price: writers' commits queue on that lock, from the
 *   seal to the end of the commit's WAL flush.
 * - `bellyfed_outbox_state`: the acknowledged position (one row).
 *
 * The sequence starts at the server's current WAL position (in bytes), so a
 * position never goes backwards across an uninstall and a reinstall (each
 * outbox transaction writes more WAL bytes than the one number it takes), and
 * outbox positions stay below the LSNs of a later switch to logical decoding.
 *
 * TRUNCATE is not captured (row triggers do not fire on it): the bulk loader
 * uninstalls the outbox before it truncates and copies, as it would drop a
 * replication slot, and the sync installs it again after a complete load.
 */

export const OUTBOX_TABLE = "bellyfed_outbox";
export const OUTBOX_COMMIT_TABLE = "bellyfed_outbox_commit";
export const OUTBOX_STATE_TABLE = "bellyfed_outbox_state";
export const OUTBOX_SEQUENCE = "bellyfed_outbox_seq";
export const OUTBOX_TABLES: readonly string[] = [
  OUTBOX_TABLE,
  OUTBOX_COMMIT_TABLE,
  OUTBOX_STATE_TABLE,
];
export const OUTBOX_TRIGGER = "bellyfed_outbox_capture";
export const OUTBOX_SEAL = "bellyfed_outbox_seal";
/** pg_advisory_xact_lock(OUTBOX_LOCK_CLASS, OUTBOX_LOCK_ID): commits of outbox transactions, in turn. */
export const OUTBOX_LOCK_CLASS = 0x62656c6c; // "bell"
export const OUTBOX_LOCK_ID = 0x6f757462; // "outb"
/** Serializes install and uninstall. */
const INSTALL_LOCK = 0x6f626f78; // "obox"
/** The comment on the outbox's functions: how uninstalling tells them from a user's. */
const FUNCTION_COMMENT = "bellyfed-bench outbox";
/** Transaction-local flag: this transaction already has its commit number. */
const SEALED_FLAG = "bellyfed_outbox.sealed";

/** A double-quoted identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The function settings of the outbox's SECURITY DEFINER functions (names are schema-qualified). */
const FUNCTION_SETTINGS = "SET search_path = pg_catalog, pg_temp SET datestyle = 'ISO, MDY'";

export function captureFunctionName(table: string): string {
  return `${OUTBOX_TRIGGER}_${table}`;
}

function captureFunctionSql(schema: string, table: string, columns: string[]): string {
  const q = `${ident(schema)}.`;
  // jsonb_build_object takes at most 100 arguments: 50 columns; the design's widest table has 16
  const row = (v: string) =>
    `jsonb_build_object(${columns.map((c) => `${literal(c)}, ${v}.${ident(c)}::text`).join(", ")})`;
  const into = `INSERT INTO ${q}${OUTBOX_TABLE} (xid, tbl, op, row) VALUES`;
  const t = literal(table);
  return `CREATE FUNCTION ${q}${ident(captureFunctionName(table))}() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER ${FUNCTION_SETTINGS} AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${into} (pg_current_xact_id(), ${t}, 'insert', ${row("NEW")});
  ELSIF TG_OP = 'UPDATE' THEN
    ${into} (pg_current_xact_id(), ${t}, 'delete', ${row("OLD")}),
            (pg_current_xact_id(), ${t}, 'update', ${row("NEW")});
  ELSE
    ${into} (pg_current_xact_id(), ${t}, 'delete', ${row("OLD")});
  END IF;
  RETURN NULL;
END $f$`;
}

function sealFunctionSql(schema: string): string {
  const q = `${ident(schema)}.`;
  return `CREATE FUNCTION ${q}${OUTBOX_SEAL}() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER ${FUNCTION_SETTINGS} AS $f$
BEGIN
  IF current_setting('${SEALED_FLAG}', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM pg_advisory_xact_lock(${OUTBOX_LOCK_CLASS}, ${OUTBOX_LOCK_ID});
  INSERT INTO ${q}${OUTBOX_COMMIT_TABLE} (seq, xid, commit_time)
  VALUES (nextval(${literal(`${ident(schema)}.${OUTBOX_SEQUENCE}`)}), pg_current_xact_id(), clock_timestamp());
  PERFORM set_config('${SEALED_FLAG}', 'on', true);
  RETURN NULL;
END $f$`;
}

/** Names of the outbox's objects present in the current schema. */
export interface OutboxObjects {
  tables: string[];
  functions: string[];
  /** source tables carrying the capture trigger */
  triggers: string[];
  sequence: boolean;
}

export async function outboxObjects(q: Queryable): Promise<OutboxObjects> {
  const rel = await q.query(
    `SELECT relname, relkind FROM pg_class
      WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'S') AND relname = ANY($1)
      ORDER BY relname`,
    [[...OUTBOX_TABLES, OUTBOX_SEQUENCE]],
  );
  const fn = await q.query(
    `SELECT proname FROM pg_proc
      WHERE pronamespace = current_schema()::regnamespace AND pronargs = 0
        AND prorettype = 'trigger'::regtype AND obj_description(oid, 'pg_proc') = $1
      ORDER BY proname`,
    [FUNCTION_COMMENT],
  );
  const trg = await q.query(
    `SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname = $1 ORDER BY c.relname`,
    [OUTBOX_TRIGGER],
  );
  return {
    tables: rel.rows.filter((r) => r.relkind === "r").map((r) => r.relname as string),
    sequence: rel.rows.some((r) => r.relname === OUTBOX_SEQUENCE),
    functions: fn.rows.map((r) => r.proname as string),
    triggers: trg.rows.map((r) => r.relname as string),
  };
}

/** True when the outbox tables exist and every one of `tables` carries the capture trigger. */
export async function outboxInstalled(q: Queryable, tables: readonly string[]): Promise<boolean> {
  const o = await outboxObjects(q);
  return (
    o.tables.includes(OUTBOX_STATE_TABLE) &&
    o.tables.includes(OUTBOX_COMMIT_TABLE) &&
    o.tables.includes(OUTBOX_TABLE) &&
    tables.every((t) => o.triggers.includes(t))
  );
}

/** Where the sequence starts: the current WAL position in bytes (see the header), else microseconds since 1970. */
async function startPosition(q: Queryable): Promise<bigint> {
  // inside the install's transaction: a failure must not abort it
  await q.query("SAVEPOINT bellyfed_outbox_start");
  try {
    const r = await q.query("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS lsn");
    await q.query("RELEASE SAVEPOINT bellyfed_outbox_start");
    return BigInt(r.rows[0].lsn) + 1n;
  } catch {
    await q.query("ROLLBACK TO SAVEPOINT bellyfed_outbox_start");
    return BigInt(Date.now()) * 1000n;
  }
}

/**
 * Creates the outbox and the capture trigger on each of `tables` (in the
 * current schema). Idempotent: creates only what is missing. One transaction;
 * call it after a complete load (the loader's COPY must not fill the outbox).
 * Returns the changes made, as short sentences.
 */
export async function installOutbox(q: Queryable, tables: readonly string[]): Promise<string[]> {
  return inTransaction(q, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [INSTALL_LOCK]);
    const schema = (await tx.query("SELECT current_schema() AS s")).rows[0].s as string;
    const s = `${ident(schema)}.`;
    const have = await outboxObjects(tx);
    const changes: string[] = [];
    if (!have.sequence) {
      const start = await startPosition(tx);
      await tx.query(`CREATE SEQUENCE ${s}${OUTBOX_SEQUENCE} START WITH ${start} NO CYCLE`);
      changes.push(`created sequence ${OUTBOX_SEQUENCE} (first position ${start})`);
    }
    if (!have.tables.includes(OUTBOX_STATE_TABLE)) {
      await tx.query(`CREATE TABLE ${s}${OUTBOX_STATE_TABLE} (
        id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        position BIGINT NOT NULL,
        acknowledged_at TIMESTAMPTZ,
        installed_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      // the position before the first number the sequence hands out
      await tx.query(
        `INSERT INTO ${s}${OUTBOX_STATE_TABLE} (position)
         SELECT start_value - 1 FROM pg_sequences WHERE schemaname = $1 AND sequencename = $2`,
        [schema, OUTBOX_SEQUENCE],
      );
      changes.push(`created table ${OUTBOX_STATE_TABLE}`);
    }
    if (!have.tables.includes(OUTBOX_COMMIT_TABLE)) {
      await tx.query(`CREATE TABLE ${s}${OUTBOX_COMMIT_TABLE} (
        seq BIGINT PRIMARY KEY,
        xid XID8 NOT NULL,
        commit_time TIMESTAMPTZ NOT NULL)`);
      changes.push(`created table ${OUTBOX_COMMIT_TABLE}`);
    }
    if (!have.tables.includes(OUTBOX_TABLE)) {
      await tx.query(`CREATE TABLE ${s}${OUTBOX_TABLE} (
        xid XID8 NOT NULL,
        n BIGINT GENERATED ALWAYS AS IDENTITY,
        tbl TEXT NOT NULL,
        op TEXT NOT NULL,
        row JSONB NOT NULL,
        PRIMARY KEY (xid, n))`);
      changes.push(`created table ${OUTBOX_TABLE}`);
    }
    if (!have.functions.includes(OUTBOX_SEAL)) {
      await tx.query(sealFunctionSql(schema));
      await tx.query(`COMMENT ON FUNCTION ${s}${OUTBOX_SEAL}() IS '${FUNCTION_COMMENT}'`);
      await tx.query(
        `CREATE CONSTRAINT TRIGGER ${OUTBOX_SEAL} AFTER INSERT ON ${s}${OUTBOX_TABLE}
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${s}${OUTBOX_SEAL}()`,
      );
      changes.push(`created function and deferred trigger ${OUTBOX_SEAL}`);
    }
    for (const table of tables) {
      if (have.triggers.includes(table)) continue;
      const cols = await tx.query(
        `SELECT attname FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [`${s}${ident(table)}`],
      );
      const fn = captureFunctionName(table);
      if (!have.functions.includes(fn)) {
        await tx.query(
          captureFunctionSql(
            schema,
            table,
            cols.rows.map((r) => r.attname as string),
          ),
        );
        await tx.query(`COMMENT ON FUNCTION ${s}${ident(fn)}() IS '${FUNCTION_COMMENT}'`);
      }
      await tx.query(
        `CREATE TRIGGER ${OUTBOX_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON ${s}${ident(table)}
           FOR EACH ROW EXECUTE FUNCTION ${s}${ident(fn)}()`,
      );
      changes.push(`created trigger ${OUTBOX_TRIGGER} on ${table}`);
    }
    return changes;
  });
}

/**
 * Drops every outbox object in the current schema (triggers, functions,
 * tables, sequence) and nothing else: before a reload, and for `sync reset`.
 * One transaction. Returns the changes made.
 */
export async function uninstallOutbox(q: Queryable): Promise<string[]> {
  return inTransaction(q, dropOutbox);
}

/** uninstallOutbox inside the caller's transaction (`schema reset` drops it with the tables). */
export async function dropOutbox(tx: Queryable): Promise<string[]> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [INSTALL_LOCK]);
  const have = await outboxObjects(tx);
  const changes: string[] = [];
  for (const table of have.triggers) {
    await tx.query(`DROP TRIGGER ${OUTBOX_TRIGGER} ON ${ident(table)}`);
    changes.push(`dropped trigger ${OUTBOX_TRIGGER} on ${table}`);
  }
  for (const name of OUTBOX_TABLES) {
    if (!have.tables.includes(name)) continue;
    await tx.query(`DROP TABLE ${ident(name)}`);
    changes.push(`dropped table ${name}`);
  }
  for (const name of have.functions) {
    await tx.query(`DROP FUNCTION ${ident(name)}()`);
    changes.push(`dropped function ${name}`);
  }
  if (have.sequence) {
    await tx.query(`DROP SEQUENCE ${OUTBOX_SEQUENCE}`);
    changes.push(`dropped sequence ${OUTBOX_SEQUENCE}`);
  }
  return changes;
}

export interface OutboxStatus {
  installed: boolean;
  /** the acknowledged position (everything up to it is applied) */
  position: bigint | null;
  acknowledgedAt: Date | null;
  /** committed transactions after the acknowledged position, and their rows */
  pendingTransactions: number;
  pendingRows: number;
  /** commit time of the oldest unacknowledged transaction */
  oldestPending: Date | null;
}

/** What `sync status` shows of the outbox. */
export async function outboxStatus(q: Queryable): Promise<OutboxStatus> {
  const have = await outboxObjects(q);
  if (!have.tables.includes(OUTBOX_STATE_TABLE) || !have.tables.includes(OUTBOX_COMMIT_TABLE))
    return {
      installed: false,
      position: null,
      acknowledgedAt: null,
      pendingTransactions: 0,
      pendingRows: 0,
      oldestPending: null,
    };
  const r = await q.query(
    `SELECT s.position::text AS position, s.acknowledged_at,
            (SELECT count(*) FROM ${OUTBOX_COMMIT_TABLE} c WHERE c.seq > s.position)::int AS txs,
            (SELECT count(*) FROM ${OUTBOX_TABLE} o JOIN ${OUTBOX_COMMIT_TABLE} c ON c.xid = o.xid
              WHERE c.seq > s.position)::int AS rows,
            (SELECT min(c.commit_time) FROM ${OUTBOX_COMMIT_TABLE} c WHERE c.seq > s.position) AS oldest
       FROM ${OUTBOX_STATE_TABLE} s WHERE s.id = 1`,
  );
  const row = r.rows[0];
  return {
    installed: true,
    position: BigInt(row.position),
    acknowledgedAt: row.acknowledged_at,
    pendingTransactions: row.txs,
    pendingRows: row.rows,
    oldestPending: row.oldest,
  };
}
