/**
 * Index probe: dishes carrying a tag in a city, best ranked first.
 *
 * "Vegan dishes in Chicago": the city's dishes whose tags hold the tag, the
 * ones ranked #1 by the most users first (then by how many rankings they
 * have), top 10, with the restaurant. The design's GIN index on dishes(tags)
 * (idx_dishes_tags) is what the tag filter can use; the city narrows through
 * idx_restaurants_location.
 *
 * Sampled: (city, tag) pairs by the city's population, shared within the city
 * by how many of its dishes carry the tag.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { withinCityWeights } from "./lib/cities.ts";
import { readRows } from "./lib/pools.ts";

export const DISHES_BY_TAG: Statement = {
  name: "bellyfed_dishes_by_tag",
  text: `SELECT d.dish_id, d.name AS dish_name, d.dish_type, r.restaurant_id, r.name AS restaurant_name,
       coalesce(s.first_places, 0)::int AS first_places, coalesce(s.rankings, 0)::int AS rankings
  FROM dishes d
  JOIN restaurants r ON r.restaurant_id = d.restaurant_id
  LEFT JOIN LATERAL (
       SELECT count(*) FILTER (WHERE dr.rank = 1) AS first_places, count(*) AS rankings
         FROM dish_rankings dr
        WHERE dr.dish_id = d.dish_id) s ON true
 WHERE d.tags @> ARRAY[$2::varchar]
   AND r.city = $1
 ORDER BY first_places DESC, rankings DESC, d.dish_id
 LIMIT 10`,
};

/** (city, tag) with the number of the city's dishes carrying the tag. */
const PAIRS_SQL = `SELECT r.city, t.tag, count(*)::float8 AS dishes
  FROM dishes d
  JOIN restaurants r ON r.restaurant_id = d.restaurant_id
  CROSS JOIN LATERAL unnest(d.tags) AS t(tag)
 WHERE r.city IS NOT NULL
 GROUP BY r.city, t.tag
 ORDER BY dishes DESC, r.city, t.tag
 LIMIT $1`;

export interface DishByTagRow {
  dish_id: string;
  dish_name: string;
  dish_type: string;
  restaurant_id: string;
  restaurant_name: string;
  first_places: number;
  rankings: number;
}

/** [city, tag]: the statement's parameters, built once per pair. */
export type DishesByTagParams = [city: string, tag: string];

export interface DishesByTagState {
  pg: PgStore;
  pairs: WeightedPool<DishesByTagParams>;
}

const scenario: Scenario<DishesByTagState, DishesByTagParams> = {
  name: "dishes-by-tag",
  description:
    "dishes carrying a tag in a city, best ranked first (PostgreSQL: GIN on dishes.tags)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{ city: string; tag: string; dishes: number }>(
      pg,
      "dishes-by-tag",
      "tagged dishes in restaurants with a city",
      PAIRS_SQL,
    );
    const pairs = new WeightedPool(
      rows.map((r): DishesByTagParams => [r.city, r.tag]),
      withinCityWeights(
        rows.map((r) => r.city),
        rows.map((r) => r.dishes),
      ),
    );
    return { pg, pairs };
  },

  sample: (state, rng) => state.pairs.draw(rng),

  async operation(state, params) {
    await state.pg.query<DishByTagRow>(DISHES_BY_TAG, params);
  },

  explain: (_state, params) => [{ statement: DISHES_BY_TAG, params: [...params] }],
};

export default scenario;
