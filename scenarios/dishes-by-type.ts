/**
 * Index probe: browse the dishes of a type, a page at a time.
 *
 * "All ramen": the dishes of one type in name order, 20 a page, with the
 * restaurant and city; the next page starts after the last (name, dish_id)
 * of the previous one (keyset pagination, no OFFSET). The design's btree on
 * dishes(dish_type) (idx_dishes_type) is what finds the type's dishes.
 *
 * Sampled: a dish type by how many dishes it has (common types are browsed
 * most), then a page: the first most, each later one half as often.
 */
import type { Scenario } from "../engine/scenario.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { PAGE_ENDS, PAGE_SIZE, pageWeight } from "./lib/pages.ts";
import { readRows } from "./lib/pools.ts";

export const DISHES_BY_TYPE: Statement = {
  name: "bellyfed_dishes_by_type",
  text: `SELECT d.dish_id, d.name AS dish_name, d.price, r.restaurant_id, r.name AS restaurant_name, r.city
  FROM dishes d
  JOIN restaurants r ON r.restaurant_id = d.restaurant_id
 WHERE d.dish_type = $1
   AND (d.name, d.dish_id) > ($2::varchar, $3::uuid)
 ORDER BY d.name, d.dish_id
 LIMIT ${PAGE_SIZE}`,
};

/** before every first row: names are never empty, and the nil UUID is the least */
export const FIRST_PAGE = { name: "", dishId: "00000000-0000-0000-0000-000000000000" };

/** Each type's size and the keys its pages 2.. start after. */
const PAGES_SQL = `SELECT dish_type, n::float8 AS dishes, page::int AS page, name, dish_id FROM (
  SELECT dish_type, 0 AS page, count(*) AS n, NULL::varchar AS name, NULL::uuid AS dish_id
    FROM dishes GROUP BY dish_type
  UNION ALL
  SELECT dish_type, rn / ${PAGE_SIZE}, NULL, name, dish_id FROM (
    SELECT dish_type, name, dish_id,
           row_number() OVER (PARTITION BY dish_type ORDER BY name, dish_id) AS rn
      FROM dishes) k
   WHERE ${PAGE_ENDS}) p
 ORDER BY dish_type, page
 LIMIT $1`;

export interface DishByTypeRow {
  dish_id: string;
  dish_name: string;
  restaurant_id: string;
  city: string | null;
}

/** [dish type, after name, after dish_id]: one page's parameters, built once per page. */
export type DishesByTypeParams = [dishType: string, afterName: string, afterDishId: string];

export interface DishesByTypeState {
  pg: PgStore;
  pages: WeightedPool<DishesByTypeParams>;
}

const scenario: Scenario<DishesByTypeState, DishesByTypeParams> = {
  name: "dishes-by-type",
  description: "a page of the dishes of a type, keyset-paginated (PostgreSQL: dishes.dish_type)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{
      dish_type: string;
      dishes: number | null;
      page: number;
      name: string | null;
      dish_id: string | null;
    }>(pg, "dishes-by-type", "dishes", PAGES_SQL);
    const values: DishesByTypeParams[] = [];
    const weights: number[] = [];
    let typeSize = 0;
    for (const r of rows) {
      if (r.page === 0) {
        typeSize = Number(r.dishes);
        values.push([r.dish_type, FIRST_PAGE.name, FIRST_PAGE.dishId]);
      } else {
        values.push([r.dish_type, r.name!, r.dish_id!]);
      }
      weights.push(typeSize * pageWeight(r.page));
    }
    return { pg, pages: new WeightedPool(values, weights) };
  },

  sample: (state, rng) => state.pages.draw(rng),

  async operation(state, params) {
    await state.pg.query<DishByTypeRow>(DISHES_BY_TYPE, params);
  },

  explain: (_state, params) => [{ statement: DISHES_BY_TYPE, params: [...params] }],
};

export default scenario;
