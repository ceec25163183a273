import { CreateTableCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStep } from "../../engine/run-step.ts";
import { createDynamoStore } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { dynamoQuery } from "./fixtures/dynamo-query.ts";

/**
 * Consumed capacity is counted for the measured window only: a Query of one
 * small item, eventually consistent, costs 0.5 RCU by DynamoDB's rules
 * (4 KB units, half for eventual consistency), with or without a warm-up.
 */
let scratch: Scratch;
const TABLE = "cap_one";

beforeAll(async () => {
  scratch = await scratchStores("capacity-window");
  const store = createDynamoStore(scratch.dynamo);
  await store.raw.send(
    new CreateTableCommand({
      TableName: store.table(TABLE),
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await store.doc.send(
    new PutCommand({ TableName: store.table(TABLE), Item: { pk: "one", v: 1 } }),
  );
  store.close();
});

afterAll(async () => {
  const store = createDynamoStore(scratch.dynamo);
  await store.raw.send(new DeleteTableCommand({ TableName: store.table(TABLE) })).catch(() => {});
  store.close();
  await scratch?.cleanup();
});

describe("capacity per operation of a known small Query", () => {
  for (const warmupMs of [0, 1000]) {
    it(`is exactly 0.5 RCU with ${warmupMs} ms of warm-up`, async () => {
      const r = await runStep(
        { scenario: dynamoQuery(TABLE) },
        { type: "open", rate: 100, maxInFlight: 100 },
        { warmupMs, durationMs: 2000, iterations: Number.POSITIVE_INFINITY, timeoutMs: 5000 },
        { workers: 1, connections: 4, endpoints: scratch, data: { scale: "tiny", seed: 1 } },
      );
      const ops = r.operations.ok + Object.values(r.operations.errors).reduce((a, b) => a + b, 0);
      expect(r.operations.ok).toBeGreaterThan(150);
      if (warmupMs > 0) expect(r.warmup?.ok).toBeGreaterThan(50);
      expect(r.capacity?.readUnits).toBe(0.5 * ops);
      expect(r.capacity?.byResource[`${scratch.dynamo.tablePrefix}${TABLE}`]?.readUnits).toBe(
        0.5 * ops,
      );
    });
  }
});
