/**
 * Index probe: a profile looked up by username (bellyfed.com/u/USERNAME).
 *
 * One row: the user and their career level. The design's btree on
 * users(username) (idx_users_username) duplicates the index of the column's
 * UNIQUE constraint (users_username_key); either serves this lookup, so the
 * probe measures what the duplicate costs rather than what it buys.
 *
 * Sampled: users weighted by 1 + followers + rankings, as in `profile`.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";

export const USER_BY_USERNAME: Statement = {
  name: "bellyfed_user_by_username",
  text: `SELECT u.user_id, u.username, u.display_name, u.profile_image_url, u.bio, u.location,
       u.created_at, cl.level_name, cl.icon_url AS level_icon_url
  FROM users u
  LEFT JOIN career_levels cl ON cl.career_level_id = u.career_level_id
 WHERE u.username = $1`,
};

/** Usernames with 1 + followers + rankings as the weight. */
const USERS_SQL = `SELECT u.username,
       (1 + coalesce(f.n, 0) + coalesce(r.n, 0))::float8 AS weight
  FROM users u
  LEFT JOIN (SELECT followed_id, count(*) AS n FROM follows GROUP BY followed_id) f
         ON f.followed_id = u.user_id
  LEFT JOIN (SELECT user_id, count(*) AS n FROM dish_rankings GROUP BY user_id) r
         ON r.user_id = u.user_id
 ORDER BY weight DESC, u.username
 LIMIT $1`;

export interface UserByUsernameRow {
  user_id: string;
  username: string;
  level_name: string | null;
}

/** [username]: the statement's parameters, built once per user. */
export type UserByUsernameParams = [username: string];

export interface UserByUsernameState {
  pg: PgStore;
  users: WeightedPool<UserByUsernameParams>;
}

const scenario: Scenario<UserByUsernameState, UserByUsernameParams> = {
  name: "user-by-username",
  description: "a profile looked up by username (PostgreSQL: users.username)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const users = await readPool(
      pg,
      "user-by-username",
      "users",
      USERS_SQL,
      (r: { username: string; weight: number }) => [r.username] as UserByUsernameParams,
    );
    return { pg, users };
  },

  sample: (state, rng) => state.users.draw(rng),

  async operation(state, params) {
    const rows = await state.pg.query<UserByUsernameRow>(USER_BY_USERNAME, params);
    if (rows.length !== 1) throw new Error(`user ${params[0]} returned ${rows.length} rows`);
  },

  explain: (_state, params) => [{ statement: USER_BY_USERNAME, params: [...params] }],
};

export default scenario;
