import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getMarkerItem, putMarkerItem } from "../schema/index.ts";

/**
 * What the DynamoDB loader last did under a table prefix, kept as one item of
 * the prefix's marker table (`<prefix>BellyfedBenchMarker`, key
 * `<prefix>#load-state`): scale, seed, read-model version, loading/complete,
 * item counts, times, and each table's creation time. A table recreated since
 * (schema reset + apply) has another creation time, so the load reads as absent.
 */

export interface DynamoLoadState {
  scale: string;
  seed: number;
  modelVersion: number;
  /** the DynamoDB schema variant the items were written in (absent: the design) */
  variant?: string;
  status: "loading" | "complete";
  itemCounts: Record<string, number>;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** full table name -> CreationDateTime (ms) when the load finished */
  tablesCreated: Record<string, number>;
}

export function stateKey(prefix: string): string {
  return `${prefix}#load-state`;
}

export async function readDynamoState(
  client: DynamoDBClient,
  prefix: string,
): Promise<DynamoLoadState | null> {
  const raw = (await getMarkerItem(client, prefix, stateKey(prefix)))?.state?.S;
  return raw ? (JSON.parse(raw) as DynamoLoadState) : null;
}

export async function writeDynamoState(
  client: DynamoDBClient,
  prefix: string,
  state: DynamoLoadState,
): Promise<void> {
  await putMarkerItem(client, prefix, stateKey(prefix), {
    kind: { S: "load-state" },
    state: { S: JSON.stringify(state) },
  });
}

/** CreationDateTime (ms) of each table, or null for a table that does not exist. */
export async function tableCreationTimes(
  client: DynamoDBClient,
  names: string[],
): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  await Promise.all(
    names.map(async (name) => {
      try {
        const d = await client.send(new DescribeTableCommand({ TableName: name }));
        out[name] = d.Table?.CreationDateTime?.getTime() ?? null;
      } catch (e) {
        if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
        out[name] = null;
      }
    }),
  );
  return out;
}

/** True when the state is complete and every table is the one the load filled. */
export function stateStillHolds(
  state: DynamoLoadState | null,
  created: Record<string, number | null>,
): boolean {
  if (state?.status !== "complete") return false;
  return Object.entries(created).every(
    ([name, t]) => t !== null && state.tablesCreated[name] === t,
  );
}
