import pg from "pg";
import type { PoolFigures } from "../engine/result.ts";
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

export function createPgStore(target: PgTarget, connections: number): PgStore {
  const pool = new pg.Pool({ ...pgClientConfig(target), max: connections, idleTimeoutMillis: 0 });
  // An idle client's error (server gone) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  let maxWaiting = 0;
  return {
    pool,
    async query<R>(statement: Statement, params: unknown[]): Promise<R[]> {
      if (pool.waitingCount > maxWaiting) maxWaiting = pool.waitingCount;
      const res = await pool.query({ name: statement.name, text: statement.text, values: params });
      return res.rows as R[];
    },
    figures: () => ({ size: connections, maxWaiting, meanAcquireMs: 0 }),
    close: () => pool.end(),
  };
}
