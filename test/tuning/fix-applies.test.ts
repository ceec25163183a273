import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { catalogFindings } from "../../tuning/rules/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** Every catalog finding's fix runs as written, and afterwards the finding is gone. */
let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("tuning_fix");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await client.query(`
    CREATE TABLE "order" (id int PRIMARY KEY, ref text UNIQUE);
    CREATE TABLE line (id int PRIMARY KEY, order_id int REFERENCES "order"(id), "user" text);
    CREATE INDEX line_user_a ON line ("user");
    CREATE INDEX line_user_b ON line ("user");
    CREATE INDEX order_ref ON "order" (ref);
    INSERT INTO "order" SELECT g, 'r' || g FROM generate_series(1, 100) g;
    INSERT INTO line SELECT g, 1 + g % 100, 'u' || (g % 7) FROM generate_series(1, 1000) g;
  `);
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

it("applies each fix statement cleanly (outside a transaction, CONCURRENTLY) and leaves no finding", async () => {
  const before = catalogFindings(await readCatalog(client));
  expect(before.map((f) => f.kind).sort()).toEqual([
    "duplicate-index",
    "redundant-index",
    "unindexed-foreign-key",
  ]);
  for (const f of before) {
    expect(f.fix).not.toBeNull();
    await client.query(f.fix!);
  }
  expect(catalogFindings(await readCatalog(client))).toEqual([]);
  const names = (
    await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'line'")
  ).rows
    .map((r) => r.indexname)
    .sort();
  expect(names).toEqual(["idx_line_order_id", "line_pkey", "line_user_a"]);
});
