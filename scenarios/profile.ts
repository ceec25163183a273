/**
 * Access pattern 2: a user's profile with badges and career level.
 *
 * One row per profile view: the user, their career level (users JOIN
 * career_levels) and their badges, featured first, as a JSON array
 * (user_badges JOIN badges).
 *
 * Sampled: users weighted by 1 + followers + rankings, so popular profiles and
 * heavy users are viewed most, and every user now and then.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";

export const USER_PROFILE: Statement = {
  name: "bellyfed_user_profile",
  text: `SELECT u.user_id, u.username, u.display_name, u.profile_image_url, u.bio, u.location,
       u.created_at, cl.career_level_id, cl.level_name, cl.icon_url AS level_icon_url,
       cl.required_points, coalesce(b.badges, '[]'::json) AS badges
  FROM users u
  LEFT JOIN career_levels cl ON cl.career_level_id = u.career_level_id
  LEFT JOIN LATERAL (
       SELECT json_agg(json_build_object(
                'badge_id', bd.badge_id, 'name', bd.name, 'category', bd.category,
                'icon_url', bd.icon_url, 'awarded_at', ub.awarded_at, 'is_featured', ub.is_featured)
              ORDER BY ub.is_featured DESC, ub.awarded_at DESC) AS badges
         FROM user_badges ub
         JOIN badges bd ON bd.badge_id = ub.badge_id
        WHERE ub.user_id = u.user_id) b ON true
 WHERE u.user_id = $1`,
};

/** Users with 1 + followers + rankings as the weight. */
const USERS_SQL = `SELECT u.user_id,
       (1 + coalesce(f.n, 0) + coalesce(r.n, 0))::float8 AS weight
  FROM users u
  LEFT JOIN (SELECT followed_id, count(*) AS n FROM follows GROUP BY followed_id) f
         ON f.followed_id = u.user_id
  LEFT JOIN (SELECT user_id, count(*) AS n FROM dish_rankings GROUP BY user_id) r
         ON r.user_id = u.user_id
 ORDER BY weight DESC, u.user_id
 LIMIT $1`;

export interface ProfileRow {
  user_id: string;
  username: string;
  level_name: string | null;
  badges: Array<{ badge_id: number; name: string; is_featured: boolean }>;
}

/** [user_id]: the statement's parameters, built once per user. */
export type ProfileParams = [userId: string];

export interface ProfileState {
  pg: PgStore;
  users: WeightedPool<ProfileParams>;
}

const scenario: Scenario<ProfileState, ProfileParams> = {
  name: "profile",
  description:
    "user profile with badges and career level (PostgreSQL: users, career_levels, user_badges, badges)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const users = await readPool(
      pg,
      "profile",
      "users",
      USERS_SQL,
      (r: { user_id: string; weight: number }) => [r.user_id] as ProfileParams,
    );
    return { pg, users };
  },

  sample: (state, rng) => state.users.draw(rng),

  async operation(state, params) {
    const rows = await state.pg.query<ProfileRow>(USER_PROFILE, params);
    if (rows.length !== 1) throw new Error(`profile of ${params[0]} returned ${rows.length} rows`);
  },

  explain: (_state, params) => [{ statement: USER_PROFILE, params: [...params] }],
};

export default scenario;
