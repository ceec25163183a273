import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "../../load/index.ts";
import {
  ATTR,
  applyDynamoTables,
  resolveVariant,
  USER_POPULARITY_TABLE,
} from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * A variant applied over loaded tables with the same keys (influence-sharded
 * over the design) makes the next `load` write the read models again in the
 * variant's shape, not skip them as already loaded.
 */
let s: Scratch;

beforeAll(async () => {
  s = await scratchStores("variant_reload");
}, 60_000);

afterAll(async () => {
  await s?.cleanup();
});

it("reloads DynamoDB in the newly applied variant's shape", async () => {
  const client = createDynamoClient(s.dynamo);
  const partitions = async () => {
    const out = await client.send(
      new ScanCommand({
        TableName: `${s.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`,
        ProjectionExpression: ATTR.popularityPartition,
      }),
    );
    return new Set((out.Items ?? []).map((i) => i[ATTR.popularityPartition].S));
  };
  try {
    const first = await load({ scale: "tiny", seed: 3, endpoints: s, progressOut: null });
    expect(first.dynamo.action).toBe("loaded");
    expect(await partitions()).toEqual(new Set(["ALL"]));

    const again = await load({ scale: "tiny", seed: 3, endpoints: s, progressOut: null });
    expect(again.dynamo.action).toBe("skipped");

    const changes = await applyDynamoTables(client, {
      prefix: s.dynamo.tablePrefix,
      variant: await resolveVariant("influence-sharded:3"),
    });
    expect(changes).toEqual(["DynamoDB schema variant: influence-sharded:3"]);
    const redone = await load({ scale: "tiny", seed: 3, endpoints: s, progressOut: null });
    expect(redone.pg.action).toBe("skipped");
    expect(redone.dynamo.action).toBe("loaded");
    expect(await partitions()).toEqual(new Set(["ALL#0", "ALL#1", "ALL#2"]));
  } finally {
    client.destroy();
  }
});
