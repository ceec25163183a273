import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { catalogFindings } from "../../tuning/rules/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** Planted cases in a scratch database: each must come back as a finding with a fix. */
let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("tuning_catalog");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await client.query(`
    CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE NOT NULL);
    CREATE TABLE child (
      id int PRIMARY KEY,
      parent_id int REFERENCES parent(id),
      other_parent_id int REFERENCES parent(id),
      kind text, score int, tags text[],
      UNIQUE (parent_id, kind, score)
    );
    CREATE INDEX plant_dup_a ON child (kind, score);
    CREATE INDEX plant_dup_b ON child (kind, score);
    CREATE INDEX plant_prefix ON child (kind);
    CREATE INDEX plant_by_constraint ON parent (code);
    CREATE INDEX plant_constraint_prefix ON child (parent_id, kind);
    CREATE INDEX not_redundant_desc ON child (kind DESC);
    CREATE INDEX not_redundant_partial ON child (score) WHERE score > 10;
    CREATE INDEX not_redundant_gin ON child USING gin (tags);
  `);
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

describe("catalog findings on planted cases", () => {
  it("finds the duplicate, the prefix-redundant, the constraint-redundant indexes and the unindexed foreign key", async () => {
    const findings = catalogFindings(await readCatalog(client));
    const by = (kind: string) => findings.filter((f) => f.kind === kind);

    expect(by("duplicate-index").map((f) => f.index)).toEqual(["plant_dup_b"]);
    expect(by("duplicate-index")[0].evidence).toContain("plant_dup_a");

    const redundant = Object.fromEntries(by("redundant-index").map((f) => [f.index, f.evidence]));
    expect(Object.keys(redundant).sort()).toEqual([
      "plant_by_constraint",
      "plant_constraint_prefix",
      "plant_prefix",
    ]);
    expect(redundant.plant_by_constraint).toContain("parent_code_key");
    expect(redundant.plant_constraint_prefix).toContain("child_parent_id_kind_score_key");
    expect(redundant.plant_prefix).toContain("plant_dup_a");

    // parent_id is the leading column of the UNIQUE constraint's index: supported
    const fks = by("unindexed-foreign-key");
    expect(fks.map((f) => f.evidence.split(" ")[2])).toEqual(["child_other_parent_id_fkey"]);
    expect(fks[0].fix).toBe(
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_child_other_parent_id ON public.child (other_parent_id);",
    );

    // a DESC key, a partial index and a GIN index are not flagged
    const named = findings.map((f) => f.index);
    for (const n of ["not_redundant_desc", "not_redundant_partial", "not_redundant_gin"])
      expect(named).not.toContain(n);
    // constraint indexes are never proposed for dropping
    expect(named).not.toContain("child_parent_id_kind_score_key");
    expect(named).not.toContain("parent_code_key");
  });
});
