import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load } from "../../load/index.ts";
import { FOREIGN_KEYS, loadIndexSet } from "../../schema/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { expectedCounts, rowCounts, withPg } from "./support.ts";

describe("load tiny into PostgreSQL with every constraint on", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_constraints");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("succeeds, every foreign key is validated, and the counts match the scale", async () => {
    const summary = await load({
      scale: "tiny",
      seed: 7,
      only: "pg",
      endpoints: s,
      progressOut: null,
    });
    expect(summary.pg.action).toBe("loaded");
    const expected = expectedCounts("tiny", 7);
    expect(summary.pg.rowCounts).toEqual(expected);
    await withPg(s.pg, async (c) => {
      expect(await rowCounts(c)).toEqual(expected);
      // the 14 foreign keys exist and were validated against the loaded rows
      const fks = await c.query(
        "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' ORDER BY conname",
      );
      expect(fks.rows.map((r) => r.conname).sort()).toEqual(FOREIGN_KEYS.map((f) => f.name).sort());
      expect(fks.rows.every((r) => r.convalidated === true)).toBe(true);
      // primary keys and UNIQUE constraints stayed on during the COPY
      const uniques = await c.query(
        "SELECT count(*)::int AS n FROM pg_constraint WHERE contype IN ('p', 'u') AND connamespace = current_schema()::regnamespace",
      );
      expect(uniques.rows[0].n).toBeGreaterThanOrEqual(11 + 4);
      // the index set is built and recorded
      const names = (await c.query("SELECT indexname FROM pg_indexes")).rows.map(
        (r) => r.indexname,
      );
      for (const ix of loadIndexSet("seed").indexes) expect(names).toContain(ix.name);
      const marker = await c.query("SELECT index_set, load_status FROM bellyfed_bench_marker");
      expect(marker.rows[0]).toEqual({ index_set: "seed", load_status: "complete" });
      // statistics exist (ANALYZE ran)
      const analyzed = await c.query(
        "SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL",
      );
      expect(analyzed.rows[0].n).toBe(11);
      // the serial sequences continue after the explicit reference ids
      const next = await c.query("SELECT nextval('badges_badge_id_seq')::int AS id");
      expect(next.rows[0].id).toBe(expected.badges + 1);
    });
  });
});
