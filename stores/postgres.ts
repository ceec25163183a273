import pg from "pg";
import { UsageError } from "../core/errors.ts";
import { counts, running, sent } from "../core/op-clock.ts";
import type { PoolFigures } from "../core/result.ts";
import { backoffMs, sleep } from "./batch-retry.ts";
import { connectWire } from "./pg-wire/connection.ts";
import type { PgTarget, Statement } from "./types.ts";

export type { Statement };

export type IsolationLevel = "read committed" | "repeatable read" | "serializable";

/** The statements of one transaction, all on its one connection: await each before the next. */
export interface PgTx {
  /** runs a prepared statement inside the transaction; returns its rows */
  query<R = Record<string, unknown>>(statement: Statement, params: unknown[]): Promise<R[]>;
}

/** Conflicts a transaction can be retried on, by SQLSTATE. */
export const CONFLICTS = {
  serialization: "40001",
  deadlock: "40P01",
  uniqueViolation: "23505",
} as const;
export type Conflict = keyof typeof CONFLICTS;

/** Retries by cause, for a caller that counts them (plain numbers it owns, e.g. one per scenario). */
export type TxRetries = Record<Conflict, number>;

/** A fresh set of retry counts, all 0. */
export function txRetries(): TxRetries {
  return { serialization: 0, deadlock: 0, uniqueViolation: 0 };
}

export interface TransactionOptions {
  /** `BEGIN ISOLATION LEVEL ...`; default: the session's (PostgreSQL's default is read committed) */
  isolation?: IsolationLevel;
  /** run the whole transaction again, up to this many times, when it fails on a conflict in `retryOn` (default 0) */
  retries?: number;
  /** the conflicts worth retrying (default serialization failures and deadlocks) */
  retryOn?: readonly Conflict[];
  /** incremented per retry, by cause (left alone for warm-up operations) */
  counts?: TxRetries;
  /** backoff before a retry, full jitter below min(cap, base * 2^retry), ms (default 2 and 100) */
  baseMs?: number;
  capMs?: number;
}

/** The small interface a scenario reaches PostgreSQL through. */
export interface PgStore {
  /** runs a prepared statement; returns its rows */
  query<R = Record<string, unknown>>(statement: Statement, params: unknown[]): Promise<R[]>;
  /**
   * Runs `fn` in one transaction on one connection: BEGIN (with the isolation
   * level), fn's prepared statements, COMMIT; resolves with fn's result. If fn
   * or COMMIT fails, the transaction is rolled back and the original error
   * (with its SQLSTATE) is thrown, after up to `retries` fresh attempts on the
   * conflicts in `retryOn`. The operation's send is its first BEGIN.
   */
  transaction<T>(fn: (tx: PgTx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** a raw pool for setup work (reading parameter pools, EXPLAIN); not for the hot path */
  pool: pg.Pool;
  /** pool figures of every call except warm-up operations' (core/op-clock.ts) */
  figures(): PoolFigures;
  close(): Promise<void>;
}

export function pgClientConfig(target: PgTarget): pg.PoolConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: target.password,
    ssl: target.ssl,
  };
}

/**
 * A connection for `fn`, closed after it. Here (not in load/) so a command that
 * only needs a connection does not load the data generators with it.
 */
export async function withClient<T>(
  target: PgTarget,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const c = new pg.Client(pgClientConfig(target));
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Which client runs the hot path: the lean wire client (default) or node-pg. */
export type PgClientKind = "wire" | "node-pg";

export function pgClientKind(env: NodeJS.ProcessEnv = process.env): PgClientKind {
  const v = env.BELLYFED_PG_CLIENT;
  if (v === undefined || v === "" || v === "wire") return "wire";
  if (v === "node-pg") return "node-pg";
  throw new UsageError(
    `BELLYFED_PG_CLIENT=${JSON.stringify(v)} is not a client: use "wire" (the default) or "node-pg"`,
  );
}

const BEGIN: Record<IsolationLevel | "default", Statement> = {
  default: { name: "bellyfed_begin", text: "BEGIN" },
  "read committed": {
    name: "bellyfed_begin_rc",
    text: "BEGIN ISOLATION LEVEL READ COMMITTED",
  },
  "repeatable read": {
    name: "bellyfed_begin_rr",
    text: "BEGIN ISOLATION LEVEL REPEATABLE READ",
  },
  serializable: { name: "bellyfed_begin_s", text: "BEGIN ISOLATION LEVEL SERIALIZABLE" },
};
const COMMIT: Statement = { name: "bellyfed_commit", text: "COMMIT" };
const ROLLBACK: Statement = { name: "bellyfed_rollback", text: "ROLLBACK" };
const NO_PARAMS: unknown[] = [];
const DEFAULT_RETRY_ON: readonly Conflict[] = ["serialization", "deadlock"];

/** The conflict an error is, if it is one of `on`. */
function conflictOf(e: unknown, on: readonly Conflict[]): Conflict | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  for (const c of on) if (CONFLICTS[c] === code) return c;
  return undefined;
}

