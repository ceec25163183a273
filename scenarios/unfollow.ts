/**
 * Write 3: a user stops following another, in one transaction (a DELETE by
 * the UNIQUE(follower_id, followed_id) pair; a follow already gone is a no-op).
 *
 * Sampled: follows of the loaded data, the popular followed users' weighted by
 * 1 + their followers (they lose followers most, as they gain them most).
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement, TransactionOptions } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";
import { writeOptions } from "./lib/writes.ts";

export const UNFOLLOW: Statement = {
  name: "bellyfed_unfollow",
  text: "DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2 RETURNING follow_id",
};

const FOLLOWS_SQL = `SELECT f.follower_id, f.followed_id, (1 + c.n)::float8 AS weight
  FROM follows f JOIN (SELECT followed_id, count(*) AS n FROM follows GROUP BY followed_id) c
    ON c.followed_id = f.followed_id
 ORDER BY weight DESC, f.follow_id LIMIT $1`;

export type UnfollowParams = [followerId: string, followedId: string];
export interface UnfollowState {
  pg: PgStore;
  follows: WeightedPool<UnfollowParams>;
  tx: TransactionOptions;
}

/** Removes the follow; true when there was one. */
export async function unfollow(
  pg: PgStore,
  params: UnfollowParams,
  tx?: TransactionOptions,
): Promise<boolean> {
  return pg.transaction(async (t) => (await t.query(UNFOLLOW, params)).length === 1, tx);
}

const scenario: Scenario<UnfollowState, UnfollowParams> = {
  name: "unfollow",
  description: "a user stops following another (PostgreSQL transaction)",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    return {
      pg,
      follows: await readPool(
        pg,
        "unfollow",
        "follows",
        FOLLOWS_SQL,
        (r: { follower_id: string; followed_id: string; weight: number }) =>
          [r.follower_id, r.followed_id] as UnfollowParams,
      ),
      tx: writeOptions(),
    };
  },
  sample: (state, rng) => state.follows.draw(rng),
  async operation(state, params) {
    await unfollow(state.pg, params, state.tx);
  },
  // tune runs EXPLAIN ANALYZE inside BEGIN ... ROLLBACK: nothing is deleted
  explain: (_state, params) => [{ statement: UNFOLLOW, params: [...params] }],
};

export default scenario;
