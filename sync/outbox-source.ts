import pg from "pg";
import { UsageError } from "../core/errors.ts";
import { READ_MODEL_SOURCE_TABLES } from "../load/read-models.ts";
import {
  installOutbox,
  OUTBOX_COMMIT_TABLE,
  OUTBOX_LOCK_CLASS,
  OUTBOX_LOCK_ID,
  OUTBOX_SEQUENCE,
  OUTBOX_STATE_TABLE,
  OUTBOX_TABLE,
  type Queryable,
  readPgMarker,
} from "../schema/index.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { PgTarget } from "../stores/types.ts";
import type { ChangeSource, CommittedTx, RowChange } from "./source.ts";

/**
 * The change source over the transactional outbox (schema/postgres/outbox.ts
 * has the objects and why their order is commit order): polls
 * `bellyfed_outbox_commit` for transactions numbered after the last one
 * handed over, and hands each one over with its rows in the order they were
 * written. Position = the transaction's commit number (strictly increasing
 * in commit order). Acknowledging records the position in
 * `bellyfed_outbox_state` and deletes the delivered rows, in one statement;
 * a new source (after a crash or a restart) starts after the acknowledged
 * position, so delivery is at least once.
 */

export interface OutboxSourceOptions {
  target: PgTarget;
  /** wait between polls that found fewer than `batch` transactions (default 50 ms) */
  pollMs?: number;
  /** transactions read per poll (default 500) */
  batch?: number;
}

const FETCH_SQL = `
SELECT c.seq::text AS seq, c.commit_time, o.tbl, o.op, o.row
  FROM (SELECT seq, xid, commit_time FROM ${OUTBOX_COMMIT_TABLE}
         WHERE seq > $1::bigint ORDER BY seq LIMIT $2) c
  JOIN ${OUTBOX_TABLE} o ON o.xid = c.xid
 ORDER BY c.seq, o.n`;

const ACK_SQL = `
WITH s AS (UPDATE ${OUTBOX_STATE_TABLE}
              SET position = GREATEST(position, $1::bigint), acknowledged_at = now()
            WHERE id = 1 RETURNING position),
     d AS (DELETE FROM ${OUTBOX_TABLE} o USING ${OUTBOX_COMMIT_TABLE} c
            WHERE c.seq <= $1::bigint AND o.xid = c.xid RETURNING 1),
     t AS (DELETE FROM ${OUTBOX_COMMIT_TABLE} WHERE seq <= $1::bigint RETURNING 1)
SELECT (SELECT position FROM s)::text AS position,
       (SELECT count(*) FROM d)::int AS rows, (SELECT count(*) FROM t)::int AS txs`;

interface FetchedRow {
  seq: string;
  commit_time: Date;
  tbl: string;
  op: RowChange["op"];
  row: Record<string, string | null>;
}

/** Rows of consecutive transactions (ordered by seq, then by write order) as transactions. */
export function groupTransactions(rows: readonly FetchedRow[]): CommittedTx[] {
  const out: CommittedTx[] = [];
  let last: CommittedTx | undefined;
  let lastSeq = "";
  for (const r of rows) {
    if (last === undefined || r.seq !== lastSeq) {
      last = { position: BigInt(r.seq), commitTime: r.commit_time, changes: [] };
      lastSeq = r.seq;
      out.push(last);
    }
    last.changes.push({ table: r.tbl, op: r.op, row: r.row });
  }
  return out;
}

/**
 * Installs the outbox on the tables the read models read, once the database
 * holds a complete load (the loader uninstalls it before it copies, so its
 * COPY never fills the outbox). Returns the changes made ([] when installed).
 */
export async function ensureOutbox(q: Queryable): Promise<string[]> {
  const marker = await readPgMarker(q);
  if (marker?.load?.status !== "complete") {
    const db = (await q.query("SELECT current_database() AS db")).rows[0].db;
    throw new UsageError(
      `database ${db} holds no complete bellyfed-bench load, and the outbox captures changes after one; load data first: bellyfed-bench load --scale small`,
    );
  }
  return installOutbox(q, READ_MODEL_SOURCE_TABLES);
}

