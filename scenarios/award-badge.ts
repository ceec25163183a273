/**
 * Write 6: a user earns a badge, in one transaction: the user_badges row,
 * unless the user holds the badge already (the design has no UNIQUE on
 * (user_id, badge_id), so the INSERT checks with NOT EXISTS; under
 * SERIALIZABLE two concurrent awards of one badge cannot both insert), and its
 * 50 activity points (user_activity_points referencing the user_badges row).
 *
 * Sampled: users weighted by 1 + their badges (active users earn more), badges
 * uniformly.
 */
import { randomUUID } from "node:crypto";
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement, TransactionOptions } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool, readRows } from "./lib/pools.ts";
import { DataClock, POINTS, writeOptions } from "./lib/writes.ts";
import { AWARD_POINTS } from "./rank-dish.ts";

export const AWARD_BADGE: Statement = {
  name: "bellyfed_badge_award",
  text: `INSERT INTO user_badges (user_badge_id, user_id, badge_id, awarded_at, progress, is_featured)
SELECT $1, $2::uuid, $3::integer, $4, NULL, FALSE
 WHERE NOT EXISTS (SELECT 1 FROM user_badges WHERE user_id = $2::uuid AND badge_id = $3::integer)
RETURNING user_badge_id`,
};

const USERS_SQL = `SELECT u.user_id, (1 + coalesce(b.n, 0))::float8 AS weight
  FROM users u LEFT JOIN (SELECT user_id, count(*) AS n FROM user_badges GROUP BY user_id) b
    ON b.user_id = u.user_id
 ORDER BY weight DESC, u.user_id LIMIT $1`;
const BADGES_SQL = "SELECT badge_id, name FROM badges ORDER BY badge_id LIMIT $1";

export type AwardParams = [userId: string, badge: number];
export interface AwardState {
  pg: PgStore;
  users: WeightedPool<string>;
  badges: Array<{ badge_id: number; name: string }>;
  tx: TransactionOptions;
  clock: DataClock;
}

/** Awards the badge and its points unless the user holds it; true when awarded. */
export async function awardBadge(
  pg: PgStore,
  userId: string,
  badge: { badge_id: number; name: string },
  now: string,
  tx?: TransactionOptions,
): Promise<boolean> {
  return pg.transaction(async (t) => {
    const id = randomUUID();
    const rows = await t.query(AWARD_BADGE, [id, userId, badge.badge_id, now]);
    if (rows.length === 0) return false;
    await t.query(AWARD_POINTS, [
      randomUUID(),
      userId,
      "badge_earned",
      POINTS.badge_earned,
      id,
      now,
      `Earned the ${badge.name} badge`,
    ]);
    return true;
  }, tx);
}

const scenario: Scenario<AwardState, AwardParams> = {
  name: "award-badge",
  description: "a user earns a badge they do not hold, and 50 points (PostgreSQL transaction)",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    return {
      pg,
      users: await readPool(
        pg,
        "award-badge",
        "users",
        USERS_SQL,
        (r: { user_id: string; weight: number }) => r.user_id,
      ),
      badges: await readRows(pg, "award-badge", "badges", BADGES_SQL),
      tx: writeOptions(),
      clock: new DataClock(),
    };
  },
  sample: (state, rng) => [state.users.draw(rng), Math.floor(rng.next() * state.badges.length)],
  async operation(state, [userId, badge]) {
    await awardBadge(state.pg, userId, state.badges[badge], state.clock.now(), state.tx);
  },
  // tune runs EXPLAIN ANALYZE inside BEGIN ... ROLLBACK: nothing is written
  explain: (state, [userId, badge]) => [
    {
      statement: AWARD_BADGE,
      params: [randomUUID(), userId, state.badges[badge].badge_id, state.clock.now()],
    },
  ],
};

export default scenario;
