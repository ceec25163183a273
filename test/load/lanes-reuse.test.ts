import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, resolveScale } from "../../generators/core.ts";
import { runLanes, sharedDataset } from "../../load/lanes.ts";
import { LANE_SESSION } from "../../load/pg-loader.ts";
import { applyPgSchema } from "../../schema/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { withPg } from "./support.ts";

/**
 * Lanes reuse a chunk's Buffer once the COPY stream is done with it. With
 * 16 KB chunks (the socket's high-water mark) nearly every chunk is reused
 * many times over; the rows in PostgreSQL must still be exactly the rows
 * COPYed from fresh Buffers in one stream.
 */
describe("loader lanes reusing chunk Buffers", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("lanes_reuse");
    await withPg(s.pg, (c) => applyPgSchema(c, { withForeignKeys: false, withIndexes: false }));
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("put the same rows into PostgreSQL as fresh Buffers do", async () => {
    const config = resolveScale({ scale: "tiny", seed: 9 });
    const tables = ["follows", "reviews", "restaurants"] as const;
    const tasks = tables.map((table) => ({ table, from: 0, to: new Dataset(config).count(table) }));
    await runLanes({
      lanes: 2,
      init: { config, pg: s.pg, session: LANE_SESSION, chunkBytes: 16 * 1024 },
      tasks,
    });
    const ds = sharedDataset(config).dataset;
    const { from: copyFrom } = await import("pg-copy-streams");
    const { finished } = await import("node:stream/promises");
    await withPg(s.pg, async (c) => {
      for (const table of tables) {
        const g = ds.table(table);
        await c.query(`CREATE TABLE ref_${table} (LIKE ${table})`);
        const sink = c.query(copyFrom(`COPY ref_${table} (${g.columns.join(", ")}) FROM STDIN`));
        for (const chunk of g.chunks(0, g.count(), 16 * 1024)) sink.write(chunk);
        sink.end();
        await finished(sink);
        const digest = async (t: string) =>
          (
            await c.query(
              `SELECT count(*)::int AS n, md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS h FROM ${t} x`,
            )
          ).rows[0];
        const got = await digest(table);
        expect(got.n, table).toBe(g.count());
        expect(got, table).toEqual(await digest(`ref_${table}`));
      }
    });
  });
});