/** The acknowledged position, or a UsageError when the outbox is not installed. */
export async function acknowledgedPosition(q: Queryable): Promise<bigint> {
  const r = await q.query(
    `SELECT to_regclass($1) IS NOT NULL AS present, current_database() AS db`,
    [OUTBOX_STATE_TABLE],
  );
  if (!r.rows[0].present)
    throw new UsageError(
      `the outbox is not installed in database ${r.rows[0].db}; the sync installs it after a complete load: bellyfed-bench sync`,
    );
  const s = await q.query(`SELECT position::text AS position FROM ${OUTBOX_STATE_TABLE}`);
  return BigInt(s.rows[0].position);
}

export class OutboxSource implements ChangeSource {
  readonly kind = "outbox";
  private readonly pool: pg.Pool;
  private readonly pollMs: number;
  private readonly batch: number;
  private stopping = false;
  private applying = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  /** the highest mark handed out, and the highest the loop has caught up with */
  private marked = 0n;
  private seenMark = 0n;

  constructor(opts: OutboxSourceOptions) {
    this.pollMs = opts.pollMs ?? 50;
    this.batch = opts.batch ?? 500;
    // one connection polls, one acknowledges (the projector acknowledges while the next poll runs)
    this.pool = new pg.Pool({ ...pgClientConfig(opts.target), max: 2 });
    this.pool.on("error", () => {});
  }

  start(apply: (tx: CommittedTx) => Promise<void>): Promise<void> {
    if (this.loop) throw new Error("the outbox source is already started");
    this.loop = this.run(apply).finally(() => {
      if (this.stopping) this.close();
    });
    return this.loop;
  }

  private async run(apply: (tx: CommittedTx) => Promise<void>): Promise<void> {
    let cursor = await acknowledgedPosition(this.pool);
    while (!this.stopping) {
      // every number up to a mark taken before this fetch is final: a short batch covers it
      const horizon = this.marked;
      const res = await this.pool.query(FETCH_SQL, [cursor.toString(), this.batch]).catch((e) => {
        const code = (e as { code?: string }).code;
        // 42P01 undefined_table: a reload or `sync reset` dropped the outbox under the sync
        if (code === "42P01")
          throw new UsageError(
            "the outbox was dropped while the sync read it (a reload or sync reset); start the sync again: bellyfed-bench sync",
          );
        // 40P01 deadlock_detected: the fetch was chosen to give way (to a DROP of the
        // outbox, say); it reads only, so the next poll asks again
        if (code === "40P01") return null;
        throw e;
      });
      if (res === null) {
        if (!this.stopping) await this.sleep();
        continue;
      }
      const txs = groupTransactions(res.rows);
      for (const tx of txs) {
        if (this.stopping) return;
        this.applying = true;
        try {
          await apply(tx);
        } finally {
          this.applying = false;
        }
        cursor = tx.position;
      }
      if (txs.length < this.batch) {
        // bigints: no Math.max
        if (cursor > this.seenMark) this.seenMark = cursor;
        if (horizon > this.seenMark) this.seenMark = horizon;
        if (!this.stopping) await this.sleep();
      }
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, this.pollMs);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /**
   * A mark: the highest commit number handed out, read under the commit lock
   * (so every transaction with a number up to it has ended). `seen()` reaching
   * it means every transaction committed before the call has been handed over.
   * The lock waits for the commits in flight, a moment for the writers.
   */
  async mark(): Promise<bigint> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      await c.query("SELECT pg_advisory_xact_lock($1, $2)", [OUTBOX_LOCK_CLASS, OUTBOX_LOCK_ID]);
      const r = await c.query(`SELECT last_value::text AS v, is_called FROM ${OUTBOX_SEQUENCE}`);
      await c.query("COMMIT");
      const v = BigInt(r.rows[0].v) - (r.rows[0].is_called ? 0n : 1n);
      if (v > this.marked) this.marked = v;
      return v;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** The highest mark (or position) the source has caught up with. */
  seen(): bigint {
    return this.seenMark;
  }

  async acknowledge(position: bigint): Promise<void> {
    await this.pool.query(ACK_SQL, [position.toString()]);
  }

  /**
   * Stops polling. Called from outside `apply`, it waits for the loop to end
   * and closes the connections; called from inside `apply`, the loop ends
   * when that `apply` returns. Acknowledge before stopping.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.applying) return;
    await this.loop?.catch(() => {});
    await this.close();
  }

  private close(): Promise<void> {
    this.closed ??= this.pool.end().catch(() => {});
    return this.closed;
  }
}
