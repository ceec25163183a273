import pg from "pg";
import { counts, running, sent } from "../core/op-clock.ts";
import type { PoolFigures } from "../engine/result.ts";
import { UsageError } from "../scripts/lib/errors.ts";
import { connectWire } from "./pg-wire/connection.ts";
import type { PgTarget } from "./types.ts";

/** A named, parameterized statement: node-pg prepares it once per connection. */
export interface Statement {
  name: string;
  text: string;
}

/** The small interface a scenario reaches PostgreSQL through. */
export interface PgStore {
  /** runs a prepared statement; returns its rows */
  query<R = Record<string, unknown>>(statement: Statement, params: unknown[]): Promise<R[]>;
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

  return {
    pool,
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
    figures: () => ({
      size: connections,
      maxWaiting,
      meanAcquireMs: acquisitions > 0 ? waitedMs / acquisitions : 0,
    }),
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
