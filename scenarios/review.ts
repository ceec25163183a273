/**
 * Write 4: a user reviews a dish, in one transaction: the review, and its
 * 25 activity points (user_activity_points referencing the review).
 *
 * Sampled: reviewers weighted by 1 + the reviews they wrote (heavy reviewers),
 * dishes by 1 + their reviews (hot dishes).
 */
import { randomUUID } from "node:crypto";
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement, TransactionOptions } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";
import { DataClock, POINTS, writeOptions } from "./lib/writes.ts";
import { AWARD_POINTS } from "./rank-dish.ts";

export const INSERT_REVIEW: Statement = {
  name: "bellyfed_review_insert",
  text: `INSERT INTO reviews (review_id, user_id, dish_id, content, photos, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $6)`,
};

const REVIEWERS_SQL = `SELECT u.user_id, (1 + coalesce(r.n, 0))::float8 AS weight
  FROM users u LEFT JOIN (SELECT user_id, count(*) AS n FROM reviews GROUP BY user_id) r
    ON r.user_id = u.user_id
 ORDER BY weight DESC, u.user_id LIMIT $1`;
const DISHES_SQL = `SELECT d.dish_id, (1 + coalesce(r.n, 0))::float8 AS weight
  FROM dishes d LEFT JOIN (SELECT dish_id, count(*) AS n FROM reviews GROUP BY dish_id) r
    ON r.dish_id = d.dish_id
 ORDER BY weight DESC, d.dish_id LIMIT $1`;

const TEXTS = [
  "Crisp outside, tender inside; the sauce carries it.",
  "Generous portion, a little too salty for me.",
  "Best in town, and I have tried most of them.",
  "Good, not memorable. The side was the highlight.",
];

export type ReviewParams = [userId: string, dishId: string, text: number];
export interface ReviewState {
  pg: PgStore;
  users: WeightedPool<string>;
  dishes: WeightedPool<string>;
  tx: TransactionOptions;
  clock: DataClock;
}

/** Writes the review and its points; returns the review's id. */
export async function writeReview(
  pg: PgStore,
  [userId, dishId, text]: ReviewParams,
  now: string,
  tx?: TransactionOptions,
): Promise<string> {
  const id = randomUUID();
  await pg.transaction(async (t) => {
    await t.query(INSERT_REVIEW, [id, userId, dishId, TEXTS[text % TEXTS.length], null, now]);
    await t.query(AWARD_POINTS, [
      randomUUID(),
      userId,
      "review",
      POINTS.review,
      id,
      now,
      "Wrote a review",
    ]);
  }, tx);
  return id;
}

const scenario: Scenario<ReviewState, ReviewParams> = {
  name: "review",
  description: "a user reviews a dish and earns 25 points (PostgreSQL transaction)",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    const pick = (r: { user_id?: string; dish_id?: string; weight: number }) =>
      (r.user_id ?? r.dish_id)!;
    return {
      pg,
      users: await readPool(pg, "review", "users", REVIEWERS_SQL, pick),
      dishes: await readPool(pg, "review", "dishes", DISHES_SQL, pick),
      tx: writeOptions(),
      clock: new DataClock(),
    };
  },
  sample: (state, rng) => [
    state.users.draw(rng),
    state.dishes.draw(rng),
    Math.floor(rng.next() * TEXTS.length),
  ],
  async operation(state, params) {
    await writeReview(state.pg, params, state.clock.now(), state.tx);
  },
  // tune runs EXPLAIN ANALYZE inside BEGIN ... ROLLBACK: nothing is written
  explain: (state, [userId, dishId]) => [
    {
      statement: INSERT_REVIEW,
      params: [randomUUID(), userId, dishId, TEXTS[0], null, state.clock.now()],
    },
  ],
};

export default scenario;
