import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDynamoTables, dropDynamoTables } from "../../schema/dynamodb/apply.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { dynamoMarkerTableName, isManagedTable } from "../../stores/markers.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

let scratch: Scratch;
let client: DynamoDBClient;
let prefix: string;

async function describeTable(name: string): Promise<TableDescription> {
  return (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
}

const keys = (k: TableDescription["KeySchema"]) =>
  (k ?? []).map((e) => [e.AttributeName, e.KeyType]);
const attrs = (t: TableDescription) =>
  Object.fromEntries((t.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));

beforeAll(async () => {
  scratch = await scratchStores("schema-dynamo");
  prefix = scratch.dynamo.tablePrefix;
  client = createDynamoClient(scratch.dynamo);
});

afterAll(async () => {
  client?.destroy();
  await scratch?.cleanup();
});

describe("DynamoDB tables", () => {
  it("creates the three designed tables, on demand, and a second apply changes nothing", async () => {
    const first = await applyDynamoTables(client, { prefix });
    expect(first).toHaveLength(3);
    expect(await applyDynamoTables(client, { prefix })).toEqual([]);
  });

  it("BellyfedUserPopularity: PK user_id (S); GSI InfluenceScoreIndex on the constant partition and influence_score, ALL", async () => {
    const t = await describeTable(`${prefix}BellyfedUserPopularity`);
    expect(keys(t.KeySchema)).toEqual([["user_id", "HASH"]]);
    expect(attrs(t)).toEqual({ user_id: "S", popularity_partition: "S", influence_score: "N" });
    expect(t.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(t.GlobalSecondaryIndexes).toHaveLength(1);
    const g = t.GlobalSecondaryIndexes![0];
    expect(g.IndexName).toBe("InfluenceScoreIndex");
    expect(keys(g.KeySchema)).toEqual([
      ["popularity_partition", "HASH"],
      ["influence_score", "RANGE"],
    ]);
    expect(g.Projection?.ProjectionType).toBe("ALL");
  });

  it("BellyfedTrendingDishes: PK location_id (S), SK dish_type#timestamp (S); GSI TrendingScoreIndex, ALL", async () => {
    const t = await describeTable(`${prefix}BellyfedTrendingDishes`);
    expect(keys(t.KeySchema)).toEqual([
      ["location_id", "HASH"],
      ["dish_type#timestamp", "RANGE"],
    ]);
    expect(attrs(t)).toEqual({ location_id: "S", "dish_type#timestamp": "S", trending_score: "N" });
    expect(t.GlobalSecondaryIndexes).toHaveLength(1);
    const g = t.GlobalSecondaryIndexes![0];
    expect(g.IndexName).toBe("TrendingScoreIndex");
    expect(keys(g.KeySchema)).toEqual([
      ["location_id", "HASH"],
      ["trending_score", "RANGE"],
    ]);
    expect(g.Projection?.ProjectionType).toBe("ALL");
  });

  it("BellyfedLeaderboards: PK leaderboard_type (S), SK rank (N), no GSI", async () => {
    const t = await describeTable(`${prefix}BellyfedLeaderboards`);
    expect(keys(t.KeySchema)).toEqual([
      ["leaderboard_type", "HASH"],
      ["rank", "RANGE"],
    ]);
    expect(attrs(t)).toEqual({ leaderboard_type: "S", rank: "N" });
    expect(t.GlobalSecondaryIndexes ?? []).toEqual([]);
  });

  it("marks every table it creates", async () => {
    for (const name of [
      "BellyfedUserPopularity",
      "BellyfedTrendingDishes",
      "BellyfedLeaderboards",
    ]) {
      expect(await isManagedTable(client, `${prefix}${name}`, prefix)).toBe(true);
    }
    expect(await isManagedTable(client, `${prefix}SomethingElse`, prefix)).toBe(false);
  });

  it("creates provisioned tables (table and GSIs) when asked, and switches billing on apply", async () => {
    const p = `${prefix}prov_`;
    const billing = { mode: "provisioned", readCapacityUnits: 7, writeCapacityUnits: 3 } as const;
    await applyDynamoTables(client, { prefix: p, billing });
    const t = await describeTable(`${p}BellyfedTrendingDishes`);
    expect(t.ProvisionedThroughput?.ReadCapacityUnits).toBe(7);
    expect(t.ProvisionedThroughput?.WriteCapacityUnits).toBe(3);
    expect(t.GlobalSecondaryIndexes![0].ProvisionedThroughput?.ReadCapacityUnits).toBe(7);
    expect(t.GlobalSecondaryIndexes![0].ProvisionedThroughput?.WriteCapacityUnits).toBe(3);
    const switched = await applyDynamoTables(client, { prefix: p });
    expect(switched).toHaveLength(3);
    expect(switched[0]).toMatch(/provisioned 7 RCU \/ 3 WCU -> on-demand/);
    const after = await describeTable(`${p}BellyfedLeaderboards`);
    expect(after.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(await dropDynamoTables(client, { prefix: p })).toHaveLength(4);
  });

  it("refuses a same-named table it did not create, and uses it only with force", async () => {
    const p = `${prefix}foreign_`;
    await client.send(
      new CreateTableCommand({
        TableName: `${p}BellyfedLeaderboards`,
        AttributeDefinitions: [
          { AttributeName: "leaderboard_type", AttributeType: "S" },
          { AttributeName: "rank", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "leaderboard_type", KeyType: "HASH" },
          { AttributeName: "rank", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    expect(await isManagedTable(client, `${p}BellyfedLeaderboards`, p)).toBe(false);
    await expect(applyDynamoTables(client, { prefix: p })).rejects.toThrow(
      /holds tables bellyfed-bench did not create \(.*BellyfedLeaderboards\); pass --force/,
    );
    await expect(dropDynamoTables(client, { prefix: p })).rejects.toThrow(/pass --force to delete/);
    // nothing was created by the refused apply
    await expect(describeTable(`${p}BellyfedUserPopularity`)).rejects.toThrow();
    const forced = await applyDynamoTables(client, { prefix: p, force: true });
    expect(forced).toHaveLength(2);
    // the adopted table stays unmarked, so a reset without --force still refuses it
    expect(await isManagedTable(client, `${p}BellyfedLeaderboards`, p)).toBe(false);
    await expect(dropDynamoTables(client, { prefix: p })).rejects.toThrow(/pass --force/);
  });

  it("drops its tables and the prefix's marker table", async () => {
    const dropped = await dropDynamoTables(client, { prefix });
    expect(dropped).toEqual([
      `deleted DynamoDB table ${prefix}BellyfedUserPopularity`,
      `deleted DynamoDB table ${prefix}BellyfedTrendingDishes`,
      `deleted DynamoDB table ${prefix}BellyfedLeaderboards`,
      `deleted DynamoDB table ${dynamoMarkerTableName(prefix)}`,
    ]);
    await expect(describeTable(`${prefix}BellyfedUserPopularity`)).rejects.toThrow();
  });
});
