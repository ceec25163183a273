import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStep } from "../../engine/run-step.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { pgSelect } from "./fixtures/pg-select.ts";

/**
 * Service time starts when the store puts the query on the wire (after a
 * connection is acquired), so a stall behind a connection pool is wait, not
 * service time (the pgbench check of the issue: only the 8 transactions that
 * were running saw the lock).
 */
let scratch: Scratch;

beforeAll(async () => {
  scratch = await scratchStores("service-time-pool");
  const c = new pg.Client(pgClientConfig(scratch.pg));
  await c.connect();
  await c.query("CREATE TABLE locked (id int); INSERT INTO locked VALUES (1)");
  await c.end();
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe("a 1 s table lock behind a pool of 8 connections, 400 arrivals/s", () => {
  it("shows in latency and wait, not in service time", async () => {
    const scenario = pgSelect("locked");
    const locker = new pg.Client(pgClientConfig(scratch.pg));
    await locker.connect();
    // 1 s into the measured window, hold an exclusive lock for 1 s
    const lock = (async () => {
      await new Promise((r) => setTimeout(r, 1500));
      await locker.query("BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
      await new Promise((r) => setTimeout(r, 1000));
      await locker.query("COMMIT");
      await locker.end();
    })();
    const r = await runStep(
      { scenario },
      { type: "open", rate: 400, maxInFlight: 2000 },
      { warmupMs: 500, durationMs: 4000, iterations: Number.POSITIVE_INFINITY, timeoutMs: 10_000 },
      { workers: 1, connections: 8, endpoints: scratch, data: { scale: "tiny", seed: 1 } },
    );
    await lock;
    expect(r.operations.ok).toBeGreaterThan(1200);
    // about a quarter of the arrivals came during the lock: late by up to 1 s
    expect(r.latency.p95).toBeGreaterThan(500);
    expect(r.wait?.p95).toBeGreaterThan(400);
    // only the 8 statements on the wire when the lock was taken waited for it on the server
    expect(r.serviceTime.p95).toBeLessThan(200);
    expect(r.serviceTime.max).toBeGreaterThan(700);
    expect(r.pool?.maxWaiting).toBeGreaterThan(100);
  });
});