/** One hot-path connection: a prepared statement in, row objects out. */
interface Conn {
  query<R>(statement: Statement, params: unknown[]): Promise<R[]>;
  /** after `error` from query(): can this connection run the next query? */
  usable(error: unknown): boolean;
  close(): Promise<void>;
}

function nodePgConn(config: pg.ClientConfig, onLost: () => void): Promise<Conn> {
  const c = new pg.Client(config);
  let lost = false;
  c.on("error", () => {
    lost = true;
    onLost();
  });
  return c.connect().then(() => ({
    query: <R>(statement: Statement, params: unknown[]) =>
      c
        .query({ name: statement.name, text: statement.text, values: params })
        .then((res) => res.rows as R[]),
    // an SQL error leaves the connection usable; a FATAL one (terminated backend) or a socket error does not
    usable(e: unknown) {
      if (lost || !(e instanceof pg.DatabaseError)) return false;
      const { code, severity } = e;
      return severity !== "FATAL" && severity !== "PANIC" && !code?.startsWith("08");
    },
    close: () => c.end().catch(() => {}),
  }));
}

/**
 * A PgStore over `connections` dedicated connections: each query takes an
 * idle one from a stack and puts it back, with no pool checkout per query.
 * Connections open on first use; one whose connection fails is dropped and
 * replaced by the next query. The hot path runs on the lean wire client
 * (stores/pg-wire/), which node-pg authenticates; `BELLYFED_PG_CLIENT=node-pg`
 * runs it on node-pg instead. `pool` (two connections) is for setup work only.
 */
