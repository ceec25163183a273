import pg from "pg";
import { describe, expect, it } from "vitest";
import { listIndexSets, loadIndexSet, parseIndexSet } from "../../schema/index-sets/index-sets.ts";
import { applyIndexSet, applyPgSchema, dropIndexSet } from "../../schema/postgres/apply.ts";
import { readPgMarker } from "../../stores/markers.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { withSchemaDb } from "../helpers/schema-db.ts";

/** name -> oid of the non-constraint indexes on the design's tables */
async function setIndexes(): Promise<Map<string, number>> {
  const res = await db.client.query(
    `SELECT c.relname, c.oid::int AS oid
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE c.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        AND x.indrelid::regclass::text <> 'bellyfed_bench_marker'`,
  );
  return new Map(res.rows.map((r) => [r.relname, r.oid]));
}

const ALT = parseIndexSet(
  "alt",
  `-- keeps one seed index, adds one for the feed
   CREATE INDEX idx_users_username ON users(username);
   CREATE INDEX idx_reviews_user_created ON reviews (user_id, created_at DESC);`,
);

const db = withSchemaDb("schema-index-sets");

describe("index sets", () => {
  it("lists the set files and names them in the error for an unknown set", () => {
    expect(listIndexSets()).toContain("seed");
    expect(loadIndexSet("seed").indexes).toHaveLength(12);
    expect(() => loadIndexSet("nope")).toThrow(/unknown index set 'nope'; available: .*seed/);
  });

  it("rejects a set file that holds something other than CREATE INDEX", () => {
    expect(() => parseIndexSet("bad", "DROP TABLE users;")).toThrow(/not a plain CREATE INDEX/);
    expect(() => parseIndexSet("empty", "-- nothing\n")).toThrow(/holds no CREATE INDEX/);
  });

  it("swaps sets: drops what the new set lacks, keeps what both share, creates the rest", async () => {
    const before = await setIndexes();
    expect(before.size).toBe(12);
    const changes = await applyIndexSet(db.client, ALT);
    const after = await setIndexes();
    expect([...after.keys()].sort()).toEqual(["idx_reviews_user_created", "idx_users_username"]);
    // the shared index was not rebuilt
    expect(after.get("idx_users_username")).toBe(before.get("idx_users_username"));
    expect(changes.filter((c) => c.startsWith("dropped index"))).toHaveLength(11);
    expect(changes).toContain("created index idx_reviews_user_created");
    expect((await readPgMarker(db.client))?.indexSet).toBe("alt");
    expect(await applyIndexSet(db.client, ALT)).toEqual([]);
  });

  it("swaps back to seed and then reports no change", async () => {
    await applyIndexSet(db.client, "seed");
    const names = [...(await setIndexes()).keys()].sort();
    expect(names).toEqual(
      loadIndexSet("seed")
        .indexes.map((i) => i.name)
        .sort(),
    );
    expect((await readPgMarker(db.client))?.indexSet).toBe("seed");
    expect(await applyPgSchema(db.client)).toEqual([]);
  });

  it("rebuilds an index whose definition in the set changed", async () => {
    const changed = parseIndexSet(
      "seed2",
      loadIndexSet("seed")
        .indexes.map((i) =>
          i.name === "idx_dishes_type"
            ? "CREATE INDEX idx_dishes_type ON dishes(dish_type, name)"
            : i.sql,
        )
        .join(";\n"),
    );
    const changes = await applyIndexSet(db.client, changed);
    expect(changes).toContain("dropped index idx_dishes_type (set seed)");
    expect(changes).toContain("created index idx_dishes_type");
    const def = await db.client.query(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_dishes_type'",
    );
    expect(def.rows[0].indexdef).toMatch(/\(dish_type, name\)$/);
  });

  it("drops every set index for a bulk load and leaves constraint indexes alone", async () => {
    await dropIndexSet(db.client);
    expect((await setIndexes()).size).toBe(0);
    const pk = await db.client.query("SELECT 1 FROM pg_indexes WHERE indexname = 'users_pkey'");
    expect(pk.rows).toHaveLength(1);
    expect((await readPgMarker(db.client))?.indexSet).toBeNull();
    await applyIndexSet(db.client, "seed");
    expect((await setIndexes()).size).toBe(12);
  });
});

describe("index sets on a pool", () => {
  it("builds a set's indexes in parallel on several connections", async () => {
    const pool = new pg.Pool({ ...pgClientConfig(db.scratch.pg), max: 3 });
    try {
      await dropIndexSet(pool);
      const changes = await applyIndexSet(pool, "seed", { concurrency: 3 });
      expect(changes.filter((c) => c.startsWith("created index"))).toHaveLength(12);
      expect((await setIndexes()).size).toBe(12);
      expect(await applyIndexSet(pool, "seed", { concurrency: 3 })).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
