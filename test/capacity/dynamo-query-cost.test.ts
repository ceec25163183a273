import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { createItemsTable } from "./fixtures/items-table.ts";
import { measureFixture } from "./fixtures/measure.ts";

/**
 * Cost per operation of known DynamoDB Queries (issue 17, item 2): measured
 * from DynamoDB Local's ConsumedCapacity and computed by the item-size rules,
 * for the table and a GSI, equal to the units counted by hand.
 */
let s: Scratch;

beforeAll(async () => {
  s = await scratchStores("cost_dynamo_query");
  const store = createDynamoStore(s.dynamo, 2);
  const TableName = await createItemsTable(store, true, {
    ByG: { ProjectionType: "INCLUDE", NonKeyAttributes: ["n"] },
  });
  // three items of 2,014 bytes: pk 2+1, sk 2+1, g 1+1, n 1+(1+1), pad 3+2,000
  for (const sk of ["1", "2", "3"])
    await store.doc.send(
      new PutCommand({ TableName, Item: { pk: "p", sk, g: "a", n: 42, pad: "x".repeat(2000) } }),
    );
  store.close();
}, 60_000);

afterAll(async () => {
  await s?.cleanup();
});

describe("cost per operation of known DynamoDB Queries", () => {
  it("equals the item-size rules, measured and computed, for the table and the GSI", async () => {
    const cost = await measureFixture("dynamo-known", s, 20);
    expect(cost.operations).toBeGreaterThan(20);
    expect(cost.postgres).toBeUndefined();
    const table = cost.dynamo!.find((c) => c.table === "items" && c.index === undefined)!;
    const gsi = cost.dynamo!.find((c) => c.table === "items" && c.index === "ByG")!;
    // table: 3 x 2,014 = 6,042 bytes, two 4 KB units, strongly consistent: 2 RCU
    expect(table.computed).toEqual({ rcu: 2, wcu: 0 });
    expect(table.measured).toEqual(table.computed);
    // GSI: index items of pk, sk, g, n = 11 bytes each, 33 bytes: one unit, eventually consistent
    expect(gsi.computed).toEqual({ rcu: 0.5, wcu: 0 });
    expect(gsi.measured).toEqual(gsi.computed);
    expect(gsi.constantKey).toBe("a");
  }, 60_000);
});
