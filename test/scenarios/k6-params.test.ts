import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TRENDING_DISHES_TABLE } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { CLEAN_STORE_ENV, type CliResult } from "../helpers/cli.ts";
import type { Scratch } from "../helpers/stores.ts";
import { TINY, tinyStores } from "./helpers/tiny-data.ts";

/**
 * Issue 12, item 7: `npm run k6:params` loads what it needs (a DynamoDB table
 * gone, as after `services down` and `up`, is rebuilt like `run` does) and
 * writes every file or none.
 */
const K6 = fileURLToPath(new URL("../../scripts/k6-params.ts", import.meta.url));
const NAMES = [
  "best-dishes",
  "dishes-by-tag",
  "dishes-by-type",
  "experts",
  "feed",
  "leaderboards",
  "nearby",
  "profile",
  "trending",
  "user-by-username",
  "users-by-level",
];
let stores: Scratch;

beforeAll(async () => {
  stores = await tinyStores("k6_params");
}, 180_000);
afterAll(async () => {
  await stores?.cleanup();
});

function k6(args: string[]): Promise<CliResult> {
  const env = {
    ...process.env,
    ...CLEAN_STORE_ENV,
    DATABASE_URL: `postgres://${stores.pg.user}@${stores.pg.host}:${stores.pg.port}/${stores.pg.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: stores.dynamo.endpoint,
    BELLYFED_TABLE_PREFIX: stores.dynamo.tablePrefix,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", K6, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

it("rebuilds a DynamoDB table that is gone, then writes every file", async () => {
  const dyn = createDynamoClient(stores.dynamo, 2);
  try {
    await dyn.send(
      new DeleteTableCommand({ TableName: `${stores.dynamo.tablePrefix}${TRENDING_DISHES_TABLE}` }),
    );
  } finally {
    dyn.destroy();
  }
  const dir = mkdtempSync(join(tmpdir(), "bb-k6-"));
  const r = await k6(["--scale", TINY.scale, "--seed", String(TINY.seed), "--out-dir", dir]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/DynamoDB: building the read models of tiny seed 7/);
  expect(readdirSync(dir).sort()).toEqual(NAMES.map((n) => `${n}.json`));
  for (const n of NAMES) {
    const f = JSON.parse(readFileSync(join(dir, `${n}.json`), "utf8"));
    expect(f.scenario).toBe(n);
    expect(f.data).toEqual({ scale: "tiny", seed: 7 });
    expect(f.keys.length).toBeGreaterThan(0);
    expect(f.weights).toHaveLength(f.keys.length);
  }
  expect(r.stdout.trim().split("\n")).toHaveLength(NAMES.length);
}, 180_000);

it("writes none when one of them cannot be written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bb-k6-"));
  mkdirSync(join(dir, "leaderboards.json"));
  const r = await k6(["--scale", TINY.scale, "--seed", String(TINY.seed), "--out-dir", dir]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/leaderboards.json is a folder, so the files cannot all be written/);
  expect(readdirSync(dir)).toEqual(["leaderboards.json"]);
}, 120_000);
