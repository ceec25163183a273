import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { syncStateTableName } from "../load/replication.ts";

/**
 * The projector's own table: one `state` item (what `sync status` prints:
 * positions, counts, the data instant) and one version item per top-N group
 * (`g#<table>#<group>`: the source position that last wrote the group and,
 * for trending, the instant it was computed as of). A group's version is
 * claimed before its items are written, with a condition: a position older
 * than the group's version writes nothing in that group, so a replay can
 * neither move a list backwards nor bring back a member it dropped.
 */

export const KEY = "k";
export const STATE_KEY = "state";

export interface ProjectorState {
  source: string;
  slot: string | null;
  /** the last transaction applied (its commit position), as text */
  lastPosition: string | null;
  lastCommitTime: string | null;
  /** the latest data-clock instant trending was computed as of */
  asOf: string | null;
  changes: number;
  transactions: number;
  errors: number;
  /** items not written because a newer position had written them (replays) */
  stale: number;
  lastError: string | null;
  updatedAt: string;
  pid: number;
}

export function groupKey(table: string, group: string): string {
  return `g#${table}#${group}`;
}

export async function ensureStateTable(client: DynamoDBClient, prefix: string): Promise<string> {
  const name = syncStateTableName(prefix);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: KEY, AttributeType: "S" }],
        KeySchema: [{ AttributeName: KEY, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceInUseException") throw e;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  return name;
}

export async function readState(
  client: DynamoDBClient,
  prefix: string,
): Promise<ProjectorState | null> {
  try {
    const out = await client.send(
      new GetItemCommand({
        TableName: syncStateTableName(prefix),
        Key: { [KEY]: { S: STATE_KEY } },
        ConsistentRead: true,
      }),
    );
    const raw = out.Item?.json?.S;
    return raw ? (JSON.parse(raw) as ProjectorState) : null;
  } catch (e) {
    if ((e as { name?: string }).name === "ResourceNotFoundException") return null;
    throw e;
  }
}

export async function writeState(
  client: DynamoDBClient,
  prefix: string,
  state: ProjectorState,
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: syncStateTableName(prefix),
      Item: { [KEY]: { S: STATE_KEY }, json: { S: JSON.stringify(state) } },
    }),
  );
}

/** Every group version: key -> { pos, asOf }. */
export async function readGroupVersions(
  client: DynamoDBClient,
  prefix: string,
): Promise<Map<string, { pos: bigint; asOf: string | null }>> {
  const out = new Map<string, { pos: bigint; asOf: string | null }>();
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: syncStateTableName(prefix),
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const it of page.Items ?? []) {
        const k = it[KEY]?.S;
        if (!k?.startsWith("g#")) continue;
        out.set(k, { pos: BigInt(it.pos?.N ?? "0"), asOf: it.as_of?.S ?? null });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  return out;
}
