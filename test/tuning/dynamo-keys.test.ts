import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyDynamoTables } from "../../schema/dynamodb/apply.ts";
import {
  ATTR,
  POPULARITY_PARTITION_VALUE,
  TRENDING_DISHES_TABLE,
  USER_POPULARITY_TABLE,
} from "../../schema/dynamodb/tables.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { analyzeDynamoKeys } from "../../tuning/dynamo-keys.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** Real DynamoDB Local tables: a constant GSI key and skewed traffic are both reported. */
let stores: Scratch;

beforeAll(async () => {
  stores = await scratchStores("tuning_dynamo");
  const client = createDynamoClient(stores.dynamo);
  const doc = DynamoDBDocumentClient.from(client);
  try {
    await applyDynamoTables(client, { prefix: stores.dynamo.tablePrefix });
    const users = Array.from({ length: 40 }, (_, i) => ({
      [ATTR.userId]: `u${i}`,
      [ATTR.popularityPartition]: POPULARITY_PARTITION_VALUE,
      [ATTR.influenceScore]: i * 3,
      [ATTR.followerCount]: i,
    }));
    const dishes = Array.from({ length: 60 }, (_, i) => ({
      [ATTR.locationId]: i < 30 ? "hot" : `cold-${i % 5}`,
      [ATTR.dishTypeTimestamp]: `ramen#2026-11-${String((i % 28) + 1).padStart(2, "0")}T00:00:${String(i).padStart(2, "0")}`,
      [ATTR.trendingScore]: i,
      [ATTR.dishId]: `d${i}`,
    }));
    for (const [table, items] of [
      [USER_POPULARITY_TABLE, users],
      [TRENDING_DISHES_TABLE, dishes],
    ] as const)
      for (let i = 0; i < items.length; i += 25)
        await doc.send(
          new BatchWriteCommand({
            RequestItems: {
              [`${stores.dynamo.tablePrefix}${table}`]: items
                .slice(i, i + 25)
                .map((Item) => ({ PutRequest: { Item } })),
            },
          }),
        );
  } finally {
    client.destroy();
  }
});

afterAll(async () => {
  await stores?.cleanup();
});

const fixture = {
  name: "hot-trending",
  url: new URL("./fixtures/hot-trending.ts", import.meta.url).href,
};

it("reports the constant InfluenceScoreIndex key and the traffic's hottest location with its projected RCU", async () => {
  const opts = {
    samples: 100,
    maxItems: 1000,
    data: { scale: "tiny", seed: 1 },
    scenarios: [fixture],
  };
  const low = await analyzeDynamoKeys(stores, { ...opts, traffic: 1000 });
  const high = await analyzeDynamoKeys(stores, { ...opts, traffic: 20_000 });

  const influence = high.spreads.find(
    (s) => s.resource === "BellyfedUserPopularity/InfluenceScoreIndex",
  );
  expect(influence).toMatchObject({
    items: 40,
    distinctKeys: 1,
    hottestKey: "ALL",
    hottestItemShare: 1,
  });
  const constant = high.findings.find((f) => f.index === "InfluenceScoreIndex");
  expect(constant?.kind).toBe("dynamo-hot-partition");
  expect(constant?.evidence).toContain("write sharding");

  const trending = high.spreads.find(
    (s) => s.resource === "BellyfedTrendingDishes/TrendingScoreIndex",
  );
  expect(trending?.traffic?.queries).toBe(100);
  expect(trending?.traffic?.hottestKey).toBe("hot");
  expect(trending?.traffic?.hottestShare).toBeGreaterThan(0.8);
  expect(trending?.traffic?.hottestShare).toBeLessThan(0.97);
  expect(trending?.traffic?.rcuPerQuery).toBeGreaterThan(0);
  // items: half of them under "hot"
  expect(trending?.hottestItemShare).toBeCloseTo(0.5, 5);

  // the traffic warning depends on the traffic: above one partition's 3,000 RCU/s only at the higher rate
  const hotAt = (r: typeof low) =>
    r.findings.filter(
      (f) => f.index === "TrendingScoreIndex" && f.evidence.includes("RCU/s, above"),
    );
  const rcu = trending!.traffic!.hottestShare * trending!.traffic!.rcuPerQuery;
  expect(hotAt(high).length).toBe(20_000 * rcu > 3000 ? 1 : 0);
  expect(hotAt(low).length).toBe(1000 * rcu > 3000 ? 1 : 0);
  expect(20_000 * rcu).toBeGreaterThan(3000);
}, 300_000);
