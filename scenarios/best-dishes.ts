/**
 * Access pattern 1: find the best dishes of a type in a location.
 *
 * "Best ramen in Chicago": for one city and dish type, the dishes ranked #1 by
 * the most users, ties broken by their mean rank, top 10, with the restaurant.
 * PostgreSQL joins restaurants (by city), dish_rankings (by restaurant and
 * dish type) and dishes.
 *
 * Sampled: cities by population (hot cities), then within the city a dish
 * type by how many of its dishes are of that type; a city is only asked for
 * types its restaurants serve.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { withinCityWeights } from "./lib/cities.ts";
import { readRows } from "./lib/pools.ts";

export const BEST_DISHES: Statement = {
  name: "bellyfed_best_dishes",
  text: `SELECT d.dish_id, d.name AS dish_name, r.restaurant_id, r.name AS restaurant_name,
       count(*) FILTER (WHERE dr.rank = 1)::int AS first_places,
       avg(dr.rank)::float8 AS mean_rank,
       count(*)::int AS rankings
  FROM restaurants r
  JOIN dish_rankings dr ON dr.restaurant_id = r.restaurant_id AND dr.dish_type = $2
  JOIN dishes d ON d.dish_id = dr.dish_id
 WHERE r.city = $1
 GROUP BY d.dish_id, d.name, r.restaurant_id, r.name
 ORDER BY first_places DESC, mean_rank ASC, rankings DESC, d.dish_id
 LIMIT 10`,
};

/** (city, dish type) with the number of such dishes. */
const PAIRS_SQL = `SELECT r.city, d.dish_type, count(*)::float8 AS dishes
  FROM dishes d JOIN restaurants r ON r.restaurant_id = d.restaurant_id
 WHERE r.city IS NOT NULL
 GROUP BY r.city, d.dish_type
 ORDER BY dishes DESC, r.city, d.dish_type
 LIMIT $1`;

export interface BestDishRow {
  dish_id: string;
  dish_name: string;
  restaurant_id: string;
  restaurant_name: string;
  first_places: number;
  mean_rank: number;
  rankings: number;
}

/** [city, dish type]: the statement's parameters, built once per pair. */
export type BestDishesParams = [city: string, dishType: string];

export interface BestDishesState {
  pg: PgStore;
  pairs: WeightedPool<BestDishesParams>;
}

const scenario: Scenario<BestDishesState, BestDishesParams> = {
  name: "best-dishes",
  description: "best dishes of a type in a city (PostgreSQL: restaurants, dish_rankings, dishes)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{ city: string; dish_type: string; dishes: number }>(
      pg,
      "best-dishes",
      "dishes in restaurants with a city",
      PAIRS_SQL,
    );
    const pairs = new WeightedPool(
      rows.map((r): BestDishesParams => [r.city, r.dish_type]),
      withinCityWeights(
        rows.map((r) => r.city),
        rows.map((r) => r.dishes),
      ),
    );
    return { pg, pairs };
  },

  sample: (state, rng) => state.pairs.draw(rng),

  async operation(state, params) {
    await state.pg.query<BestDishRow>(BEST_DISHES, params);
  },

  explain: (_state, params) => [{ statement: BEST_DISHES, params: [...params] }],
};

export default scenario;
