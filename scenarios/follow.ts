/**
 * Write 2: a user follows another, in one transaction: the INSERT refuses a
 * self-follow (WHERE follower <> followed) and a duplicate (ON CONFLICT on
 * UNIQUE(follower_id, followed_id) DO NOTHING: following someone twice is
 * following them).
 *
 * Sampled: followers weighted by 1 + how many they follow (active users follow
 * most), the followed by 1 + followers (popular users gain most); a draw of
 * the same user twice is drawn again.
 */
import { randomUUID } from "node:crypto";
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement, TransactionOptions } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";
import { DataClock, writeOptions } from "./lib/writes.ts";

export const FOLLOW: Statement = {
  name: "bellyfed_follow",
  text: `INSERT INTO follows (follow_id, follower_id, followed_id, created_at)
SELECT $1, $2::uuid, $3::uuid, $4 WHERE $2::uuid <> $3::uuid
ON CONFLICT (follower_id, followed_id) DO NOTHING
RETURNING follow_id`,
};

const FOLLOWERS_SQL = `SELECT u.user_id, (1 + coalesce(f.n, 0))::float8 AS weight
  FROM users u LEFT JOIN (SELECT follower_id, count(*) AS n FROM follows GROUP BY follower_id) f
    ON f.follower_id = u.user_id
 ORDER BY weight DESC, u.user_id LIMIT $1`;
const FOLLOWED_SQL = `SELECT u.user_id, (1 + coalesce(f.n, 0))::float8 AS weight
  FROM users u LEFT JOIN (SELECT followed_id, count(*) AS n FROM follows GROUP BY followed_id) f
    ON f.followed_id = u.user_id
 ORDER BY weight DESC, u.user_id LIMIT $1`;

export interface FollowState {
  pg: PgStore;
  followers: WeightedPool<string>;
  followed: WeightedPool<string>;
  tx: TransactionOptions;
  clock: DataClock;
}
export type FollowParams = [followerId: string, followedId: string];

/** Follows `followed` unless it is `follower` or already followed; true when a row was added. */
export async function follow(
  pg: PgStore,
  [followerId, followedId]: FollowParams,
  now: string,
  tx?: TransactionOptions,
): Promise<boolean> {
  return pg.transaction(async (t) => {
    const rows = await t.query(FOLLOW, [randomUUID(), followerId, followedId, now]);
    return rows.length === 1;
  }, tx);
}

const scenario: Scenario<FollowState, FollowParams> = {
  name: "follow",
  description: "a user follows another: no self-follow, no duplicate (PostgreSQL transaction)",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    const pick = (r: { user_id: string; weight: number }) => r.user_id;
    return {
      pg,
      followers: await readPool(pg, "follow", "users", FOLLOWERS_SQL, pick),
      followed: await readPool(pg, "follow", "users", FOLLOWED_SQL, pick),
      tx: writeOptions(),
      clock: new DataClock(),
    };
  },
  sample(state, rng) {
    const a = state.followers.draw(rng);
    let b = state.followed.draw(rng);
    for (let i = 0; i < 8 && b === a; i++) b = state.followed.draw(rng);
    return [a, b];
  },
  async operation(state, params) {
    await follow(state.pg, params, state.clock.now(), state.tx);
  },
  // tune runs EXPLAIN ANALYZE inside BEGIN ... ROLLBACK: nothing is written
  explain: (state, params) => [
    { statement: FOLLOW, params: [randomUUID(), ...params, state.clock.now()] },
  ],
};

export default scenario;
