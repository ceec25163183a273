import type { AddressInfo } from "node:net";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BatchWriter,
  type BatchWriterOptions,
  backoffMs,
  type Item,
} from "../../load/batch-writer.ts";
import { popularityItem } from "../../load/read-models.ts";
import { applyDynamoTables, USER_POPULARITY_TABLE } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { type Faults, proxy, type Seen } from "../helpers/dynamo-proxy.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** The writer against real DynamoDB Local behind a fault-injecting proxy (test/helpers/dynamo-proxy.ts). */

function items(n: number, from = 0): Item[] {
  return Array.from({ length: n }, (_, i) =>
    popularityItem({
      user_id: `00000000-0000-4000-8000-${String(from + i).padStart(12, "0")}`,
      follower_count: i,
      ranking_count: 2 * i,
      review_count: 3,
      influence_score: (i / 7).toFixed(4),
      last_updated: "2026-01-01T00:00:00.000Z",
    }),
  );
}

describe("BatchWriter: throttling and UnprocessedItems against real DynamoDB Local", () => {
  let s: Scratch;
  let table: string;
  beforeAll(async () => {
    s = await scratchStores("batch_writer");
    const direct = createDynamoClient(s.dynamo, 4);
    try {
      await applyDynamoTables(direct, { prefix: s.dynamo.tablePrefix });
    } finally {
      direct.destroy();
    }
    table = `${s.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`;
  }, 120_000);
  afterAll(async () => {
    await s?.cleanup();
  });

  async function through<T>(
    faults: Faults,
    fn: (writer: BatchWriter, seen: Seen) => Promise<T>,
    opts: BatchWriterOptions = {},
  ): Promise<T> {
    const seen: Seen = { calls: 0, capacity: {}, capacityTotal: 0 };
    const server = await proxy(s.dynamo.endpoint as string, faults, seen);
    const port = (server.address() as AddressInfo).port;
    const client = createDynamoClient({ ...s.dynamo, endpoint: `http://127.0.0.1:${port}` }, 8);
    try {
      return await fn(
        new BatchWriter(client, { concurrency: 3, baseMs: 1, capMs: 20, ...opts }),
        seen,
      );
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  }

  async function count(): Promise<number> {
    const c = createDynamoClient(s.dynamo, 2);
    try {
      let n = 0;
      let start: Record<string, never> | undefined;
      do {
        const out = await c.send(
          new ScanCommand({ TableName: table, Select: "COUNT", ExclusiveStartKey: start }),
        );
        n += out.Count ?? 0;
        start = out.LastEvaluatedKey as typeof start;
      } while (start);
      return n;
    } finally {
      c.destroy();
    }
  }

  it("retries throttled calls and unprocessed items until every item is written, and sums the server's capacity", async () => {
    const written: number[] = [];
    const faults = { throttle: new Set([1, 2, 5]), halve: true };
    const onWritten = (_t: string, n: number) => written.push(n);
    await through(
      faults,
      async (writer, seen) => {
        for (let b = 0; b < 8; b++) await writer.put(table, items(25, b * 25));
        await writer.flush();
        expect(await count()).toBe(200);
        expect(writer.items).toBe(200);
        expect(written.reduce((a, n) => a + n, 0)).toBe(200);
        // every call was answered: throttled ones, and halves that came back unprocessed
        expect(writer.throttles).toBe(3);
        expect(writer.requests).toBe(seen.calls);
        expect(writer.retries).toBe(seen.calls - 8);
        // 25 -> 13 + 12 -> 6 + 6 -> 3 + 3 -> 2 + 1 -> 1: five calls per batch besides the throttled ones
        expect(seen.calls).toBe(8 * 5 + 3);
        expect(writer.capacity.total).toBeCloseTo(seen.capacityTotal, 6);
        expect(writer.capacity.byResource).toEqual(seen.capacity);
        // a small item costs one unit in the table and one in its GSI
        expect(writer.capacity.byResource[table]).toBe(200);
        expect(Object.keys(writer.capacity.byResource)).toContain(`${table}/InfluenceScoreIndex`);
      },
      { onWritten },
    );
  }, 120_000);

  it("gives up with a one-line message when a batch makes no progress", async () => {
    await through(
      { throttle: new Set(), halve: false, refuseAll: true },
      async (writer, seen) => {
        await writer.put(table, items(5, 1000));
        await expect(writer.flush()).rejects.toThrow(/no progress after 4 attempts/);
        expect(seen.calls).toBe(4);
        // later batches are refused at once
        await expect(writer.put(table, items(1, 2000))).rejects.toThrow(/no progress/);
      },
      { maxAttempts: 4 },
    );
  }, 60_000);

  it("does not retry an error that is not throttling", async () => {
    await through(
      { throttle: new Set(), halve: false, error: "ValidationException" },
      async (writer, seen) => {
        await writer.put(table, items(3, 3000));
        await expect(writer.flush()).rejects.toMatchObject({ name: "ValidationException" });
        expect(seen.calls).toBe(1);
        expect(writer.retries).toBe(0);
      },
    );
  }, 60_000);

  it("backoff is full jitter below min(cap, base * 2^attempt)", () => {
    for (const attempt of [0, 1, 3, 6, 12]) {
      const limit = Math.min(5000, 25 * 2 ** attempt);
      const xs = Array.from({ length: 200 }, () => backoffMs(attempt, 25, 5000));
      for (const x of xs) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(limit);
      }
      // jittered: spread over the range, not one value
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(limit / 4);
    }
  });
});
