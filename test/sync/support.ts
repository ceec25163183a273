import { QueryCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { ATTR, LEADERBOARDS_TABLE, leaderboardType } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { PROJECTOR_APPLICATION, ProjectorCore } from "../../sync/projector.ts";
import type { Scratch } from "../helpers/stores.ts";
import { tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * The sync tests' stores: tiny data loaded into a scratch database and
 * DynamoDB prefix (the loader creates the harness slot after the load), a
 * client on each, and the environment that points the CLI at them.
 */
export interface SyncStores {
  scratch: Scratch;
  db: pg.Client;
  dyn: ReturnType<typeof createDynamoClient>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function syncStores(name: string): Promise<SyncStores> {
  const scratch = await tinyStores(name);
  const db = new pg.Client(pgClientConfig(scratch.pg));
  db.on("error", () => {});
  await db.connect();
  const dyn = createDynamoClient(scratch.dynamo);
  const p = scratch.pg;
  const env = {
    DATABASE_URL: `postgres://${p.user}@${p.host}:${p.port}/${p.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: scratch.dynamo.endpoint ?? "",
    BELLYFED_TABLE_PREFIX: scratch.dynamo.tablePrefix,
  };
  return {
    scratch,
    db,
    dyn,
    env,
    async close() {
      await db.end().catch(() => {});
      dyn.destroy();
      await scratch.cleanup();
    },
  };
}

/** The sync stores and a projector core on them, initialised (tests that hand it transactions). */
export async function coreOnStores(name: string): Promise<{ s: SyncStores; core: ProjectorCore }> {
  const s = await syncStores(name);
  const core = new ProjectorCore(s.scratch, { source: "test" });
  await core.init();
  return { s, core };
}

/** A leaderboard's items in DynamoDB (consistent read), in rank order. */
export async function leaderboardInDynamo(s: SyncStores, city: string, cuisine: string) {
  const r = await s.dyn.send(
    new QueryCommand({
      TableName: `${s.scratch.dynamo.tablePrefix}${LEADERBOARDS_TABLE}`,
      KeyConditionExpression: "#t = :t",
      ExpressionAttributeNames: { "#t": ATTR.leaderboardType },
      ExpressionAttributeValues: { ":t": { S: leaderboardType(city, cuisine) } },
      ConsistentRead: true,
    }),
  );
  return (r.Items ?? []).sort((a, b) => Number(a[ATTR.rank]?.N) - Number(b[ATTR.rank]?.N));
}

/** A few committed changes that touch every read model: follows, reviews and a new ranking. */
export async function writeSome(db: pg.Client, n: number, tag = 0): Promise<void> {
  const users = (await db.query("SELECT user_id FROM users ORDER BY user_id LIMIT $1", [n + 1]))
    .rows;
  const dish = (
    await db.query(
      "SELECT d.dish_id, d.dish_type, d.restaurant_id FROM dishes d JOIN restaurants r USING (restaurant_id) WHERE r.city IS NOT NULL ORDER BY d.dish_id LIMIT 1 OFFSET $1",
      [tag],
    )
  ).rows[0];
  for (let i = 0; i < n; i++) {
    await db.query(
      `INSERT INTO follows (follow_id, follower_id, followed_id, created_at)
       VALUES (gen_random_uuid(), $1, $2, '2026-01-01 00:00:01') ON CONFLICT DO NOTHING`,
      [users[i + 1].user_id, users[0].user_id],
    );
    await db.query(
      `INSERT INTO reviews (review_id, user_id, dish_id, content, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'sync test', '2026-01-01 00:00:01', '2026-01-01 00:00:01')`,
      [users[i].user_id, dish.dish_id],
    );
    await db.query(
      `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, 1000 + $5, '2026-01-01 00:00:02', '2026-01-01 00:00:02')`,
      [users[i].user_id, dish.dish_id, dish.dish_type, dish.restaurant_id, i + tag * 100],
    );
  }
}

/** Waits until no other client is connected to the scratch database (the projector's own aside). */
export async function writersGone(s: SyncStores, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await s.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND backend_type = 'client backend' AND application_name <> $1`,
      [PROJECTOR_APPLICATION],
    );
    if (r.rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("other clients are still connected to the scratch database");
}
