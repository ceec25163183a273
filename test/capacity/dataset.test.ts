import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureDataset } from "../../capacity/dataset.ts";
import { createDynamoStore } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { createItemsTable } from "./fixtures/items-table.ts";

/**
 * The sweep's dataset figures on known data: a PostgreSQL table's rows and
 * its heap and index bytes, a DynamoDB table's and GSI's items and bytes
 * from a Scan sizing every item and index item by the rules (counted by
 * hand; the table's bytes equal DynamoDB Local's DescribeTable, whose GSI
 * bytes count whole items whatever the index projects).
 */
let s: Scratch;

beforeAll(async () => {
  s = await scratchStores("cost_dataset");
  const c = new pg.Client(pgClientConfig(s.pg));
  await c.connect();
  await c.query("CREATE TABLE users (id int PRIMARY KEY, v text)");
  await c.query("INSERT INTO users SELECT i, repeat('x', 100) FROM generate_series(1, 1000) i");
  await c.end();
  const store = createDynamoStore(s.dynamo, 2);
  const TableName = await createItemsTable(store, false, { ByG: { ProjectionType: "KEYS_ONLY" } });
  // pk 2 + 2, x 1 + 100; three of them carry g (1 + 1): 105 or 107 bytes
  for (let i = 0; i < 5; i++)
    await store.doc.send(
      new PutCommand({
        TableName,
        Item: { pk: `k${i}`, x: "y".repeat(100), ...(i < 3 ? { g: "a" } : {}) },
      }),
    );
  store.close();
}, 60_000);

afterAll(async () => {
  await s?.cleanup();
});

describe("dataset figures", () => {
  it("gives rows and bytes of PostgreSQL tables, items and bytes of DynamoDB tables and GSIs", async () => {
    const d = await measureDataset(s);
    expect(d.users).toBe(1000);
    const users = d.pgTables.find((t) => t.table === "users")!;
    expect(users.rows).toBe(1000);
    // 1,000 rows of about 130 bytes: more than 16 pages of heap; the primary key's index
    expect(users.tableBytes).toBeGreaterThan(16 * 8192);
    expect(users.indexBytes).toBeGreaterThan(0);
    expect(d.dynamoTables).toHaveLength(1);
    const items = d.dynamoTables[0];
    // 3 x 107 + 2 x 105 = 531 bytes; the KEYS_ONLY index: 3 items of pk + g = 6 bytes
    expect(items).toMatchObject({
      table: "items",
      items: 5,
      bytes: 531,
      gsis: [{ name: "ByG", items: 3, bytes: 18 }],
      source: "scan",
    });
    // DynamoDB Local sizes the table the same way, and the GSI as whole items (3 x 107)
    const client = createDynamoStore(s.dynamo, 1);
    const t = await client.raw.send(new DescribeTableCommand({ TableName: client.table("items") }));
    expect(t.Table!.TableSizeBytes).toBe(531);
    expect(t.Table!.GlobalSecondaryIndexes![0].IndexSizeBytes).toBe(321);
    client.close();
  }, 60_000);
});
