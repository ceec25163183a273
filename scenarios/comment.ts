/**
 * Write 5: a user comments on a review, in one transaction: the comment, and
 * its 5 activity points (user_activity_points referencing the comment).
 *
 * Sampled: commenters weighted by 1 + the comments they wrote, reviews by
 * 1 + their comments (a discussed review draws more comments).
 */
import { randomUUID } from "node:crypto";
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement, TransactionOptions } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";
import { DataClock, POINTS, writeOptions } from "./lib/writes.ts";
import { AWARD_POINTS } from "./rank-dish.ts";

export const INSERT_COMMENT: Statement = {
  name: "bellyfed_comment_insert",
  text: `INSERT INTO comments (comment_id, user_id, review_id, content, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $5)`,
};

const COMMENTERS_SQL = `SELECT u.user_id, (1 + coalesce(c.n, 0))::float8 AS weight
  FROM users u LEFT JOIN (SELECT user_id, count(*) AS n FROM comments GROUP BY user_id) c
    ON c.user_id = u.user_id
 ORDER BY weight DESC, u.user_id LIMIT $1`;
const REVIEWS_SQL = `SELECT v.review_id, (1 + coalesce(c.n, 0))::float8 AS weight
  FROM reviews v LEFT JOIN (SELECT review_id, count(*) AS n FROM comments GROUP BY review_id) c
    ON c.review_id = v.review_id
 ORDER BY weight DESC, v.review_id LIMIT $1`;

const TEXTS = [
  "Agreed!",
  "Did you try the spicy one?",
  "Went there last week, same.",
  "Thanks, going tonight.",
];

export type CommentParams = [userId: string, reviewId: string, text: number];
export interface CommentState {
  pg: PgStore;
  users: WeightedPool<string>;
  reviews: WeightedPool<string>;
  tx: TransactionOptions;
  clock: DataClock;
}

/** Writes the comment and its points; returns the comment's id. */
export async function writeComment(
  pg: PgStore,
  [userId, reviewId, text]: CommentParams,
  now: string,
  tx?: TransactionOptions,
): Promise<string> {
  const id = randomUUID();
  await pg.transaction(async (t) => {
    await t.query(INSERT_COMMENT, [id, userId, reviewId, TEXTS[text % TEXTS.length], now]);
    await t.query(AWARD_POINTS, [
      randomUUID(),
      userId,
      "comment",
      POINTS.comment,
      id,
      now,
      "Commented on a review",
    ]);
  }, tx);
  return id;
}

const scenario: Scenario<CommentState, CommentParams> = {
  name: "comment",
  description: "a user comments on a review and earns 5 points (PostgreSQL transaction)",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    return {
      pg,
      users: await readPool(
        pg,
        "comment",
        "users",
        COMMENTERS_SQL,
        (r: { user_id: string; weight: number }) => r.user_id,
      ),
      reviews: await readPool(
        pg,
        "comment",
        "reviews",
        REVIEWS_SQL,
        (r: { review_id: string; weight: number }) => r.review_id,
      ),
      tx: writeOptions(),
      clock: new DataClock(),
    };
  },
  sample: (state, rng) => [
    state.users.draw(rng),
    state.reviews.draw(rng),
    Math.floor(rng.next() * TEXTS.length),
  ],
  async operation(state, params) {
    await writeComment(state.pg, params, state.clock.now(), state.tx);
  },
  // tune runs EXPLAIN ANALYZE inside BEGIN ... ROLLBACK: nothing is written
  explain: (state, [userId, reviewId]) => [
    {
      statement: INSERT_COMMENT,
      params: [randomUUID(), userId, reviewId, TEXTS[0], state.clock.now()],
    },
  ],
};

export default scenario;
