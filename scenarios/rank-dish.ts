/**
 * Write 1: the one-best system. A user places a dish at rank k in their list
 * for its dish type, in one transaction:
 *
 *   SELECT the list FOR UPDATE                 (n, and the dish's old rank if ranked)
 *   new dish:   shift ranks k..n down by one; INSERT at k; award 10 points
 *   re-rank:    DELETE the old entry; shift the ranks between the old and the
 *               new place by one (down when it moves up, up when it moves
 *               down); INSERT it again at k (same ranking_id, notes, photo and
 *               created_at; no new points: points are for a new placement)
 *
 * Every row whose rank changes gets updated_at = now on the data's clock, so
 * a sync to the read models can follow the writes.
 *
 * The shift and UNIQUE(user_id, dish_type, restaurant_id, rank): the
 * constraint is not deferrable, and PostgreSQL checks a non-deferrable unique
 * index row by row as an UPDATE runs, in the order it meets the rows, so
 * `SET rank = rank + 1` over ranks 3..5 fails when it moves 3 to 4 before 4
 * has moved (two dishes of one restaurant in one list). The shift is two
 * UPDATEs: the range moves out of the way (rank + 1,000,000, above any real
 * rank), then back to its place plus or minus one. Neither statement can meet
 * a taken rank. The cost: each shifted row is written twice (two row versions,
 * two entries in every index on dish_rankings, since rank is indexed there is
 * no HOT update), and one more round trip.
 *
 * Sampled: lists weighted by their length (heavy rankers rank most); the dish
 * is one already in the list half the time (a re-rank), else a hot dish of the
 * type (weighted by how often it is ranked); k skewed to the top (k = 1 in
 * about a third of placements). 2% of operations are one user re-ranking the
 * same list from two devices at once: two transactions on the list run
 * concurrently, and the conflicts are retried (and counted).
 */
import { randomUUID } from "node:crypto";
import type { Rng, Scenario } from "../engine/scenario.ts";
import type { PgStore, PgTx, Statement, TransactionOptions } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { readRows } from "./lib/pools.ts";
import { DataClock, POINTS, writeOptions } from "./lib/writes.ts";

/** Where a shifted range waits between the two UPDATEs: above any real rank. */
export const PARK = 1_000_000;

export const LIST: Statement = {
  name: "bellyfed_rank_list",
  text: `SELECT ranking_id, dish_id, rank, restaurant_id, notes, photo_url, created_at::text AS created_at
  FROM dish_rankings
 WHERE user_id = $1 AND dish_type = $2
 ORDER BY rank
   FOR UPDATE`,
};
/** $3..$4: the range to move out of the way */
export const PARK_RANGE: Statement = {
  name: "bellyfed_rank_park",
  text: `UPDATE dish_rankings SET rank = rank + ${PARK}
 WHERE user_id = $1 AND dish_type = $2 AND rank BETWEEN $3 AND $4`,
};
/** $3: +1 or -1; $4: updated_at */
export const UNPARK_RANGE: Statement = {
  name: "bellyfed_rank_unpark",
  text: `UPDATE dish_rankings SET rank = rank - ${PARK} + $3, updated_at = $4
 WHERE user_id = $1 AND dish_type = $2 AND rank > ${PARK}`,
};
export const DELETE_RANKING: Statement = {
  name: "bellyfed_rank_delete",
  text: "DELETE FROM dish_rankings WHERE ranking_id = $1",
};
export const INSERT_RANKING: Statement = {
  name: "bellyfed_rank_insert",
  text: `INSERT INTO dish_rankings
  (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, notes, photo_url, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
};
export const AWARD_POINTS: Statement = {
  name: "bellyfed_award_points",
  text: `INSERT INTO user_activity_points
  (activity_id, user_id, activity_type, points, reference_id, awarded_at, description)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`,
};

export interface ListEntry {
  ranking_id: string;
  dish_id: string;
  rank: number;
  restaurant_id: string;
  notes: string | null;
  photo_url: string | null;
  created_at: string;
}

export interface Placement {
  userId: string;
  dishId: string;
  dishType: string;
  restaurantId: string;
  /** wished rank, 1-based; clamped to the list (n + 1 for a new dish, n for a re-rank) */
  rank: number;
}

export interface RankOutcome {
  kind: "new" | "moved" | "unchanged";
  from: number | null;
  to: number;
}

async function shift(
  tx: PgTx,
  p: Placement,
  lo: number,
  hi: number,
  delta: number,
  now: string,
): Promise<void> {
  if (lo > hi) return;
  await tx.query(PARK_RANGE, [p.userId, p.dishType, lo, hi]);
  await tx.query(UNPARK_RANGE, [p.userId, p.dishType, delta, now]);
}

/** The rank-dish transaction's statements (inside a transaction the caller opened). */
export async function placeDish(tx: PgTx, p: Placement, now: string): Promise<RankOutcome> {
  const list = await tx.query<ListEntry>(LIST, [p.userId, p.dishType]);
  const n = list.length;
  let old: ListEntry | undefined;
  for (const e of list)
    if (e.dish_id === p.dishId) {
      old = e;
      break;
    }
  if (old === undefined) {
    const k = Math.max(1, Math.min(p.rank, n + 1));
    await shift(tx, p, k, n, 1, now);
    const id = randomUUID();
    await tx.query(INSERT_RANKING, [
      id,
      p.userId,
      p.dishId,
      p.dishType,
      p.restaurantId,
      k,
      null,
      null,
      now,
      now,
    ]);
    await tx.query(AWARD_POINTS, [
      randomUUID(),
      p.userId,
      "dish_ranking",
      POINTS.dish_ranking,
      id,
      now,
      `Ranked ${p.dishType} #${k}`,
    ]);
    return { kind: "new", from: null, to: k };
  }
  const from = old.rank;
  const k = Math.max(1, Math.min(p.rank, n));
  await tx.query(DELETE_RANKING, [old.ranking_id]);
  if (k < from) await shift(tx, p, k, from - 1, 1, now);
  else if (k > from) await shift(tx, p, from + 1, k, -1, now);
  await tx.query(INSERT_RANKING, [
    old.ranking_id,
    p.userId,
    p.dishId,
    p.dishType,
    old.restaurant_id,
    k,
    old.notes,
    old.photo_url,
    old.created_at,
    now,
  ]);
  return { kind: k === from ? "unchanged" : "moved", from, to: k };
}

