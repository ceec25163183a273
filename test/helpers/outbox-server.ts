import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import {
  applyPgSchema,
  markLoadComplete,
  markLoadStarted,
  TABLES_IN_LOAD_ORDER,
} from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { PgTarget } from "../../stores/types.ts";
import { ensureOutbox, OutboxSource } from "../../sync/outbox-source.ts";
import type { CommittedTx } from "../../sync/source.ts";
import { type Pg15, startPg15 } from "./pg15.ts";

/**
 * A server without logical decoding for the outbox tests: Debian's
 * PostgreSQL 15 with wal_level=replica (and commit timestamps, the tests'
 * independent witness of commit order), a database `bench` holding the
 * design's tables (no rows: the tests write their own), marked as a complete
 * load, with the outbox installed.
 */
export interface OutboxServer {
  server: Pg15;
  /** the `bench` database, as the harness's superuser */
  target: PgTarget;
  /** a client on `bench` */
  client: pg.Client;
  /** a new connected client on `bench` (ended by stop()) */
  connect(): Promise<pg.Client>;
  /** the same, as another role (trust authentication) */
  connectAs(user: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export async function startOutboxServer(
  opts: { install?: boolean; settings?: Record<string, string> } = {},
): Promise<OutboxServer> {
  const server = await startPg15({
    settings: { wal_level: "replica", track_commit_timestamp: "on", ...opts.settings },
  });
  const admin = new pg.Client(pgClientConfig(server.target));
  await admin.connect();
  await admin.query("CREATE DATABASE bench");
  await admin.end();
  const target: PgTarget = {
    ...server.target,
    database: "bench",
    description: `${server.target.description}/bench`,
  };
  const clients: pg.Client[] = [];
  const connectAs = async (user: string) => {
    const c = new pg.Client(pgClientConfig({ ...target, user }));
    c.on("error", () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  const connect = () => connectAs(target.user);
  const client = await connect();
  await applyPgSchema(client, { withForeignKeys: false, withIndexes: false });
  await markLoadStarted(client, { scale: "outbox-test", seed: 1 });
  await markLoadComplete(client, {
    rowCounts: Object.fromEntries(TABLES_IN_LOAD_ORDER.map((t) => [t, 0])),
  });
  if (opts.install !== false) await ensureOutbox(client);
  return {
    server,
    target,
    client,
    connect,
    connectAs,
    async stop() {
      for (const c of clients) await c.end().catch(() => {});
      await server.stop();
    },
  };
}

/**
 * Starts an OutboxSource on `target` that collects what it hands over;
 * waitFor(n) waits until n transactions came (at most `ms`), stop() stops it
 * and waits for its loop.
 */
export function follow(
  target: PgTarget,
  opts: { apply?: (tx: CommittedTx) => Promise<void> } = {},
): {
  source: OutboxSource;
  txs: CommittedTx[];
  waitFor(n: number, ms?: number): Promise<void>;
  stop(): Promise<void>;
} {
  const txs: CommittedTx[] = [];
  const source = new OutboxSource({ target, pollMs: 10 });
  const run = source.start(async (tx) => {
    await opts.apply?.(tx);
    txs.push(tx);
  });
  // stop() reports how the loop ended; until then a failure is not unhandled
  run.catch(() => {});
  return {
    source,
    txs,
    async waitFor(n, ms = 10_000) {
      const end = Date.now() + ms;
      while (txs.length < n) {
        if (Date.now() > end)
          throw new Error(`the source handed over ${txs.length} transactions, expected ${n}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await source.stop();
      await run;
    },
  };
}

export const USER_ROW = `INSERT INTO users (user_id, email, username, password_hash)
  VALUES (gen_random_uuid(), $1 || '@example.com', $1, 'x') RETURNING user_id::text`;

/** One outbox server for a test file: started before its tests, stopped after. Read `.current` in a test. */
export function outboxServerPerFile(opts: Parameters<typeof startOutboxServer>[0] = {}): {
  current: OutboxServer;
} {
  const box = {} as { current: OutboxServer };
  beforeAll(async () => {
    box.current = await startOutboxServer(opts);
  }, 60_000);
  afterAll(async () => {
    await box.current?.stop();
  });
  return box;
}
