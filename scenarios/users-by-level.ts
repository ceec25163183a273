/**
 * Index probe: a page of the users at a career level.
 *
 * "Everyone who reached Gourmet": the users at one career level in username
 * order, 20 a page, the next page after the last username of the previous
 * one (keyset pagination). The design's btree on users(career_level_id)
 * (idx_users_career_level) is what finds a level's users; at a level most
 * users share (the low ones), the planner rightly walks the username index
 * (or the table) instead, and `tune` says so with the share of users matched.
 *
 * Sampled: a level by how many users hold it, every level at least as often
 * as 1% of the traffic (a level page is visited even when few users reached
 * it), then a page: the first most, each later one half as often.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { PAGE_ENDS, PAGE_SIZE, pageWeight } from "./lib/pages.ts";
import { readRows } from "./lib/pools.ts";

export const USERS_BY_LEVEL: Statement = {
  name: "bellyfed_users_by_level",
  text: `SELECT u.user_id, u.username, u.display_name, u.profile_image_url, u.location
  FROM users u
 WHERE u.career_level_id = $1
   AND u.username > $2::varchar
 ORDER BY u.username
 LIMIT ${PAGE_SIZE}`,
};

/** Each level's size and the usernames its pages 2.. start after. */
const PAGES_SQL = `SELECT career_level_id, n::float8 AS users, page::int AS page, username FROM (
  SELECT career_level_id, 0 AS page, count(*) AS n, NULL::varchar AS username
    FROM users WHERE career_level_id IS NOT NULL GROUP BY career_level_id
  UNION ALL
  SELECT career_level_id, rn / ${PAGE_SIZE}, NULL, username FROM (
    SELECT career_level_id, username,
           row_number() OVER (PARTITION BY career_level_id ORDER BY username) AS rn
      FROM users WHERE career_level_id IS NOT NULL) k
   WHERE ${PAGE_ENDS}) p
 ORDER BY career_level_id, page
 LIMIT $1`;

/** a level's share of the traffic is at least this (before the page split) */
export const MIN_LEVEL_SHARE = 0.01;

export interface UserByLevelRow {
  user_id: string;
  username: string;
}

/** [career_level_id, after username]: one page's parameters, built once per page. */
export type UsersByLevelParams = [careerLevelId: number, afterUsername: string];

export interface UsersByLevelState {
  pg: PgStore;
  pages: WeightedPool<UsersByLevelParams>;
}

const scenario: Scenario<UsersByLevelState, UsersByLevelParams> = {
  name: "users-by-level",
  description: "a page of the users at a career level (PostgreSQL: users.career_level_id)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{
      career_level_id: number;
      users: number | null;
      page: number;
      username: string | null;
    }>(pg, "users-by-level", "users with a career level", PAGES_SQL);
    let total = 0;
    for (const r of rows) if (r.page === 0) total += Number(r.users);
    const values: UsersByLevelParams[] = [];
    const weights: number[] = [];
    let levelWeight = 0;
    for (const r of rows) {
      if (r.page === 0) levelWeight = Math.max(Number(r.users), MIN_LEVEL_SHARE * total);
      values.push([r.career_level_id, r.page === 0 ? "" : r.username!]);
      weights.push(levelWeight * pageWeight(r.page));
    }
    return { pg, pages: new WeightedPool(values, weights) };
  },

  sample: (state, rng) => state.pages.draw(rng),

  async operation(state, params) {
    await state.pg.query<UserByLevelRow>(USERS_BY_LEVEL, params);
  },

  explain: (_state, params) => [{ statement: USERS_BY_LEVEL, params: [...params] }],
};

export default scenario;
