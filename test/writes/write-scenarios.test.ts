import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awardBadge } from "../../scenarios/award-badge.ts";
import { writeComment } from "../../scenarios/comment.ts";
import { follow } from "../../scenarios/follow.ts";
import { placeDish } from "../../scenarios/rank-dish.ts";
import { writeReview } from "../../scenarios/review.ts";
import { unfollow } from "../../scenarios/unfollow.ts";
import { createPgStore, type PgStore, pgClientConfig, txRetries } from "../../stores/postgres.ts";
import type { Scratch } from "../helpers/stores.ts";
import { tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * Each write scenario's transaction against the real PostgreSQL with `tiny`
 * data: what it changes is read back with independent queries.
 */

let scratch: Scratch;
let store: PgStore;
let db: pg.Client;
const NOW = "2026-01-01 00:00:05.000";
const SER = { isolation: "serializable" as const };

beforeAll(async () => {
  scratch = await tinyStores("writes");
  store = createPgStore(scratch.pg, 8);
  db = new pg.Client(pgClientConfig(scratch.pg));
  await db.connect();
}, 600_000);

afterAll(async () => {
  await db?.end();
  await store?.close();
  await scratch?.cleanup();
});

interface Entry {
  dish_id: string;
  rank: number;
  ranking_id: string;
  restaurant_id: string;
  updated_at: string;
}
async function list(user: string, type: string): Promise<Entry[]> {
  const r = await db.query<Entry>(
    `SELECT dish_id, rank, ranking_id, restaurant_id, updated_at::text AS updated_at
       FROM dish_rankings WHERE user_id = $1 AND dish_type = $2 ORDER BY rank`,
    [user, type],
  );
  return r.rows;
}
async function longList(min: number): Promise<{ user_id: string; dish_type: string }> {
  const r = await db.query(
    `SELECT user_id, dish_type FROM dish_rankings GROUP BY user_id, dish_type
      HAVING count(*) >= $1 ORDER BY count(*) DESC, user_id, dish_type LIMIT 1`,
    [min],
  );
  return r.rows[0];
}
const ranks = (l: Entry[]) => l.map((e) => e.rank);
const points = async (ref: string) =>
  (
    await db.query(
      "SELECT activity_type, points, user_id FROM user_activity_points WHERE reference_id = $1",
      [ref],
    )
  ).rows;

describe("rank-dish", () => {
  it("moves a dish down: the ranks between shift up by one, the dish keeps its id, no new points", async () => {
    const { user_id, dish_type } = await longList(3);
    const before = await list(user_id, dish_type);
    const [a, b, c] = before;
    const out = await store.transaction(
      (tx) =>
        placeDish(
          tx,
          {
            userId: user_id,
            dishId: a.dish_id,
            dishType: dish_type,
            restaurantId: a.restaurant_id,
            rank: 3,
          },
          NOW,
        ),
      SER,
    );
    expect(out).toEqual({ kind: "moved", from: 1, to: 3 });
    const after = await list(user_id, dish_type);
    expect(ranks(after)).toEqual(ranks(before));
    expect(after.slice(0, 3).map((e) => e.dish_id)).toEqual([b.dish_id, c.dish_id, a.dish_id]);
    expect(after[2].ranking_id).toBe(a.ranking_id);
    expect(after[2].updated_at).toBe("2026-01-01 00:00:05");
    expect(after[0].updated_at).toBe("2026-01-01 00:00:05");
    expect((await points(a.ranking_id)).length).toBe(1);
  });

  it("moves a dish up to #1: the ranks above its old place shift down by one", async () => {
    const { user_id, dish_type } = await longList(3);
    const before = await list(user_id, dish_type);
    const last = before[before.length - 1];
    const out = await store.transaction(
      (tx) =>
        placeDish(
          tx,
          {
            userId: user_id,
            dishId: last.dish_id,
            dishType: dish_type,
            restaurantId: last.restaurant_id,
            rank: 1,
          },
          NOW,
        ),
      SER,
    );
    expect(out).toEqual({ kind: "moved", from: before.length, to: 1 });
    const after = await list(user_id, dish_type);
    expect(ranks(after)).toEqual(ranks(before));
    expect(after.map((e) => e.dish_id)).toEqual([
      last.dish_id,
      ...before.slice(0, -1).map((e) => e.dish_id),
    ]);
  });

  it("places a new dish at k: ranks k..n shift down, the entry and 10 points are written", async () => {
    const { user_id, dish_type } = await longList(2);
    const before = await list(user_id, dish_type);
    const d = (
      await db.query(
        `SELECT dish_id, restaurant_id FROM dishes WHERE dish_type = $1
            AND dish_id NOT IN (SELECT dish_id FROM dish_rankings WHERE user_id = $2) LIMIT 1`,
        [dish_type, user_id],
      )
    ).rows[0];
    const out = await store.transaction(
      (tx) =>
        placeDish(
          tx,
          {
            userId: user_id,
            dishId: d.dish_id,
            dishType: dish_type,
            restaurantId: d.restaurant_id,
            rank: 2,
          },
          NOW,
        ),
      SER,
    );
    expect(out).toEqual({ kind: "new", from: null, to: 2 });
    const after = await list(user_id, dish_type);
    expect(ranks(after)).toEqual([...ranks(before), before.length + 1]);
    expect(after.map((e) => e.dish_id)).toEqual([
      before[0].dish_id,
      d.dish_id,
      ...before.slice(1).map((e) => e.dish_id),
    ]);
    const p = await points(after[1].ranking_id);
    expect(p).toEqual([{ activity_type: "dish_ranking", points: 10, user_id }]);
  });

  it("shifts a list of one restaurant's dishes, where a one-statement rank + 1 breaks the UNIQUE mid-statement", async () => {
    const u = (await db.query("SELECT user_id FROM users ORDER BY user_id LIMIT 1")).rows[0]
      .user_id;
    const r = (
      await db.query(
        "SELECT restaurant_id, array_agg(dish_id) AS d FROM dishes GROUP BY restaurant_id HAVING count(*) >= 4 LIMIT 1",
      )
    ).rows[0];
    const type = "test-one-restaurant";
    for (let i = 0; i < 3; i++)
      await db.query(
        `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
        [u, r.d[i], type, r.restaurant_id, i + 1],
      );
    await expect(
      db.query("UPDATE dish_rankings SET rank = rank + 1 WHERE user_id = $1 AND dish_type = $2", [
        u,
        type,
      ]),
    ).rejects.toMatchObject({ code: "23505" });
    await store.transaction(
      (tx) =>
        placeDish(
          tx,
          { userId: u, dishId: r.d[3], dishType: type, restaurantId: r.restaurant_id, rank: 1 },
          NOW,
        ),
      SER,
    );
    const after = await list(u, type);
    expect(after.map((e) => [e.rank, e.dish_id])).toEqual([
      [1, r.d[3]],
      [2, r.d[0]],
      [3, r.d[1]],
      [4, r.d[2]],
    ]);
  });

  it("counts the conflict retries of concurrent re-ranks of one user's list, and the list stays 1..n", async () => {
    const { user_id, dish_type } = await longList(4);
    const before = await list(user_id, dish_type);
    const counts = txRetries();
    const fresh = (
      await db.query(
        `SELECT dish_id, restaurant_id FROM dishes WHERE dish_type = $1
            AND dish_id NOT IN (SELECT dish_id FROM dish_rankings WHERE user_id = $2) LIMIT 4`,
        [dish_type, user_id],
      )
    ).rows;
    const moves = [
      ...before
        .slice(0, 4)
        .map((e, i) => ({ dishId: e.dish_id, restaurantId: e.restaurant_id, rank: 4 - i })),
      ...fresh.map((d, i) => ({ dishId: d.dish_id, restaurantId: d.restaurant_id, rank: 1 + i })),
    ];
    await Promise.all(
      moves.map((m) =>
        store.transaction(
          (tx) => placeDish(tx, { userId: user_id, dishType: dish_type, ...m }, NOW),
          {
            isolation: "serializable",
            retries: 50,
            retryOn: ["serialization", "deadlock", "uniqueViolation"],
            counts,
          },
        ),
      ),
    );
    expect(counts.serialization + counts.deadlock + counts.uniqueViolation).toBeGreaterThan(0);
    const f = store.figures().retries!;
    expect(f.serialization + f.deadlock + f.uniqueViolation).toBeGreaterThanOrEqual(
      counts.serialization + counts.deadlock + counts.uniqueViolation,
    );
    const after = await list(user_id, dish_type);
    expect(ranks(after)).toEqual(
      Array.from({ length: before.length + fresh.length }, (_, i) => i + 1),
    );
  });
});

describe("follow and unfollow", () => {
  it("refuses a self-follow and a duplicate; unfollow removes the follow once", async () => {
    const [a, b] = (
      await db.query("SELECT user_id FROM users ORDER BY user_id DESC LIMIT 2")
    ).rows.map((r) => r.user_id);
    await db.query("DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2", [a, b]);
    expect(await follow(store, [a, a], NOW)).toBe(false);
    expect(await follow(store, [a, b], NOW)).toBe(true);
    expect(await follow(store, [a, b], NOW)).toBe(false);
    const n = await db.query(
      "SELECT count(*)::int AS n FROM follows WHERE follower_id = $1 AND followed_id IN ($1, $2)",
      [a, b],
    );
    expect(n.rows[0].n).toBe(1);
    expect(await unfollow(store, [a, b])).toBe(true);
    expect(await unfollow(store, [a, b])).toBe(false);
  });
});

describe("review, comment, award-badge", () => {
  it("a review and its 25 points; a comment on it and its 5 points", async () => {
    const u = (await db.query("SELECT user_id FROM users LIMIT 1")).rows[0].user_id;
    const d = (await db.query("SELECT dish_id FROM dishes LIMIT 1")).rows[0].dish_id;
    const review = await writeReview(store, [u, d, 0], NOW);
    const rv = await db.query(
      "SELECT user_id, dish_id, created_at::text AS c FROM reviews WHERE review_id = $1",
      [review],
    );
    expect(rv.rows).toEqual([{ user_id: u, dish_id: d, c: "2026-01-01 00:00:05" }]);
    expect(await points(review)).toEqual([{ activity_type: "review", points: 25, user_id: u }]);
    const comment = await writeComment(store, [u, review, 1], NOW);
    const cm = await db.query("SELECT review_id FROM comments WHERE comment_id = $1", [comment]);
    expect(cm.rows).toEqual([{ review_id: review }]);
    expect(await points(comment)).toEqual([{ activity_type: "comment", points: 5, user_id: u }]);
  });

  it("awards a badge once, with 50 points; a second award of it is refused", async () => {
    const u = (await db.query("SELECT user_id FROM users LIMIT 1")).rows[0].user_id;
    const badge = (
      await db.query(
        "SELECT badge_id, name FROM badges WHERE badge_id NOT IN (SELECT badge_id FROM user_badges WHERE user_id = $1) LIMIT 1",
        [u],
      )
    ).rows[0];
    expect(await awardBadge(store, u, badge, NOW)).toBe(true);
    expect(await awardBadge(store, u, badge, NOW)).toBe(false);
    const held = await db.query(
      "SELECT user_badge_id FROM user_badges WHERE user_id = $1 AND badge_id = $2",
      [u, badge.badge_id],
    );
    expect(held.rows.length).toBe(1);
    expect(await points(held.rows[0].user_badge_id)).toEqual([
      { activity_type: "badge_earned", points: 50, user_id: u },
    ]);
  });
});