export function createPgStore(
  target: PgTarget,
  connections: number,
  kind: PgClientKind = pgClientKind(),
): PgStore {
  const config = pgClientConfig(target);
  const pool = new pg.Pool({ ...config, max: 2, idleTimeoutMillis: 10_000 });
  // An idle client's error (server gone) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const idle: Conn[] = [];
  const waiters: Array<{ resolve: (c: Conn) => void; reject: (e: unknown) => void }> = [];
  const all = new Set<Conn>();
  let opening = 0;
  let closed = false;
  let maxWaiting = 0;
  let waitedMs = 0;
  let acquisitions = 0;
  /** transaction retries by cause (warm-up excluded), in figures() once a transaction could retry */
  const retried: TxRetries = txRetries();
  let retrying = false;

  async function open(): Promise<Conn> {
    opening++;
    try {
      let conn: Conn | undefined;
      const lost = () => {
        if (conn) discard(conn);
      };
      conn = kind === "wire" ? await connectWire(config, lost) : await nodePgConn(config, lost);
      if (closed) {
        // the store was closed while this connection was opening
        await conn.close();
        throw new Error("PgStore is closed");
      }
      all.add(conn);
      return conn;
    } finally {
      opening--;
    }
  }
  function discard(c: Conn): void {
    if (!all.delete(c)) return;
    c.close().catch(() => {});
    // a waiter must not wait for a connection that will never come back: open a replacement
    const next = waiters.shift();
    if (next) open().then(next.resolve, next.reject);
  }
  function release(c: Conn): void {
    if (!all.has(c)) return; // discarded meanwhile: never hand a dead connection to a waiter
    const next = waiters.shift();
    if (next) next.resolve(c);
    else idle.push(c);
  }
  /** `measured`: this acquisition belongs in figures() (not a warm-up operation's) */
  function acquire(measured: boolean): Conn | Promise<Conn> {
    if (closed) return Promise.reject(new Error("PgStore is closed"));
    if (measured) acquisitions++;
    let c = idle.pop();
    while (c && !all.has(c)) c = idle.pop(); // skip connections that died while idle
    if (c) return c;
    if (all.size + opening < connections) return open();
    if (measured && waiters.length + 1 > maxWaiting) maxWaiting = waiters.length + 1;
    const t0 = performance.now();
    return new Promise((resolve, reject) =>
      waiters.push({
        resolve: (conn) => {
          if (measured) waitedMs += performance.now() - t0;
          resolve(conn);
        },
        reject,
      }),
    );
  }

  /**
   * Ends a transaction that did not commit: ROLLBACK on its connection, which
   * then goes back to the idle stack; a connection that cannot roll back (lost,
   * or a statement of fn's still in flight) is discarded instead.
   */
  async function rollback(c: Conn): Promise<void> {
    try {
      await c.query(ROLLBACK, NO_PARAMS);
    } catch {
      discard(c);
      return;
    }
    release(c);
  }

  /** One attempt of a transaction on connection `c`, which it hands back (or discards) before settling. */
  async function attempt<T>(c: Conn, begin: Statement, fn: (tx: PgTx) => Promise<T>): Promise<T> {
    let active = true;
    let failed: unknown = null;
    const tx: PgTx = {
      async query<R>(statement: Statement, params: unknown[]): Promise<R[]> {
        if (!active)
          throw new Error(
            "PgTx: this transaction is over; run its statements inside the transaction's function and await each",
          );
        try {
          return await c.query<R>(statement, params);
        } catch (e) {
          failed ??= e;
          throw e;
        }
      },
    };
    let result: T;
    try {
      await c.query(begin, NO_PARAMS);
      result = await fn(tx);
      // fn caught a failed statement and carried on: PostgreSQL would turn the
      // COMMIT into a silent ROLLBACK, so the statement's error is the outcome
      if (failed !== null) throw failed;
    } catch (e) {
      active = false;
      await rollback(c);
      throw e;
    }
    active = false;
    try {
      await c.query(COMMIT, NO_PARAMS);
    } catch (e) {
      // a refused COMMIT (40001 under serializable, a deferred constraint) has ended
      // the transaction; the ROLLBACK proves the connection is fit to reuse
      await rollback(c);
      throw e;
    }
    release(c);
    return result;
  }

  return {
    pool,
    async transaction<T>(fn: (tx: PgTx) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      // the operation this call belongs to, read before the first await (core/op-clock.ts)
      const t = running.op;
      const measured = counts(t);
      const begin = BEGIN[opts?.isolation ?? "default"];
      const retries = opts?.retries ?? 0;
      if (retries > 0) retrying = true;
      for (let n = 0; ; n++) {
        const c = await acquire(measured);
        // the operation's send is its first BEGIN (a retry's acquire wait is service time)
        sent(t);
        try {
          return await attempt(c, begin, fn);
        } catch (e) {
          const conflict =
            n < retries ? conflictOf(e, opts?.retryOn ?? DEFAULT_RETRY_ON) : undefined;
          if (conflict === undefined) throw e;
          if (measured) {
            retried[conflict]++;
            if (opts?.counts) opts.counts[conflict]++;
          }
          await sleep(backoffMs(n, opts?.baseMs ?? 2, opts?.capMs ?? 100));
        }
      }
    },
    async query<R>(statement: Statement, params: unknown[]): Promise<R[]> {
      // the operation this call belongs to, read before the first await (core/op-clock.ts)
      const t = running.op;
      const c = await acquire(counts(t));
      // service time starts here: the connection is ours and the query goes on the wire
      sent(t);
      try {
        const rows = await c.query<R>(statement, params);
        release(c);
        return rows;
      } catch (e) {
        if (c.usable(e)) release(c);
        else discard(c);
        throw e;
      }
    },
    figures: () => {
      const f: PoolFigures = {
        size: connections,
        maxWaiting,
        meanAcquireMs: acquisitions > 0 ? waitedMs / acquisitions : 0,
      };
      if (retrying) f.retries = { ...retried };
      return f;
    },
    async close() {
      closed = true;
      const gone = new Error("PgStore is closed");
      for (const w of waiters.splice(0)) w.reject(gone);
      for (const c of all) await c.close().catch(() => {});
      all.clear();
      idle.length = 0;
      await pool.end();
    },
  };
}
