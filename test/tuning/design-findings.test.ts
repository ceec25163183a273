import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyPgSchema } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { catalogFindings } from "../../tuning/rules/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** The design's schema with the seed index set: every overlap and unindexed FK it has. */
let stores: Scratch;
let pool: pg.Pool;

beforeAll(async () => {
  stores = await scratchStores("tuning_design");
  pool = new pg.Pool(pgClientConfig(stores.pg));
  await applyPgSchema(pool, { indexSet: "seed" });
});

afterAll(async () => {
  await pool?.end();
  await stores?.cleanup();
});

it("flags the seed set's redundant indexes and the design's unindexed foreign keys", async () => {
  const findings = catalogFindings(await readCatalog(pool));
  const redundant = findings.filter((f) => f.kind === "redundant-index");
  expect(Object.fromEntries(redundant.map((f) => [f.index, f.severity]))).toEqual({
    idx_users_username: "high", // same keys as UNIQUE(username)
    idx_rankings_user_dish_type: "high", // prefix of UNIQUE(user_id, dish_type, restaurant_id, rank)
    idx_rankings_user: "high", // prefix of the same constraint's index
  });
  expect(findings.filter((f) => f.kind === "duplicate-index")).toEqual([]);
  const fks = findings
    .filter((f) => f.kind === "unindexed-foreign-key")
    .map((f) => f.evidence.split(" ")[2])
    .sort();
  expect(fks).toEqual([
    "comments_review_id_fkey",
    "comments_user_id_fkey",
    "follows_followed_id_fkey",
    "reviews_dish_id_fkey",
    "reviews_user_id_fkey",
    "user_activity_points_user_id_fkey",
    "user_badges_badge_id_fkey",
    "user_badges_user_id_fkey",
  ]);
});
