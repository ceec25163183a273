import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createDataset } from "../../../generators/dataset.ts";
import { TABLES } from "../../../generators/ids.ts";
import { DEFAULT_EPOCH } from "../../../generators/scale.ts";
import { loadDynamo } from "../../../load/dynamo-loader.ts";
import {
  applyDynamoTables,
  applyForeignKeys,
  applyIndexSet,
  applyPgSchema,
} from "../../../schema/index.ts";
import { createDynamoClient } from "../../../stores/dynamo.ts";
import { pgClientConfig } from "../../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../../helpers/stores.ts";

export const TINY = { scale: "tiny", seed: 7 } as const;

type EnsureLoaded = (o: {
  scale: string;
  seed: number;
  indexSet: string;
  endpoints?: unknown;
  showProgress?: boolean;
}) => Promise<unknown>;

/**
 * A scratch database and DynamoDB prefix with `tiny` data loaded: through the
 * loader's ensureLoaded when generators/load/index.ts exists, else by the same
 * steps from the committed pieces (schema, COPY of every generated table,
 * foreign keys, the seed index set, the DynamoDB read models).
 */
export async function tinyStores(name: string): Promise<Scratch> {
  const scratch = await scratchStores(name);
  try {
    const loaderUrl = new URL("../../../load/index.ts", import.meta.url);
    const loader = existsSync(loaderUrl)
      ? ((await import(loaderUrl.href)) as { ensureLoaded?: EnsureLoaded })
      : {};
    if (loader.ensureLoaded && process.env.BELLYFED_TEST_OWN_LOADER !== "1") {
      await loader.ensureLoaded({
        ...TINY,
        indexSet: "seed",
        endpoints: { pg: scratch.pg, dynamo: scratch.dynamo },
        showProgress: false,
      });
    } else {
      await loadByHand(scratch);
    }
  } catch (e) {
    await scratch.cleanup().catch(() => {});
    throw e;
  }
  return scratch;
}

async function loadByHand(scratch: Scratch): Promise<void> {
  const client = new pg.Client(pgClientConfig(scratch.pg));
  await client.connect();
  try {
    await applyPgSchema(client, { withForeignKeys: false, withIndexes: false });
    const ds = createDataset(TINY);
    for (const t of TABLES) {
      const gen = ds.table(t);
      const copy = client.query(copyFrom(`COPY ${t} (${gen.columns.join(", ")}) FROM STDIN`));
      await pipeline(Readable.from(gen.chunks()), copy);
    }
    await client.query(
      "SELECT setval('career_levels_career_level_id_seq', (SELECT max(career_level_id) FROM career_levels))",
    );
    await client.query("SELECT setval('badges_badge_id_seq', (SELECT max(badge_id) FROM badges))");
    await applyForeignKeys(client);
    await applyIndexSet(client, "seed");
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
  const dynamo = createDynamoClient(scratch.dynamo);
  try {
    await applyDynamoTables(dynamo, { prefix: scratch.dynamo.tablePrefix });
    await loadDynamo({
      client: dynamo,
      prefix: scratch.dynamo.tablePrefix,
      pg: scratch.pg,
      ...TINY,
      nowIso: new Date(DEFAULT_EPOCH).toISOString(),
    });
  } finally {
    dynamo.destroy();
  }
}
