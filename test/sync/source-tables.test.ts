import { expect, it } from "vitest";
import { READ_MODEL_SOURCE_TABLES, READ_MODELS } from "../../load/read-models.ts";
import { TABLES_IN_LOAD_ORDER } from "../../schema/index.ts";

/**
 * The tables the sync captures (READ_MODEL_SOURCE_TABLES) are exactly the
 * design's tables the read models' SQL reads: a table added to a read model
 * and not captured would leave its items stale.
 */
it("captures exactly the tables the read models' SQL reads", () => {
  const design = new Set<string>(TABLES_IN_LOAD_ORDER);
  const read = new Set<string>();
  for (const m of READ_MODELS)
    for (const hit of m.sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)/gi))
      if (design.has(hit[1])) read.add(hit[1]);
  expect([...read].sort()).toEqual([...READ_MODEL_SOURCE_TABLES].sort());
  expect(read.size).toBe(6);
});
