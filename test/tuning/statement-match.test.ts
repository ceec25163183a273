import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import {
  diffStatements,
  matchStatement,
  settleStats,
  snapshotStatements,
  statementsAvailable,
} from "../../tuning/stats.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** pg_stat_statements blanks a prepared statement's constants; the pattern's text still finds its row. */
let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("tuning_pss");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await client.query("CREATE TABLE t (id int PRIMARY KEY, tags text[], note text)");
  await client.query("INSERT INTO t SELECT g, ARRAY['a'], 'n' FROM generate_series(1, 100) g");
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

it("diffs a snapshot around the calls and matches the statement with its literals", async () => {
  expect(await statementsAvailable(client)).toEqual({ ok: true });
  const text = `SELECT id, coalesce(note, '[]') AS n, 1.5 AS f FROM t
     LEFT JOIN LATERAL (SELECT 1 AS one) x ON true WHERE id = $1 AND tags @> ARRAY['a'] LIMIT 10`;
  const before = await snapshotStatements(client);
  for (let i = 1; i <= 7; i++) await client.query({ name: "tuning_match", text, values: [i] });
  await settleStats(client);
  const deltas = diffStatements(before, await snapshotStatements(client));
  const row = matchStatement(deltas, text);
  expect(row?.calls).toBe(7);
  expect(row?.rows).toBe(7);
  expect(row?.meanMs).toBeGreaterThan(0);
});