interface ListRow {
  user_id: string;
  dish_type: string;
  dishes: string[];
  restaurants: string[];
  weight: number;
}
interface HotDishRow {
  dish_id: string;
  dish_type: string;
  restaurant_id: string;
  weight: number;
}

/** Lists (user, dish type) weighted by length: heavy rankers first. */
const LISTS_SQL = `SELECT user_id, dish_type, array_agg(dish_id::text ORDER BY rank) AS dishes,
       array_agg(restaurant_id::text ORDER BY rank) AS restaurants, count(*)::float8 AS weight
  FROM dish_rankings
 GROUP BY user_id, dish_type
 ORDER BY weight DESC, user_id, dish_type
 LIMIT $1`;
/** Dishes weighted by 1 + how often they are ranked: hot dishes first. */
const HOT_DISHES_SQL = `SELECT d.dish_id, d.dish_type, d.restaurant_id, (1 + coalesce(r.n, 0))::float8 AS weight
  FROM dishes d
  LEFT JOIN (SELECT dish_id, count(*) AS n FROM dish_rankings GROUP BY dish_id) r ON r.dish_id = d.dish_id
 ORDER BY weight DESC, d.dish_id
 LIMIT $1`;

export interface RankList {
  userId: string;
  dishType: string;
  dishes: string[];
  restaurants: string[];
}

export interface RankDishState {
  pg: PgStore;
  lists: WeightedPool<RankList>;
  hot: Map<string, WeightedPool<HotDishRow>>;
  tx: TransactionOptions;
  clock: DataClock;
}

/** One placement, or two of one list from two devices at once. */
export type RankDishParams = { first: Placement; second: Placement | null };

/** Share of operations that are one user on two devices at once. */
export const TWO_DEVICES = 0.02;

function placement(state: RankDishState, list: RankList, rng: Rng): Placement {
  const n = list.dishes.length;
  const hot = state.hot.get(list.dishType);
  // k skewed to the top: about a third of placements at #1
  const rank = 1 + Math.floor(n * rng.next() ** 2.5);
  if (n > 0 && (rng.next() < 0.5 || !hot)) {
    const i = Math.floor(rng.next() * n);
    return {
      userId: list.userId,
      dishId: list.dishes[i],
      dishType: list.dishType,
      restaurantId: list.restaurants[i],
      rank,
    };
  }
  const d = hot!.draw(rng);
  return {
    userId: list.userId,
    dishId: d.dish_id,
    dishType: list.dishType,
    restaurantId: d.restaurant_id,
    rank,
  };
}

const scenario: Scenario<RankDishState, RankDishParams> = {
  name: "rank-dish",
  description:
    "place a dish at rank k in a user's list for its type: shift, re-rank, points (PostgreSQL transaction)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const lists = await readRows<ListRow>(pg, "rank-dish", "dish rankings", LISTS_SQL);
    const dishes = await readRows<HotDishRow>(pg, "rank-dish", "dishes", HOT_DISHES_SQL);
    const byType = new Map<string, HotDishRow[]>();
    for (const d of dishes) {
      let a = byType.get(d.dish_type);
      if (!a) {
        a = [];
        byType.set(d.dish_type, a);
      }
      a.push(d);
    }
    const hot = new Map<string, WeightedPool<HotDishRow>>();
    for (const [t, a] of byType)
      hot.set(
        t,
        new WeightedPool(
          a,
          a.map((d) => Number(d.weight)),
        ),
      );
    return {
      pg,
      lists: new WeightedPool(
        lists.map((r) => ({
          userId: r.user_id,
          dishType: r.dish_type,
          dishes: r.dishes,
          restaurants: r.restaurants,
        })),
        lists.map((r) => Number(r.weight)),
      ),
      hot,
      tx: writeOptions(),
      clock: new DataClock(),
    };
  },

  sample(state, rng) {
    const list = state.lists.draw(rng);
    const first = placement(state, list, rng);
    const second = rng.next() < TWO_DEVICES ? placement(state, list, rng) : null;
    return { first, second };
  },

  async operation(state, params) {
    const run = (p: Placement) =>
      state.pg.transaction((tx) => placeDish(tx, p, state.clock.now()), state.tx);
    if (params.second === null) await run(params.first);
    else await Promise.all([run(params.first), run(params.second)]);
  },

  explain: (_state, params) => [
    { statement: LIST, params: [params.first.userId, params.first.dishType] },
  ],
};

export default scenario;
