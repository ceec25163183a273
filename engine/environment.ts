import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import type { RunResult } from "../core/result.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export const HARNESS_VERSION = pkg.version;

/** Where the run happened: harness, Node, machine, and the stores' versions (no secrets). */
export async function describeEnvironment(
  endpoints?: Endpoints,
  uses: { postgres: boolean; dynamodb: boolean } = { postgres: true, dynamodb: true },
): Promise<RunResult["environment"]> {
  const cpus = os.cpus();
  const env: RunResult["environment"] = {
    harnessVersion: HARNESS_VERSION,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? "unknown",
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
  };
  if (endpoints && uses.postgres) {
    env.postgres = {
      source: endpoints.pg.description,
      serverVersion: await pgServerVersion(endpoints).catch(() => "unknown"),
    };
  }
  if (endpoints && uses.dynamodb) {
    env.dynamodb = { source: endpoints.dynamo.description, endpoint: endpoints.dynamo.endpoint };
  }
  return env;
}

async function pgServerVersion(endpoints: Endpoints): Promise<string> {
  const client = new pg.Client({ ...pgClientConfig(endpoints.pg), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ server_version: string }>("SHOW server_version");
    return r.rows[0]?.server_version ?? "unknown";
  } finally {
    await client.end();
  }
}
