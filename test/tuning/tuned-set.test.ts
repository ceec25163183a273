import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyPgSchema,
  listIndexes,
  listIndexSets,
  loadIndexSet,
  readPgMarker,
} from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { catalogFindings } from "../../tuning/rules/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** The committed proposal, schema/index-sets/tuned.sql: a set like any other, free of the seed's overlaps. */
let stores: Scratch;
let pool: pg.Pool;

beforeAll(async () => {
  stores = await scratchStores("tuning_tuned");
  pool = new pg.Pool(pgClientConfig(stores.pg));
});

afterAll(async () => {
  await pool?.end();
  await stores?.cleanup();
});

it("is listed, applies as the active set, and has no duplicate or redundant index", async () => {
  expect(listIndexSets()).toContain("tuned");
  const set = loadIndexSet("tuned");
  const names = set.indexes.map((i) => i.name);
  expect(names).not.toContain("idx_users_username");
  expect(names).not.toContain("idx_rankings_user");
  expect(names).toContain("idx_user_badges_user_id");

  await applyPgSchema(pool, { indexSet: "tuned" });
  expect((await readPgMarker(pool))?.indexSet).toBe("tuned");
  const present = (await listIndexes(pool)).filter((i) => i.set === "tuned").map((i) => i.name);
  expect(present.sort()).toEqual([...names].sort());
  const overlaps = catalogFindings(await readCatalog(pool)).filter(
    (f) => f.kind === "duplicate-index" || f.kind === "redundant-index",
  );
  expect(overlaps).toEqual([]);
});
