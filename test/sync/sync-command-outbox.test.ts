import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureLoaded } from "../../load/index.ts";
import { itemKey } from "../../load/read-models.ts";
import { SYNC_INDEXES } from "../../load/replication.ts";
import { LEADERBOARDS_TABLE, USER_POPULARITY_TABLE } from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import {
  type Group,
  type Item,
  leaderboardItems,
  popularityItems,
  SRC_POS,
  sameItem,
} from "../../sync/models.ts";
import { runCli } from "../helpers/cli.ts";
import { type Pg15, startPg15 } from "../helpers/pg15.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { TINY } from "../scenarios/helpers/tiny-data.ts";

/**
 * `bellyfed-bench sync`, the real command in a child process, on a server
 * without logical decoding (Debian's PostgreSQL 15, wal_level=replica) with
 * tiny data loaded: it says so in one line and reads the transactional
 * outbox; follows, an unfollow, a review and a dish ranking committed while it
 * runs show in DynamoDB (consistent reads); Ctrl-C (SIGINT) stops it cleanly;
 * `sync status` shows the outbox, everything acknowledged; `sync verify` finds
 * the read models equal to a full recompute.
 */

const BIN = fileURLToPath(new URL("../../bin/bellyfed-bench.js", import.meta.url));

let server: Pg15;
let scratch: Scratch;
let db: pg.Client;
let dyn: ReturnType<typeof createDynamoClient>;
let env: Record<string, string>;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // the harness's DynamoDB Local under a prefix of this file's own (its empty embedded database aside)
  // (side by side; afterAll stops whichever started)
  const [pg15, stores] = await Promise.allSettled([
    startPg15({ settings: { wal_level: "replica" } }),
    scratchStores("sync_outbox_cmd"),
  ]);
  if (pg15.status === "fulfilled") server = pg15.value;
  if (stores.status === "fulfilled") scratch = stores.value;
  if (pg15.status === "rejected") throw pg15.reason;
  if (stores.status === "rejected") throw stores.reason;
  const admin = new pg.Client(pgClientConfig(server.target));
  await admin.connect();
  await admin.query("CREATE DATABASE bench");
  await admin.end();
  const endpoints: Endpoints = {
    pg: { ...server.target, database: "bench", description: `${server.target.description}/bench` },
    dynamo: scratch.dynamo,
  };
  await ensureLoaded({ ...TINY, indexSet: "seed", endpoints, showProgress: false });
  db = new pg.Client(pgClientConfig(endpoints.pg));
  db.on("error", () => {});
  await db.connect();
  dyn = createDynamoClient(scratch.dynamo);
  const p = endpoints.pg;
  env = {
    DATABASE_URL: `postgres://${p.user}@${p.host}:${p.port}/${p.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: scratch.dynamo.endpoint ?? "",
    BELLYFED_TABLE_PREFIX: scratch.dynamo.tablePrefix,
  };
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await db?.end().catch(() => {});
  dyn?.destroy();
  await scratch?.cleanup();
  await server?.stop();
});

/** The item DynamoDB holds under `item`'s key (a consistent read). */
async function stored(table: string, item: Item): Promise<Item | undefined> {
  const out = await dyn.send(
    new GetItemCommand({
      TableName: `${scratch.dynamo.tablePrefix}${table}`,
      Key: itemKey(table, item),
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** What a full recompute says the touched users' and leaderboards' items are now. */
async function expectedItems(users: string[], boards: Group[]): Promise<[string, Item][]> {
  return [
    ...(await popularityItems(db, users)).map(
      (it) => [USER_POPULARITY_TABLE, it] as [string, Item],
    ),
    ...(await leaderboardItems(db, boards)).map((it) => [LEADERBOARDS_TABLE, it] as [string, Item]),
  ];
}

async function until(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("sync on a server without logical decoding: outbox chosen, changes projected, clean stop, verify equal", async () => {
  child = spawn(process.execPath, [BIN, "sync", "-q"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child?.once("exit", (code) => r(code)));
  await until("the sync to start", async () => /^sync: projecting .*Ctrl-C stops$/m.test(stderr));
  // the source it names is the outbox (no replication slot exists here)
  expect(stderr).toMatch(/^sync: projecting .*\/bench .*-> .* \(outbox, polled\); Ctrl-C stops$/m);
  // one line says why not logical decoding, with the fix, and that the outbox stands in
  const said = stderr.split("\n").filter((l) => l.includes("logical decoding"));
  expect(said).toHaveLength(1);
  expect(said[0]).toMatch(
    /^logical decoding is off on the server of database bench \(wal_level=replica\); fix: .*ALTER SYSTEM SET wal_level = logical.*; until then the sync reads a transactional outbox/,
  );
  expect(stderr).toMatch(/^installed the outbox \(\d+ objects\)/m);
  // with the per-key recompute's indexes, as a slot has them
  const indexes = await db.query("SELECT indexname FROM pg_indexes WHERE indexname = ANY($1)", [
    SYNC_INDEXES.map((ix) => ix.name),
  ]);
  expect(indexes.rowCount).toBe(SYNC_INDEXES.length);

  // the changes: a user gains followers (one commit each) and loses one, and reviews
  // and ranks a dish (one commit holding both rows)
  const user = (await db.query("SELECT user_id::text AS id FROM users ORDER BY user_id LIMIT 1"))
    .rows[0].id as string;
  const followers = (
    await db.query(
      `SELECT user_id::text AS id FROM users u WHERE user_id <> $1
          AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = u.user_id AND f.followed_id = $1)
        ORDER BY user_id LIMIT 3`,
      [user],
    )
  ).rows.map((r) => r.id as string);
  const dish = (
    await db.query(
      `SELECT d.dish_id, d.dish_type, d.restaurant_id, r.city, r.cuisine_type
         FROM dishes d JOIN restaurants r USING (restaurant_id)
        WHERE r.city IS NOT NULL AND cardinality(r.cuisine_type) > 0
        ORDER BY d.dish_id LIMIT 1`,
    )
  ).rows[0];
  const boards: Group[] = (dish.cuisine_type as string[]).map((c) => [dish.city, c]);
  const touched = [user, ...followers];
  const before = new Map<string, Item | undefined>();
  for (const [table, it] of await expectedItems(touched, boards))
    before.set(`${table} ${JSON.stringify(itemKey(table, it))}`, await stored(table, it));

  // what PostgreSQL committed: transactions and rows (nothing else writes to this database)
  let commits = 0;
  let rows = 0;
  for (const f of followers) {
    await db.query(
      `INSERT INTO follows (follow_id, follower_id, followed_id, created_at)
       VALUES (gen_random_uuid(), $1, $2, '2026-01-01 00:00:01')`,
      [f, user],
    );
    commits++;
    rows++;
  }
  await db.query("BEGIN");
  await db.query(
    `INSERT INTO reviews (review_id, user_id, dish_id, content, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 'outbox e2e', '2026-01-01 00:00:01', '2026-01-01 00:00:01')`,
    [user, dish.dish_id],
  );
  await db.query(
    `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3::text, $4::uuid, 1 + COALESCE(max(rank), 0), '2026-01-01 00:00:02', '2026-01-01 00:00:02'
       FROM dish_rankings WHERE user_id = $1 AND dish_type = $3 AND restaurant_id = $4`,
    [user, dish.dish_id, dish.dish_type, dish.restaurant_id],
  );
  await db.query("COMMIT");
  commits++;
  rows += 2;
  await db.query("DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2", [
    followers[0],
    user,
  ]);
  commits++;
  rows++;

  // DynamoDB shows every change: each touched item equals the recompute, and some differ from before
  const want = await expectedItems(touched, boards);
  const changed = want.filter(([table, it]) => {
    const old = before.get(`${table} ${JSON.stringify(itemKey(table, it))}`);
    return !old || !sameItem(old, it);
  });
  expect(changed.some(([t]) => t === USER_POPULARITY_TABLE)).toBe(true);
  expect(changed.some(([t]) => t === LEADERBOARDS_TABLE)).toBe(true);
  await until("DynamoDB to show the changes", async () => {
    for (const [table, it] of want) {
      const got = await stored(table, it);
      if (!got || !sameItem(got, it)) return false;
    }
    return true;
  });
  // written by the sync: with the outbox position it came from
  for (const [table, it] of changed) expect((await stored(table, it))?.[SRC_POS]).toBeDefined();

  child.kill("SIGINT");
  expect(await exited).toBe(0);
  // each committed transaction applied once, whole, without errors
  const stopped = stdout.match(
    /^sync stopped: ([\d,]+) changes in ([\d,]+) transactions applied \(.*, (\d+) errors\)/m,
  );
  expect(stopped).not.toBeNull();
  expect(Number(stopped?.[1].replace(/,/g, ""))).toBe(rows);
  expect(Number(stopped?.[2].replace(/,/g, ""))).toBe(commits);
  expect(stopped?.[3]).toBe("0");

  // stopped, `sync status` shows the outbox (no slot), everything acknowledged, the counts kept
  // (status and verify only read: run side by side)
  const [st, v] = await Promise.all([
    runCli(["sync", "status", "-q"], env),
    runCli(["sync", "verify", "-q"], env),
  ]);
  expect(st.code).toBe(0);
  expect(st.stdout).not.toMatch(/^slot:/m);
  expect(st.stdout).toMatch(
    /^outbox: installed \(the fallback source\), acknowledged up to \d+; 0 transactions \(0 rows\) pending$/m,
  );
  // positions are the outbox's commit numbers, not WAL positions
  const acked = st.stdout.match(/acknowledged up to (\d+);/)?.[1];
  expect(st.stdout).toMatch(new RegExp(`^last applied: outbox position ${acked} committed `, "m"));
  const applied = st.stdout.match(
    /^applied: ([\d,]+) changes in ([\d,]+) transactions, \d+ stale writes skipped, 0 errors/m,
  );
  expect(Number(applied?.[1].replace(/,/g, ""))).toBe(rows);
  expect(Number(applied?.[2].replace(/,/g, ""))).toBe(commits);

  // the read models equal a full recompute
  expect(v.stdout).toMatch(/^equal: every read-model item matches a full recompute/);
  // trending too: the ranking's group, recomputed as of the instant the sync recorded
  expect(v.stdout).toMatch(/; [1-9]\d* trending groups? as of their recorded instants/);
  expect(v.code).toBe(0);
}, 120_000);
