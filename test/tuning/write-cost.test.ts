import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyPgSchema } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { measureInsertRate } from "../../tuning/write-cost.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** The insert-rate probe copies rows past every UNIQUE constraint, and leaves the table as it was. */
let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("tuning_write");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await applyPgSchema(client, { indexSet: "seed" });
  await client.query(`
    INSERT INTO users (user_id, email, username, password_hash)
      SELECT gen_random_uuid(), 'u' || g || '@x.test', 'user' || g, 'h' FROM generate_series(1, 200) g;
    INSERT INTO restaurants (restaurant_id, name, city) SELECT gen_random_uuid(), 'r' || g, 'c' FROM generate_series(1, 10) g;
    INSERT INTO dishes (dish_id, restaurant_id, name, dish_type)
      SELECT gen_random_uuid(), r.restaurant_id, 'd', 'ramen' FROM restaurants r;
    INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank)
      SELECT gen_random_uuid(), u.user_id, d.dish_id, 'ramen', d.restaurant_id, 1
        FROM (SELECT user_id FROM users LIMIT 100) u CROSS JOIN LATERAL (SELECT * FROM dishes LIMIT 1) d;
  `);
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

it("inserts copies into tables with UNIQUE constraints and rolls them back", async () => {
  for (const [table, rows] of [
    ["users", 200],
    ["dish_rankings", 100],
  ] as const) {
    const before = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    const rate = await measureInsertRate(client, table, rows);
    expect(rate?.rowsInserted, table).toBe(rows);
    expect(rate?.rowsPerSecond, table).toBeGreaterThan(0);
    expect(rate?.indexes, table).toBeGreaterThanOrEqual(2);
    const after = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    expect(after, table).toBe(before);
  }
  // career_levels has a serial key, not a uuid: not measured
  expect(await measureInsertRate(client, "career_levels", 10)).toBeNull();
});
