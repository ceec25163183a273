import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

// A private BELLYFED_HOME: these services are this test's own, on free ports,
// so stopping them does not disturb the shared ones the other tests use.
const home = mkdtempSync(join(tmpdir(), "bellyfed-home-"));
// mkdtemp makes it 0700; the postgres user (as root, postgres runs as that user) must enter it
chmodSync(home, 0o755);
const env = { ...CLEAN_STORE_ENV, BELLYFED_HOME: home };

function exportsOf(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((l) => /^export (\w+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

describe("services up / env / down / status", () => {
  afterAll(async () => {
    await runCli(["services", "down"], env);
    rmSync(home, { recursive: true, force: true });
  });

  it("starts real PostgreSQL and DynamoDB Local, reuses them, survives down and up with data kept", async () => {
    const first = await runCli(["services", "up"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/postgres: .*embedded PostgreSQL 18/);
    expect(first.stdout).toMatch(/dynamodb: DynamoDB Local 1\.25/);
    // a busy default port is said, not silently replaced (the suite's own services hold 55432 here)
    const pgPort = Number(/PostgreSQL .* started on 127\.0\.0\.1:(\d+)/.exec(first.stderr)?.[1]);
    expect(pgPort).toBeGreaterThan(0);
    if (pgPort !== 55432)
      expect(first.stderr).toMatch(/:\d+ \(55432 is busy: another program or another copy\)/);

    const again = await runCli(["services", "up"], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/PostgreSQL .* already running/);
    expect(again.stderr).toMatch(/DynamoDB Local .* already running/);

    const printed = await runCli(["services", "env"], env);
    expect(printed.code).toBe(0);
    const vars = exportsOf(printed.stdout);
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGDATABASE",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_REGION",
      ]),
    );
    expect(printed.stdout).not.toMatch(/PGPASSWORD/);
    expect(vars.PGHOST).toBe("127.0.0.1");

    // What psql would do with those variables: connect without a password and write something.
    const client = new pg.Client({
      host: vars.PGHOST,
      port: Number(vars.PGPORT),
      user: vars.PGUSER,
      database: vars.PGDATABASE,
    });
    await client.connect();
    await client.query("CREATE TABLE IF NOT EXISTS kept (n int)");
    await client.query("INSERT INTO kept VALUES (42)");
    const ext = await client.query(
      "SELECT extname FROM pg_extension WHERE extname = 'pg_stat_statements'",
    );
    expect(ext.rowCount).toBe(1);
    const listen = await client.query("SHOW listen_addresses");
    expect(listen.rows[0].listen_addresses).toBe("127.0.0.1");
    await client.end();

    const down = await runCli(["services", "down"], env);
    expect(down.code).toBe(0);
    const stopped = await runCli(["services", "status"], env);
    expect(stopped.stdout).toMatch(/postgres\s+stopped/);
    expect(stopped.stdout).toMatch(/dynamodb\s+stopped/);

    const back = await runCli(["services", "up"], env);
    expect(back.code, back.stderr).toBe(0);
    const running = await runCli(["services", "status"], env);
    expect(running.stdout).toMatch(/postgres\s+running/);
    expect(running.stdout).toMatch(/dynamodb\s+running/);
    const vars2 = exportsOf((await runCli(["services", "env"], env)).stdout);
    const again2 = new pg.Client({
      host: vars2.PGHOST,
      port: Number(vars2.PGPORT),
      user: vars2.PGUSER,
      database: vars2.PGDATABASE,
    });
    await again2.connect();
    const kept = await again2.query("SELECT n FROM kept");
    await again2.end();
    expect(kept.rows).toEqual([{ n: 42 }]);
  }, 240_000);
});
