import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Catalog } from "../../tuning/catalog.ts";
import type { StatementPlans } from "../../tuning/explain.ts";
import { probeShareFindings, readValueShares } from "../../tuning/rules/probe-share.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("probe_share");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await client.query(`
    CREATE TABLE people (id int PRIMARY KEY, level int);
    INSERT INTO people SELECT g, CASE WHEN g % 10 < 7 THEN 2 WHEN g % 10 < 9 THEN 3 ELSE 4 + g % 5 END
      FROM generate_series(1, 20000) g;
    ANALYZE people;
  `);
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

it("reads a column's most common values with their share of rows from pg_stats", async () => {
  const shares = await readValueShares(client, "people", "level");
  expect(shares[0].value).toBe("2");
  expect(shares[0].share).toBeCloseTo(0.7, 1);
  expect(shares[1].value).toBe("3");
  expect(shares[1].share).toBeCloseTo(0.2, 1);
  expect(await readValueShares(client, "people", "nothing")).toEqual([]);
});

const plans = (shapes: Array<[string, number]>): StatementPlans[] =>
  [
    {
      pattern: "users-by-level",
      statement: "bellyfed_users_by_level",
      samples: shapes.reduce((a, [, n]) => a + n, 0),
      shapes: shapes.map(([shape, count]) => ({ shape, count })),
    },
  ] as unknown as StatementPlans[];

const catalog = {
  indexes: [{ name: "idx_users_career_level", table: "users", keys: ["career_level_id"] }],
} as unknown as Catalog;

it("explains a probe's plans without its index by the share of rows a common value matches", () => {
  const shares = [
    { value: "2", share: 0.733 },
    { value: "3", share: 0.229 },
    { value: "4", share: 0.03 },
  ];
  const mixed = plans([
    ["Limit > Index Scan idx_users_username", 19],
    ["Limit > Sort > Bitmap Heap Scan users > Bitmap Index Scan idx_users_career_level", 1],
  ]);
  const [f, ...rest] = probeShareFindings(mixed, catalog, (t, c) =>
    t === "users" && c === "career_level_id" ? shares : [],
  );
  expect(rest).toEqual([]);
  expect(f).toEqual({
    kind: "planner-skips-index",
    severity: "low",
    table: "users",
    index: "idx_users_career_level",
    pattern: "users-by-level (bellyfed_users_by_level)",
    evidence:
      "idx_users_career_level is in 1 of 20 sampled plans of users-by-level; the others run Limit > Index Scan idx_users_username. career_level_id = 2 matches 73% of users, career_level_id = 3 matches 23% of users (pg_stats): at that share reading the table, or another index in the order asked, is cheaper than the index, so the planner is right to skip it there; the index serves the rarer values.",
    fix: null,
  });
  // every plan used the index: nothing to explain
  expect(
    probeShareFindings(
      plans([["Bitmap Index Scan idx_users_career_level", 20]]),
      catalog,
      () => shares,
    ),
  ).toEqual([]);
  // no value is common: skipping the index is not explained by a share, so no such finding
  expect(probeShareFindings(mixed, catalog, () => [{ value: "2", share: 0.1 }])).toEqual([]);
});
