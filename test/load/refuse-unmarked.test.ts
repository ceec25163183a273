import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { load } from "../../load/index.ts";
import { USER_POPULARITY_TABLE } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { withPg } from "./support.ts";

describe("a database holding tables bellyfed-bench did not create", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_refuse");
    await withPg(s.pg, async (c) => {
      await c.query("CREATE TABLE customer_orders (id int PRIMARY KEY, total numeric)");
      await c.query("INSERT INTO customer_orders VALUES (1, 9.5), (2, 12)");
    });
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("is refused with one line naming the database and --force; nothing is written", async () => {
    const attempt = load({ scale: "tiny", seed: 1, endpoints: s, progressOut: null });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `database ${s.pg.database} holds tables bellyfed-bench did not create \\(public.customer_orders\\); to load into it anyway, run 'bellyfed-bench load --scale tiny --seed 1 --force'`,
      ),
    );
    await withPg(s.pg, async (c) => {
      const tables = await c.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(["customer_orders"]);
      expect((await c.query("SELECT count(*)::int AS n FROM customer_orders")).rows[0].n).toBe(2);
    });
  });
});

describe("a DynamoDB prefix holding a table bellyfed-bench did not create", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_refuse_dyn");
    const dyn = createDynamoClient(s.dynamo, 2);
    try {
      await dyn.send(
        new CreateTableCommand({
          TableName: `${s.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`,
          AttributeDefinitions: [{ AttributeName: "user_id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "user_id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    } finally {
      dyn.destroy();
    }
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("is refused before PostgreSQL is written to", async () => {
    const attempt = load({ scale: "tiny", seed: 1, endpoints: s, progressOut: null });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(
      /holds tables bellyfed-bench did not create .*; to replace them anyway, run 'bellyfed-bench load --scale tiny --seed 1 --force'$/,
    );
    await withPg(s.pg, async (c) => {
      const tables = await c.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(tables.rows[0].n).toBe(0);
    });
  });
});
