import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_POPULARITY_TABLE } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { CLEAN_STORE_ENV, type CliResult, runCli } from "../helpers/cli.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { withPg } from "./support.ts";

/**
 * Issue 12, item 2: a hint printed by the loader names a command that works
 * as written from where it is printed. `run` and `tune` have no --force: the
 * guard's hint through them is the `load` command that overrides, and once
 * that has run, the command that printed the hint is accepted.
 */

const out = mkdtempSync(join(tmpdir(), "bb-hints-"));

function envFor(s: Scratch): Record<string, string | undefined> {
  return {
    ...CLEAN_STORE_ENV,
    DATABASE_URL: `postgres://${s.pg.user}@${s.pg.host}:${s.pg.port}/${s.pg.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: s.dynamo.endpoint,
    BELLYFED_TABLE_PREFIX: s.dynamo.tablePrefix,
  };
}

/** The command a one-line hint names ("... run 'bellyfed-bench load ... --force'"). */
function hintedCommand(r: CliResult): string[] {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  const m = /run '(bellyfed-bench [^']+)'/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return m![1].split(" ").slice(1);
}

/** `run` writing its result to its own file (the two stores' cases run at once) */
const runArgs = (file: string) => [
  "run",
  "best-dishes",
  "--scale",
  "tiny",
  "--seed",
  "1",
  "--duration",
  "1s",
  "--warmup",
  "0",
  "--quiet",
  "--out",
  join(out, file),
];
const TUNE = [
  "tune",
  "--scale",
  "tiny",
  "--seed",
  "1",
  "--scenario",
  "profile",
  "--samples",
  "2",
  "--usage-duration",
  "1s",
  "--no-what-if",
  "--no-dynamo",
];

// the two cases use their own scratch stores and run at the same time
describe.concurrent("a database holding a table of the user's own", () => {
  const RUN = runArgs("run-pg.json");
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("hints_pg");
    await withPg(s.pg, (c) => c.query("CREATE TABLE customer_orders (id int PRIMARY KEY)"));
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("run and tune name the load command that overrides; after it, both are accepted", async () => {
    const env = envFor(s);
    const fromRun = hintedCommand(await runCli(RUN, env));
    const fromTune = hintedCommand(await runCli(TUNE, env));
    expect(fromRun).toEqual([
      "load",
      "--scale",
      "tiny",
      "--seed",
      "1",
      "--index-set",
      "seed",
      "--force",
    ]);
    expect(fromTune).toEqual(fromRun);

    const fixed = await runCli(fromRun, env);
    expect(fixed.code, fixed.stderr).toBe(0);
    // the user's table and its rows are untouched
    await withPg(s.pg, async (c) =>
      expect((await c.query("SELECT count(*)::int AS n FROM customer_orders")).rows[0].n).toBe(0),
    );

    const run = await runCli(
      RUN.filter((a) => a !== "--quiet"),
      env,
    );
    expect(run.code, run.stderr).not.toBe(2);
    expect(run.stdout).toMatch(/result: /);
    // the loader's lines through run name no flag run lacks
    expect(run.stderr).toMatch(/PostgreSQL: tiny seed 1 already loaded \(index set seed\)/);
    expect(run.stderr).not.toMatch(/--reload|--force/);
    const tune = await runCli(TUNE, env);
    expect(tune.code, tune.stderr).toBe(0);
    expect(tune.stdout).toMatch(/^tune: 1 PostgreSQL patterns on tiny/m);

    // item 10: `load` on loaded data says "nothing to do" once per store
    const again = await runCli(["load", "--scale", "tiny", "--seed", "1"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(`${again.stdout}${again.stderr}`.match(/nothing to do/g)).toHaveLength(2);
  }, 300_000);
});

describe.concurrent("a DynamoDB prefix holding a table of the user's own", () => {
  const RUN = runArgs("run-dynamo.json");
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("hints_dyn");
    const dyn = createDynamoClient(s.dynamo, 2);
    try {
      await dyn.send(
        new CreateTableCommand({
          TableName: `${s.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`,
          AttributeDefinitions: [{ AttributeName: "user_id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "user_id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    } finally {
      dyn.destroy();
    }
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("run names the load command that replaces them; after it, run is accepted", async () => {
    const env = envFor(s);
    const cmd = hintedCommand(await runCli(RUN, env));
    expect(cmd).toEqual([
      "load",
      "--scale",
      "tiny",
      "--seed",
      "1",
      "--index-set",
      "seed",
      "--force",
    ]);
    const fixed = await runCli(cmd, env);
    expect(fixed.code, fixed.stderr).toBe(0);
    const run = await runCli(RUN, env);
    expect(run.code, run.stderr).not.toBe(2);
    expect(run.stdout).toMatch(/result: /);
  }, 300_000);
});
