import pg from "pg";
import type { ScenarioResult } from "../../core/result.ts";
import { parseThreshold } from "../../core/thresholds.ts";
import { runStep } from "../../engine/run-step.ts";
import { dropSyncSlot, ensureSyncSlot } from "../../load/replication.ts";
import freshness from "../../scenarios/freshness.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Scratch } from "../helpers/stores.ts";
import { tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * The freshness tests' stores: tiny data in a scratch database and DynamoDB
 * prefix, with the harness's slot (the loader creates it after the load on a
 * server with wal_level=logical; made here if it is missing). `close` drops
 * the slot first: a database with a logical slot cannot be dropped.
 */
export async function freshnessStores(name: string): Promise<{
  scratch: Scratch;
  close(): Promise<void>;
}> {
  const scratch = await tinyStores(name);
  const c = new pg.Client(pgClientConfig(scratch.pg));
  await c.connect();
  try {
    await ensureSyncSlot(c);
  } finally {
    await c.end();
  }
  return {
    scratch,
    async close() {
      const d = new pg.Client(pgClientConfig(scratch.pg));
      await d.connect();
      try {
        await dropSyncSlot(d);
      } finally {
        await d.end();
      }
      await scratch.cleanup();
    },
  };
}

/** The freshness scenario through the engine (the projector in this process), 5 probes/s. */
export async function runFreshness(
  scratch: Scratch,
  thresholds: Record<string, string[]>,
  durationMs = 4000,
): Promise<ScenarioResult> {
  const list = Object.entries(thresholds).flatMap(([metric, exprs]) =>
    exprs.map((e) => parseThreshold(e, metric)),
  );
  return runStep(
    { scenario: freshness as never },
    { type: "open", rate: 5, maxInFlight: 100 },
    { warmupMs: 1000, durationMs, iterations: Number.POSITIVE_INFINITY, timeoutMs: 30_000 },
    {
      workers: 1,
      connections: 4,
      endpoints: scratch,
      data: { scale: "tiny", seed: 7 },
      thresholds: list,
    },
  );
}
