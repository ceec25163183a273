import type { AddressInfo } from "node:net";
import { CreateTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpTiming, running } from "../../core/op-clock.ts";
import { classifyError } from "../../engine/classify.ts";
import { createDynamoStore, type DynamoStore, type WriteRetries } from "../../stores/dynamo.ts";
import { type Faults, proxy, type Seen } from "../helpers/dynamo-proxy.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * DynamoStore's writes against real DynamoDB Local: conditions, capacity per
 * table and per GSI, BatchWriteItem's retries (through a fault-injecting
 * proxy), TransactWriteItems, and the send-time hook.
 */

let s: Scratch;
let store: DynamoStore;
/** a scratch table with one GSI (g, score), projecting everything */
let T: string;
/** a second scratch table without indexes */
let U: string;
const GSI = "ScoreIndex";

beforeAll(async () => {
  s = await scratchStores("dynamo_writes");
  store = createDynamoStore(s.dynamo, 8);
  T = store.table("scores");
  U = store.table("plain");
  await store.raw.send(
    new CreateTableCommand({
      TableName: T,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "g", AttributeType: "S" },
        { AttributeName: "score", AttributeType: "N" },
      ],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: GSI,
          KeySchema: [
            { AttributeName: "g", KeyType: "HASH" },
            { AttributeName: "score", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  await store.raw.send(
    new CreateTableCommand({
      TableName: U,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
}, 120_000);

afterAll(async () => {
  store?.close();
  await s?.cleanup();
});

async function get(table: string, pk: string): Promise<Record<string, unknown> | undefined> {
  return (
    await store.doc.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))
  ).Item;
}

/** a copy of the store's capacity figures, to compare before and after */
function snapshot(st: DynamoStore) {
  return structuredClone(st.capacity());
}

/** Runs `fn` as the engine runs an operation: `running.op` set for its synchronous part. */
function asOperation<R>(op: OpTiming, fn: () => Promise<R>): Promise<R> {
  running.op = op;
  try {
    return fn();
  } finally {
    running.op = null;
  }
}

describe("DynamoStore writes against DynamoDB Local", () => {
  it("put, update and delete with conditions: a refused condition rejects as a query error and changes nothing", async () => {
    await store.put({
      TableName: T,
      Item: { pk: "c1", g: "ALL", score: 1, version: 1 },
      ConditionExpression: "attribute_not_exists(pk)",
    });
    // the same key again: refused
    const refused = await store
      .put({
        TableName: T,
        Item: { pk: "c1", g: "ALL", score: 99, version: 9 },
        ConditionExpression: "attribute_not_exists(pk)",
      })
      .catch((e) => e);
    expect(refused.name).toBe("ConditionalCheckFailedException");
    expect(classifyError(refused)).toBe("query");
    expect(await get(T, "c1")).toEqual({ pk: "c1", g: "ALL", score: 1, version: 1 });

    // optimistic update: the right version passes, a stale one is refused
    const update = (expected: number) =>
      store.update({
        TableName: T,
        Key: { pk: "c1" },
        UpdateExpression: "SET score = :s, version = :next",
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":s": 10 * expected, ":v": expected, ":next": expected + 1 },
        ReturnValues: "ALL_NEW",
      });
    expect((await update(1)).Attributes).toMatchObject({ score: 10, version: 2 });
    const stale = await update(1).catch((e) => e);
    expect(stale.name).toBe("ConditionalCheckFailedException");
    expect(await get(T, "c1")).toMatchObject({ score: 10, version: 2 });

    // delete only at a given version
    const del = (v: number) =>
      store.delete({
        TableName: T,
        Key: { pk: "c1" },
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":v": v },
      });
    await expect(del(1)).rejects.toMatchObject({ name: "ConditionalCheckFailedException" });
    expect(await get(T, "c1")).toBeDefined();
    await del(2);
    expect(await get(T, "c1")).toBeUndefined();
  });

  it("sums write capacity per table and per GSI, as the server reports it", async () => {
    const fresh = createDynamoStore(s.dynamo, 2);
    try {
      // a new small item: one unit in the table, one in the index it appears in
      const put = await fresh.put({ TableName: T, Item: { pk: "cap1", g: "ALL", score: 1 } });
      expect(put.ConsumedCapacity).toMatchObject({
        TableName: T,
        Table: { CapacityUnits: 1 },
        GlobalSecondaryIndexes: { [GSI]: { CapacityUnits: 1 } },
      });
      expect(fresh.capacity()).toEqual({
        readUnits: 0,
        writeUnits: 2,
        byResource: {
          [T]: { readUnits: 0, writeUnits: 1 },
          [`${T}/${GSI}`]: { readUnits: 0, writeUnits: 1 },
        },
      });
      // changing the index key moves the item in the index: a delete and a put there (2 units)
      await fresh.update({
        TableName: T,
        Key: { pk: "cap1" },
        UpdateExpression: "SET score = :s",
        ExpressionAttributeValues: { ":s": 2 },
      });
      // a query's units are read units, in the same figures
      await fresh.query({
        TableName: T,
        IndexName: GSI,
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": "ALL" },
      });
      const gsiRead = fresh.capacity().byResource[`${T}/${GSI}`].readUnits;
      expect(gsiRead).toBeGreaterThan(0);
      expect(fresh.capacity().readUnits).toBe(gsiRead);
      expect(fresh.capacity().writeUnits).toBe(2 + 3);
      // an item without the index's keys is not in the index: the table alone pays
      await fresh.put({ TableName: T, Item: { pk: "cap2", note: "not indexed" } });
      await fresh.delete({ TableName: T, Key: { pk: "cap1" } });
      expect(fresh.capacity().byResource).toEqual({
        [T]: { readUnits: 0, writeUnits: 4 },
        [`${T}/${GSI}`]: {
          readUnits: gsiRead,
          writeUnits: 1 + 2 + 1,
        },
      });
      expect(fresh.capacity().writeUnits).toBe(8);
    } finally {
      fresh.close();
    }
  });

  it("marks the operation's send and leaves warm-up operations' capacity out", async () => {
    const fresh = createDynamoStore(s.dynamo, 2);
    try {
      const warm: OpTiming = { sentUs: 0, measured: false };
      await asOperation(warm, () => fresh.put({ TableName: U, Item: { pk: "w1" } }));
      expect(warm.sentUs).toBeGreaterThan(0);
      expect(fresh.capacity()).toEqual({ readUnits: 0, writeUnits: 0, byResource: {} });
      const op: OpTiming = { sentUs: 0, measured: true };
      const before = Date.now() * 1000;
      await asOperation(op, () =>
        fresh.batchWrite({ RequestItems: { [U]: [{ PutRequest: { Item: { pk: "w2" } } }] } }),
      );
      expect(op.sentUs).toBeGreaterThanOrEqual(before - 1000);
      expect(fresh.capacity().byResource[U]).toEqual({ readUnits: 0, writeUnits: 1 });
    } finally {
      fresh.close();
    }
  });

  it("TransactWriteItems: all or nothing, capacity per table and GSI", async () => {
    const fresh = createDynamoStore(s.dynamo, 2);
    try {
      expect(fresh.transactions).toBe(true);
      await fresh.put({ TableName: U, Item: { pk: "owner" } });
      const before = snapshot(fresh);
      const out = await fresh.transactWrite({
        TransactItems: [
          { Put: { TableName: T, Item: { pk: "tx1", g: "ALL", score: 5 } } },
          { Put: { TableName: U, Item: { pk: "tx1" } } },
          {
            ConditionCheck: {
              TableName: U,
              Key: { pk: "owner" },
              ConditionExpression: "attribute_exists(pk)",
            },
          },
        ],
      });
      expect(await get(T, "tx1")).toBeDefined();
      expect(await get(U, "tx1")).toBeDefined();
      // one ConsumedCapacity per table; transactional writes cost twice a plain write
      const reported = out.ConsumedCapacity ?? [];
      expect(reported.map((c) => c.TableName).sort()).toEqual([T, U].sort());
      const after = fresh.capacity();
      for (const c of reported) {
        const key = c.TableName as string;
        expect(after.byResource[key].writeUnits - (before.byResource[key]?.writeUnits ?? 0)).toBe(
          c.Table?.CapacityUnits,
        );
      }
      const gsi = reported.find((c) => c.TableName === T)?.GlobalSecondaryIndexes?.[GSI];
      expect(gsi?.CapacityUnits).toBeGreaterThan(0);
      expect(after.byResource[`${T}/${GSI}`].writeUnits).toBe(gsi?.CapacityUnits);

      // one failed condition cancels the whole transaction: nothing of it is written
      const cancelled = await fresh
        .transactWrite({
          TransactItems: [
            { Put: { TableName: T, Item: { pk: "tx2", g: "ALL", score: 6 } } },
            {
              ConditionCheck: {
                TableName: U,
                Key: { pk: "nobody" },
                ConditionExpression: "attribute_exists(pk)",
              },
            },
          ],
        })
        .catch((e) => e);
      expect(cancelled.name).toBe("TransactionCanceledException");
      expect(cancelled.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
        "None",
        "ConditionalCheckFailed",
      ]);
      expect(classifyError(cancelled)).toBe("query");
      expect(await get(T, "tx2")).toBeUndefined();
    } finally {
      fresh.close();
    }
  });

  it("refuses TransactWriteItems on an endpoint without transactions, sending nothing", async () => {
    const noTx = createDynamoStore({ ...s.dynamo, transactions: false }, 2);
    try {
      expect(noTx.transactions).toBe(false);
      const e = await noTx
        .transactWrite({ TransactItems: [{ Put: { TableName: U, Item: { pk: "never" } } }] })
        .catch((x) => x);
      expect(e.name).toBe("TransactionsUnsupported");
      expect(e.message).toMatch(
        /TransactWriteItems is not supported by .*dynalite has no transactions/,
      );
      expect(e.message).toMatch(/npx bellyfed-bench services up/);
      expect(await get(U, "never")).toBeUndefined();
      expect(noTx.capacity().writeUnits).toBe(0);
    } finally {
      noTx.close();
    }
  });
});

describe("DynamoStore.batchWrite: the loader's retry rules against DynamoDB Local behind a fault proxy", () => {
  async function through(
    faults: Faults,
    fn: (st: DynamoStore, seen: Seen) => Promise<void>,
  ): Promise<void> {
    const seen: Seen = { calls: 0, capacity: {}, capacityTotal: 0 };
    const server = await proxy(s.dynamo.endpoint as string, faults, seen);
    const port = (server.address() as AddressInfo).port;
    const st = createDynamoStore({ ...s.dynamo, endpoint: `http://127.0.0.1:${port}` }, 4);
    try {
      await fn(st, seen);
    } finally {
      st.close();
      await new Promise((r) => server.close(r));
    }
  }

  async function count(table: string, prefix: string): Promise<number> {
    const out = await store.raw.send(
      new ScanCommand({
        TableName: table,
        Select: "COUNT",
        FilterExpression: "begins_with(pk, :p)",
        ExpressionAttributeValues: { ":p": { S: prefix } },
        ConsistentRead: true,
      }),
    );
    return out.Count ?? 0;
  }

  it("retries throttled calls and unprocessed items of two tables until all are written, counting retries and capacity per GSI", async () => {
    // puts to both tables and deletes of items written first
    await store.put({ TableName: U, Item: { pk: "bw-old-1" } });
    await store.put({ TableName: U, Item: { pk: "bw-old-2" } });
    const retries: WriteRetries = { retries: 0, throttles: 0 };
    await through({ throttle: new Set([1, 3]), halve: true }, async (st, seen) => {
      const input = {
        RequestItems: {
          [T]: Array.from({ length: 16 }, (_, i) => ({
            PutRequest: { Item: { pk: `bw-${i}`, g: "ALL", score: i } },
          })),
          [U]: [
            ...Array.from({ length: 7 }, (_, i) => ({ PutRequest: { Item: { pk: `bw-${i}` } } })),
            { DeleteRequest: { Key: { pk: "bw-old-1" } } },
            { DeleteRequest: { Key: { pk: "bw-old-2" } } },
          ],
        },
      };
      await st.batchWrite(input, { baseMs: 1, capMs: 20, counts: retries });
      expect(await count(T, "bw-")).toBe(16);
      expect(await count(U, "bw-")).toBe(7);
      expect(await get(U, "bw-old-1")).toBeUndefined();
      // two throttled calls, then halves until each table's last request: 16 -> 8 -> 4 -> 2 -> 1, 9 -> 4 -> 2 -> 1
      expect(retries.throttles).toBe(2);
      expect(retries.retries).toBe(seen.calls - 1);
      expect(seen.calls).toBe(2 + 5);
      // the caller's input is untouched: every request still there
      expect(input.RequestItems[T]).toHaveLength(16);
      // capacity: what the server reported over every answered attempt, per table and per GSI
      const cap = st.capacity();
      expect(cap.byResource[T].writeUnits).toBe(16);
      expect(cap.byResource[`${T}/${GSI}`].writeUnits).toBe(16);
      expect(cap.byResource[U].writeUnits).toBe(9);
      for (const [k, units] of Object.entries(seen.capacity))
        expect(cap.byResource[k].writeUnits).toBe(units);
      expect(cap.writeUnits).toBe(seen.capacityTotal);
    });
  }, 60_000);

  it("gives up after maxAttempts answers in a row without progress, with the loader's message", async () => {
    const retries: WriteRetries = { retries: 0, throttles: 0 };
    await through({ throttle: new Set(), halve: false, refuseAll: true }, async (st, seen) => {
      await expect(
        st.batchWrite(
          { RequestItems: { [U]: [{ PutRequest: { Item: { pk: "bw-never" } } }] } },
          { baseMs: 1, capMs: 5, maxAttempts: 3, counts: retries },
        ),
      ).rejects.toThrow(/BatchWriteItem made no progress after 3 attempts/);
      expect(seen.calls).toBe(3);
      expect(retries.retries).toBe(2);
    });
    expect(await get(U, "bw-never")).toBeUndefined();
  }, 60_000);

  it("does not retry an error that is not throttling", async () => {
    const retries: WriteRetries = { retries: 0, throttles: 0 };
    await through(
      { throttle: new Set(), halve: false, error: "ValidationException" },
      async (st, seen) => {
        await expect(
          st.batchWrite(
            { RequestItems: { [U]: [{ PutRequest: { Item: { pk: "bw-bad" } } }] } },
            { baseMs: 1, capMs: 5, counts: retries },
          ),
        ).rejects.toMatchObject({ name: "ValidationException" });
        expect(seen.calls).toBe(1);
        expect(retries).toEqual({ retries: 0, throttles: 0 });
      },
    );
  }, 60_000);
});
