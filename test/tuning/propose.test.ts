import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyIndexSet,
  applyPgSchema,
  listIndexes,
  loadIndexSet,
  parseIndexSet,
} from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Candidate } from "../../tuning/candidates.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { proposeSet, saveSet } from "../../tuning/propose.ts";
import { catalogFindings } from "../../tuning/rules/index.ts";
import type { WhatIfResult } from "../../tuning/whatif.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** The proposed set drops what the findings say, adds what the what-if showed, and applies as an index set. */
let stores: Scratch;
let pool: pg.Pool;

beforeAll(async () => {
  stores = await scratchStores("tuning_propose");
  pool = new pg.Pool(pgClientConfig(stores.pg));
  await applyPgSchema(pool, { indexSet: "seed" });
});

afterAll(async () => {
  await pool?.end();
  await stores?.cleanup();
});

function outcome(c: Candidate, before: number, after: number, used: boolean): WhatIfResult {
  return {
    candidate: c,
    mode: "real",
    sizeBytes: 8192,
    outcomes: [
      {
        pattern: c.patterns[0],
        statement: "s",
        costBefore: before,
        costDropsOnly: before,
        costAfter: after,
        usesIndex: used,
      },
    ],
  };
}

it("writes a set the loader accepts, which schema apply makes active", async () => {
  const catalog = await readCatalog(pool);
  const findings = catalogFindings(catalog);
  const helps: Candidate = {
    name: "idx_reviews_user_id_created_at",
    table: "reviews",
    method: "btree",
    keys: ["user_id", "created_at DESC"],
    patterns: ["feed"],
    reason: "sort",
  };
  const useless: Candidate = {
    ...helps,
    name: "idx_comments_content",
    table: "comments",
    keys: ["content"],
  };
  const marginal: Candidate = {
    ...helps,
    name: "idx_users_location",
    table: "users",
    keys: ["location"],
  };
  const dir = mkdtempSync(join(tmpdir(), "bb-sets-"));
  const proposed = proposeSet(
    "tuned-test",
    loadIndexSet("seed"),
    catalog,
    findings,
    [
      outcome(helps, 1000, 40, true),
      outcome(useless, 1000, 1000, false),
      outcome(marginal, 1000, 900, true),
    ],
    dir,
  );
  expect(proposed.dropped.map((d) => d.name).sort()).toEqual([
    "idx_rankings_user",
    "idx_rankings_user_dish_type",
    "idx_users_username",
  ]);
  expect(proposed.added.map((a) => a.name)).toEqual(["idx_reviews_user_id_created_at"]);
  expect(proposed.missingFile).toBe(true);
  saveSet(proposed);
  const set = parseIndexSet("tuned-test", readFileSync(join(dir, "tuned-test.sql"), "utf8"));
  expect(set.indexes).toHaveLength(12 - 3 + 1);

  const changes = await applyIndexSet(pool, set);
  expect(changes).toContain("created index idx_reviews_user_id_created_at");
  expect(changes).toContain("dropped index idx_users_username (set seed)");
  const names = (await listIndexes(pool)).filter((i) => i.set === "tuned-test").map((i) => i.name);
  expect(names.sort()).toEqual(set.indexes.map((i) => i.name).sort());
  // the design's constraint indexes are untouched
  expect((await listIndexes(pool)).map((i) => i.name)).toContain("users_username_key");
});
