import pg from "pg";
import { ISOLATION_ENV, RUN_STARTED_ENV } from "../scenarios/lib/writes.ts";
import { assertWritable, markDataChanged, readPgMarker } from "../stores/markers.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import type { PlannedSweep } from "./plan.ts";

/**
 * The stores a sweep runs on, as `run` prepares them: the services (started
 * when needed), the data of the scale and seed (loaded once), and for write
 * scenarios the harness's marker checked and the data marked changed; write
 * scenarios' data clock and isolation level set in the environment.
 */
export async function prepareStores(
  planned: PlannedSweep[],
  opts: {
    endpoints?: Endpoints;
    data: { scale: string; seed: number };
    indexSet?: string;
    allowWrites?: boolean;
    onProgress?: (line: string) => void;
  },
): Promise<{ endpoints: Endpoints; indexSet: string; dynamoVariant: string }> {
  const endpoints =
    opts.endpoints ??
    (await (await import("../stores/services.ts")).resolveEndpoints({ onStep: opts.onProgress }));
  const { ensureLoaded } = await import("../load/index.ts");
  const loaded = await ensureLoaded({
    ...opts.data,
    indexSet: opts.indexSet,
    endpoints,
    showProgress: opts.onProgress !== undefined,
    command: "capacity sweep",
  });
  const writes = planned.filter((p) => p.writes).map((p) => p.entry.name);
  if (writes.length > 0) {
    const client = new pg.Client(pgClientConfig(endpoints.pg));
    await client.connect();
    try {
      assertWritable(await readPgMarker(client), {
        allowWrites: opts.allowWrites === true,
        target: endpoints.pg.description,
        scenarios: writes,
      });
      await markDataChanged(client, `capacity sweep ${writes.join(", ")}`);
    } finally {
      await client.end();
    }
    process.env[RUN_STARTED_ENV] = String(Date.now());
    process.env[ISOLATION_ENV] ??= "serializable";
  }
  return {
    endpoints,
    indexSet: loaded.indexSet,
    dynamoVariant: process.env.BELLYFED_DYNAMO_VARIANT || "design",
  };
}
