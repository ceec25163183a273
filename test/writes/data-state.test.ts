import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { runCli } from "../helpers/cli.ts";
import type { Scratch } from "../helpers/stores.ts";
import { tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * Writes and the loaded data, through the real CLI on a scratch database with
 * `tiny` data: a production marker refuses writes without --allow-writes;
 * after writes `load status` says the data changed and a read run says so;
 * `load --reload` restores the data and clears the mark.
 */

let scratch: Scratch;
let db: pg.Client;
let env: Record<string, string>;
const TINY = ["--scale", "tiny", "--seed", "7", "-q"];
// 1 s at 20/s: about 20 operations, enough for a write run to write and a read run to read
const SHORT = [
  "--duration",
  "1s",
  "--warmup",
  "0",
  "--rate",
  "20",
  "--workers",
  "1",
  "--connections",
  "2",
];

beforeAll(async () => {
  scratch = await tinyStores("datastate");
  db = new pg.Client(pgClientConfig(scratch.pg));
  await db.connect();
  const p = scratch.pg;
  env = {
    DATABASE_URL: `postgres://${p.user}@${p.host}:${p.port}/${p.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: scratch.dynamo.endpoint ?? "",
    BELLYFED_TABLE_PREFIX: scratch.dynamo.tablePrefix,
  };
}, 600_000);

afterAll(async () => {
  await db?.end();
  await scratch?.cleanup();
});

const rankings = async () =>
  Number((await db.query("SELECT count(*) FROM dish_rankings")).rows[0].count);
const activity = async () =>
  Number((await db.query("SELECT count(*) FROM user_activity_points")).rows[0].count);

describe("writes and the loaded data", () => {
  it("refuses write scenarios on a target marked production without --allow-writes: one line, exit 2, nothing written", async () => {
    await db.query("ALTER TABLE bellyfed_bench_marker ADD COLUMN IF NOT EXISTS environment TEXT");
    await db.query("UPDATE bellyfed_bench_marker SET environment = 'production'");
    // the marker goes back however this test ends: the next test writes
    try {
      const before = await activity();
      const r = await runCli(["run", "review", ...SHORT, ...TINY], env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/marked production.*pass --allow-writes/);
      expect(await activity()).toBe(before);
      // (both read only: at the same time)
      const [s, read] = await Promise.all([
        runCli(["load", "status", "--only", "pg"], env),
        runCli(["run", "profile", ...SHORT, ...TINY], env),
      ]);
      expect(s.stdout).not.toContain("CHANGED");
      // a read scenario still runs there (exit 1 would be a threshold missed on a busy
      // machine in a 1 s run, not a refusal: that is exit 2)
      expect([0, 1]).toContain(read.code);
      expect(read.stdout).toContain("result:");
      // --allow-writes lets them write
      const allowed = await runCli(["run", "review", ...SHORT, ...TINY, "--allow-writes"], env);
      expect([0, 1]).toContain(allowed.code);
      expect(allowed.stderr).not.toMatch(/marked production/);
      expect(await activity()).toBeGreaterThan(before);
    } finally {
      await db.query("UPDATE bellyfed_bench_marker SET environment = NULL");
    }
  }, 120_000);

  it("after writes, load status says the data changed; a read run says so; load --reload restores it", async () => {
    const loaded = await rankings();
    const w = await runCli(["run", "rank-dish", ...SHORT, ...TINY], env);
    expect(w.stderr).toBe("");
    expect(w.stdout).toContain("! this run wrote");
    expect(await activity()).toBeGreaterThan(0);
    const status = await runCli(["load", "status", "--only", "pg"], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /CHANGED since the load: run rank-dish wrote at .*'bellyfed-bench load --reload' restores/,
    );

    const out = `${process.env.TMPDIR ?? "/tmp"}/bellyfed-datastate-${process.pid}.json`;
    const r = await runCli(["run", "profile", ...SHORT, ...TINY, "--out", out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("! the data had changed since the load (run rank-dish");
    const { readFileSync, rmSync } = await import("node:fs");
    const result = JSON.parse(readFileSync(out, "utf8"));
    rmSync(out, { force: true });
    expect(result.data.changedSinceLoad.by).toBe("run rank-dish");
    expect(result.data.written).toBeUndefined();

    const reload = await runCli(["load", "--reload", ...TINY], env, 300_000);
    expect(reload.code).toBe(0);
    expect(await rankings()).toBe(loaded);
    // (both read only: at the same time)
    const [after, again] = await Promise.all([
      runCli(["load", "status", "--only", "pg"], env),
      runCli(["run", "profile", ...SHORT, ...TINY], env),
    ]);
    expect(after.stdout).not.toContain("CHANGED");
    expect(again.stdout).not.toContain("had changed since the load");
  }, 600_000);
});
