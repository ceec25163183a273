import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, USER_POPULARITY_TABLE } from "../../schema/index.ts";
import type { ProjectorCore } from "../../sync/projector.ts";
import type { CommittedTx } from "../../sync/source.ts";
import { coreOnStores, leaderboardInDynamo, type SyncStores } from "./support.ts";

/**
 * A replayed change (an older source position, as after a crash) never moves
 * an item backwards and never brings back a member a newer position removed
 * from a top-N list.
 */

let s: SyncStores;
let core: ProjectorCore;

beforeAll(async () => {
  ({ s, core } = await coreOnStores("sync_replay"));
}, 600_000);

afterAll(async () => {
  await core?.close();
  await s?.close();
});

const tx = (position: bigint, changes: CommittedTx["changes"]): CommittedTx => ({
  position,
  commitTime: new Date(),
  changes,
});

async function popularity(user: string) {
  const r = await s.dyn.send(
    new QueryCommand({
      TableName: `${s.scratch.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`,
      KeyConditionExpression: "#u = :u",
      ExpressionAttributeNames: { "#u": ATTR.userId },
      ExpressionAttributeValues: { ":u": { S: user } },
      ConsistentRead: true,
    }),
  );
  return r.Items?.[0];
}

describe("a replayed change", () => {
  it("never moves an item backwards and never resurrects a member a newer position deleted", async () => {
    // --- an item: follower_count written at position 2000, replayed at 1000 after more follows
    const [target, a, b] = (await s.db.query("SELECT user_id FROM users ORDER BY user_id LIMIT 3"))
      .rows;
    const follow = (follower: string) =>
      s.db.query(
        "INSERT INTO follows (follow_id, follower_id, followed_id, created_at) VALUES (gen_random_uuid(), $1, $2, '2026-01-01 00:00:01') ON CONFLICT DO NOTHING",
        [follower, target.user_id],
      );
    await follow(a.user_id);
    const change = {
      table: "follows",
      op: "insert" as const,
      row: { followed_id: target.user_id },
    };
    await core.apply(tx(2000n, [change]));
    const written = await popularity(target.user_id);
    expect(written?.src_pos?.N).toBe("2000");
    await follow(b.user_id); // PostgreSQL moves on; the projector has not seen it
    const staleBefore = core.s.stale;
    await core.apply(tx(1000n, [change])); // the replay of an older position
    const after = await popularity(target.user_id);
    expect(after).toEqual(written); // not rewritten: same values, same position
    expect(core.s.stale).toBe(staleBefore + 1);

    // --- a top-N member: a restaurant leaves a leaderboard at position 4000; 3000 replays
    const r = (
      await s.db.query(
        `SELECT r.restaurant_id::text AS id, r.city, r.cuisine_type[1] AS cuisine
           FROM restaurants r JOIN dish_rankings dr USING (restaurant_id)
          WHERE r.city IS NOT NULL AND cardinality(r.cuisine_type) > 0
          GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows[0];
    const entity = (items: Awaited<ReturnType<typeof leaderboardInDynamo>>) =>
      items.filter((it) => it[ATTR.entityId]?.S === r.id);
    expect(entity(await leaderboardInDynamo(s, r.city, r.cuisine))).toHaveLength(1);
    const rankings = (
      await s.db.query("DELETE FROM dish_rankings WHERE restaurant_id = $1 RETURNING *", [r.id])
    ).rows;
    const removed = { table: "dish_rankings", op: "delete" as const, row: { restaurant_id: r.id } };
    await core.apply(tx(4000n, [removed]));
    expect(entity(await leaderboardInDynamo(s, r.city, r.cuisine))).toHaveLength(0);
    // its rankings come back in PostgreSQL, but the projector replays an older position:
    // the group's version (4000) keeps that replay out of the whole list
    for (const row of rankings)
      await s.db.query(
        `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, notes, photo_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.ranking_id,
          row.user_id,
          row.dish_id,
          row.dish_type,
          row.restaurant_id,
          row.rank,
          row.notes,
          row.photo_url,
          row.created_at,
          row.updated_at,
        ],
      );
    const stale = core.s.stale;
    await core.apply(tx(3000n, [removed]));
    expect(entity(await leaderboardInDynamo(s, r.city, r.cuisine))).toHaveLength(0);
    expect(core.s.stale).toBeGreaterThan(stale);
    // a newer position applies: the member is back, as PostgreSQL says
    await core.apply(tx(5000n, [removed]));
    expect(entity(await leaderboardInDynamo(s, r.city, r.cuisine))).toHaveLength(1);
  }, 300_000);
});
