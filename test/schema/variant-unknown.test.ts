import { expect, it } from "vitest";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

/** An unknown --dynamo-variant: one line listing the known ones, exit 2, no service started. */
it("refuses an unknown variant in one line naming the known ones", async () => {
  // an endpoint nothing listens on: reaching a service would fail differently
  const env = {
    ...CLEAN_STORE_ENV,
    DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
    AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:1",
  };
  const r = await runCli(["schema", "apply", "--dynamo-variant", "sharded-everything"], env);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("'sharded-everything' is not a DynamoDB schema variant");
  expect(lines[0]).toContain("known: design, influence-sharded[:N], leaderboards-by-entity");
  expect(lines[0]).toContain(
    "bellyfed-bench schema apply --only dynamo --dynamo-variant influence-sharded",
  );

  const bad = await runCli(["schema", "apply", "--dynamo-variant", "influence-sharded:1"], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  expect(bad.stderr).toContain("the shard count must be a whole number from 2 to 256");
});
