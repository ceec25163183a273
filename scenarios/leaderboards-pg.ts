/**
 * Access pattern 6, computed live: the top 10 restaurants of a city and
 * cuisine_type in PostgreSQL, scored the way the loader builds
 * BellyfedLeaderboards (score = sum of 1/rank over the restaurant's
 * rankings, ties by restaurant_id). Run beside `leaderboards` to see what the
 * DynamoDB read model saves.
 *
 * Sampled: leaderboards with ranked restaurants, cities by population, then
 * cuisines by how many restaurants the leaderboard ranks: the weights
 * `leaderboards` computes from DynamoDB.
 */
import type { Scenario } from "../engine/scenario.ts";
import { LEADERBOARD_SIZE } from "../load/read-models.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { LEADERBOARD_TOP } from "./leaderboards.ts";
import { WeightedPool } from "./lib/alias.ts";
import { withinCityWeights } from "./lib/cities.ts";
import { readRows } from "./lib/pools.ts";

export const LEADERBOARD_TOP_N: Statement = {
  name: "bellyfed_leaderboard_top",
  text: `SELECT r.restaurant_id AS entity_id, r.name AS entity_name,
       round(sum(1.0 / dr.rank), 4)::float8 AS score, count(*)::int AS ranking_count
  FROM restaurants r
  JOIN dish_rankings dr ON dr.restaurant_id = r.restaurant_id
 WHERE r.city = $1 AND r.cuisine_type @> ARRAY[$2::varchar]
 GROUP BY r.restaurant_id, r.name
 ORDER BY round(sum(1.0 / dr.rank), 4) DESC, r.restaurant_id
 LIMIT ${LEADERBOARD_TOP}`,
};

/** Every (city, cuisine_type) with ranked restaurants, and how many the leaderboard ranks. */
const BOARDS_SQL = `SELECT r.city, c.cuisine, least(count(*), ${LEADERBOARD_SIZE})::float8 AS size
  FROM restaurants r
 CROSS JOIN LATERAL unnest(r.cuisine_type) AS c(cuisine)
 WHERE r.city IS NOT NULL AND c.cuisine IS NOT NULL
   AND EXISTS (SELECT 1 FROM dish_rankings dr WHERE dr.restaurant_id = r.restaurant_id)
 GROUP BY r.city, c.cuisine
 ORDER BY size DESC, r.city, c.cuisine
 LIMIT $1`;

export interface LeaderboardEntryRow {
  entity_id: string;
  entity_name: string;
  score: number;
  ranking_count: number;
}

/** [city, cuisine_type]: the statement's parameters, built once per leaderboard. */
export type LeaderboardPgParams = [city: string, cuisine: string];

export interface LeaderboardsPgState {
  pg: PgStore;
  boards: WeightedPool<LeaderboardPgParams>;
}

const scenario: Scenario<LeaderboardsPgState, LeaderboardPgParams> = {
  name: "leaderboards-pg",
  description:
    "top 10 of a city#cuisine_type leaderboard computed in PostgreSQL (restaurants, dish_rankings)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{ city: string; cuisine: string; size: number }>(
      pg,
      "leaderboards-pg",
      "ranked restaurants with a city and cuisine",
      BOARDS_SQL,
    );
    const boards = new WeightedPool(
      rows.map((r): LeaderboardPgParams => [r.city, r.cuisine]),
      withinCityWeights(
        rows.map((r) => r.city),
        rows.map((r) => r.size),
      ),
    );
    return { pg, boards };
  },

  sample: (state, rng) => state.boards.draw(rng),

  async operation(state, params) {
    await state.pg.query<LeaderboardEntryRow>(LEADERBOARD_TOP_N, params);
  },

  explain: (_state, params) => [{ statement: LEADERBOARD_TOP_N, params: [...params] }],
};

export default scenario;
