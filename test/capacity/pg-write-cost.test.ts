import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { measureFixture } from "./fixtures/measure.ts";

/**
 * PostgreSQL cost per operation of a known write (issue 17, item 2): a
 * transaction of BEGIN, one INSERT of one row and COMMIT is 3 statements, 1
 * transaction and 1 row per operation, and writes WAL (the row and its index
 * entry by pg_stat_statements; the commit records too by the server's WAL position).
 */
let s: Scratch;

beforeAll(async () => {
  s = await scratchStores("cost_pg_write");
  const c = new pg.Client(pgClientConfig(s.pg));
  await c.connect();
  await c.query("CREATE TABLE cost_log (id bigserial PRIMARY KEY, v text)");
  await c.end();
}, 60_000);

afterAll(async () => {
  await s?.cleanup();
});

describe("PostgreSQL cost per operation of a known write", () => {
  it("counts BEGIN, INSERT and COMMIT, one row, and the WAL they write", async () => {
    const cost = await measureFixture("pg-write", s, 50);
    const p = cost.postgres!;
    expect(cost.operations).toBeGreaterThan(50);
    expect(p.statementsPerOp).toBe(3);
    expect(p.transactionsPerOp).toBe(1);
    expect(p.rowsPerOp).toBe(1);
    // at least the heap tuple (about 130 bytes with its header) and its index entry
    expect(p.walBytesPerOp).toBeGreaterThan(130);
    // the server wrote that and more: commit records, which pg_stat_statements leaves out
    expect(p.serverWalBytesPerOp).toBeGreaterThan(p.walBytesPerOp);
    expect(p.cpuSource).toBe("proc");
    expect(p.cpuMsPerOp).toBeGreaterThan(0);
    // pg_stat_statements' rows: the INSERT (BEGIN and COMMIT are counted by the wrapper)
    expect(p.statements!.map((x) => [x.query, x.callsPerOp, x.rows])).toEqual([
      ["INSERT INTO cost_log (v) VALUES ($1)", 1, 1],
    ]);
  }, 60_000);
});
