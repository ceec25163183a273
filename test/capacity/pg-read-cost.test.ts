import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { measureFixture } from "./fixtures/measure.ts";

/**
 * PostgreSQL cost per operation of a known read (issue 17, item 2): one
 * statement and 3 rows per operation from pg_stat_statements, no WAL, shared
 * blocks hit, execution time, and server CPU from /proc (the embedded server
 * is local).
 */
let s: Scratch;

beforeAll(async () => {
  s = await scratchStores("cost_pg_read");
  const c = new pg.Client(pgClientConfig(s.pg));
  await c.connect();
  await c.query("CREATE TABLE cost_rows (id int PRIMARY KEY, v text)");
  await c.query("INSERT INTO cost_rows SELECT i, repeat('x', 50) FROM generate_series(1, 100) i");
  // hint bits and the visibility map set now, so that reading writes no WAL
  await c.query("VACUUM ANALYZE cost_rows");
  await c.end();
}, 60_000);

afterAll(async () => {
  await s?.cleanup();
});

describe("PostgreSQL cost per operation of a known read", () => {
  it("counts its statement, rows, blocks, time and CPU, and no WAL", async () => {
    const cost = await measureFixture("pg-read", s, 50);
    const p = cost.postgres!;
    expect(cost.operations).toBeGreaterThan(50);
    expect(p.statementsPerOp).toBe(1);
    expect(p.rowsPerOp).toBe(3);
    expect(p.walBytesPerOp).toBe(0);
    expect(p.transactionsPerOp).toBe(0);
    // an index scan and its heap page, all in shared buffers after the warm-up
    expect(p.sharedBlksHitPerOp).toBeGreaterThanOrEqual(2);
    expect(p.sharedBlksReadPerOp).toBe(0);
    expect(p.execMsPerOp).toBeGreaterThan(0);
    expect(p.cpuSource).toBe("proc");
    expect(p.cpuMsPerOp).toBeGreaterThan(0);
    expect(p.statements).toHaveLength(1);
    expect(p.statements![0].query).toBe("SELECT id, v FROM cost_rows WHERE id <= $1");
  }, 60_000);
});
