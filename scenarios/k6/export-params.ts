/**
 * Writes the parameter files the k6 scripts draw from: for each access
 * pattern, the keys its harness scenario samples and their weights, read by
 * the scenario's own setup() from the loaded data.
 *
 *   npx tsx scenarios/k6/export-params.ts [--out-dir scenarios/k6/params]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { loadScenario } from "../../engine/load-scenario.ts";
import { UsageError } from "../../scripts/lib/errors.ts";
import { runMain } from "../../scripts/lib/main.ts";
import { createDynamoStore } from "../../stores/dynamo.ts";
import { createPgStore } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import { SCENARIOS } from "../index.ts";
import type { WeightedPool } from "../lib/alias.ts";

const value = (q: QueryCommandInput, name: string) => q.ExpressionAttributeValues?.[name];

/** Per k6 script: the pool in the scenario's state and the key a request needs. */
const EXPORTS: Record<string, { pool: string; key: (v: never, i: number) => unknown }> = {
  "best-dishes": { pool: "pairs", key: (v: [string, string]) => v },
  profile: { pool: "users", key: (v: [string]) => v[0] },
  trending: { pool: "queries", key: (v: QueryCommandInput) => value(v, ":loc") },
  feed: { pool: "viewers", key: (v: string) => v },
  experts: { pool: "pages", key: (_v: unknown, i: number) => i + 1 },
  leaderboards: { pool: "queries", key: (v: QueryCommandInput) => value(v, ":type") },
  "dishes-by-tag": { pool: "pairs", key: (v: [string, string]) => v },
  "dishes-by-type": { pool: "pages", key: (v: [string, string, string]) => v },
  nearby: { pool: "searches", key: (v: number[]) => v.slice(0, 3) },
  "users-by-level": { pool: "pages", key: (v: [number, string]) => v },
  "user-by-username": { pool: "users", key: (v: [string]) => v[0] },
};

runMain(async (argv) => {
  const { values } = parseArgs({ args: argv, options: { "out-dir": { type: "string" } } });
  const dir = values["out-dir"] ?? fileURLToPath(new URL("./params", import.meta.url));
  const endpoints = await resolveEndpoints();
  mkdirSync(dir, { recursive: true });
  for (const [name, spec] of Object.entries(EXPORTS)) {
    const scenario = await loadScenario(SCENARIOS[name].module.href);
    const pg = createPgStore(endpoints.pg, 1);
    const dynamo = createDynamoStore(endpoints.dynamo, 4);
    try {
      const state = (await scenario.setup({
        endpoints,
        pg,
        dynamo,
        data: { scale: "loaded", seed: 0 },
        workerIndex: 0,
        workerCount: 1,
        connections: 1,
      })) as Record<string, WeightedPool<never>>;
      const pool = state[spec.pool];
      if (!pool) throw new UsageError(`${name}: no '${spec.pool}' pool in its state`);
      const file = join(dir, `${name}.json`);
      writeFileSync(
        file,
        `${JSON.stringify({
          scenario: name,
          keys: pool.values.map((v, i) => spec.key(v, i)),
          weights: [...pool.weights],
        })}\n`,
      );
      process.stdout.write(`${file}: ${pool.size} keys\n`);
    } finally {
      dynamo.close();
      await pg.close();
    }
  }
  return 0;
});
