import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  ATTR,
  LEADERBOARDS_TABLE,
  leaderboardType,
  POPULARITY_PARTITION_VALUE,
  TRENDING_DISHES_TABLE,
  trendingSortKey,
  USER_POPULARITY_TABLE,
} from "../schema/index.ts";

/**
 * The three DynamoDB read models, as SQL over the loaded PostgreSQL data and
 * as the items those rows become. Every score is computed in SQL (numeric,
 * rounded to 4 decimals) so a scenario can compute the same figure in
 * PostgreSQL and compare. "Now" is the data's epoch (the end of the generated
 * created_at window), never the wall clock: the same scale and seed always
 * give the same items.
 *
 * influence_score = 10*ln(1 + follower_count) + 2*ln(1 + ranking_count)
 *                   + 4*ln(1 + review_count)
 * trending_score  = sum over the dish's rankings created in the last
 *                   TRENDING_WINDOW_DAYS before now of
 *                   0.5^(age_days / TRENDING_HALF_LIFE_DAYS) / rank
 *                   (top TRENDING_TOP_K dishes per city and dish type)
 * leaderboard score (restaurants per city#cuisine_type, for every cuisine_type
 *                   the restaurant lists) = sum over all the restaurant's
 *                   rankings of 1 / rank; ranks 1..LEADERBOARD_SIZE by score
 *                   descending, ties by restaurant_id
 */

/** Bump when a formula or an item's shape changes: a DynamoDB load with another version is redone. */
export const READ_MODEL_VERSION = 1;

export const INFLUENCE_WEIGHTS = { followers: 10, rankings: 2, reviews: 4 } as const;
export const TRENDING_WINDOW_DAYS = 30;
export const TRENDING_HALF_LIFE_DAYS = 7;
export const TRENDING_TOP_K = 10;
export const LEADERBOARD_SIZE = 100;

/** One row per user, in user_id order. */
export const USER_POPULARITY_SQL = `
SELECT u.user_id::text AS user_id,
       COALESCE(f.n, 0)::int AS follower_count,
       COALESCE(r.n, 0)::int AS ranking_count,
       COALESCE(v.n, 0)::int AS review_count,
       round((${INFLUENCE_WEIGHTS.followers} * ln(1 + COALESCE(f.n, 0))
            + ${INFLUENCE_WEIGHTS.rankings} * ln(1 + COALESCE(r.n, 0))
            + ${INFLUENCE_WEIGHTS.reviews} * ln(1 + COALESCE(v.n, 0)))::numeric, 4)::text AS influence_score,
       to_char(GREATEST(u.updated_at, f.last, r.last, v.last), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_updated
  FROM users u
  LEFT JOIN (SELECT followed_id AS id, count(*) AS n, max(created_at) AS last
               FROM follows GROUP BY followed_id) f ON f.id = u.user_id
  LEFT JOIN (SELECT user_id AS id, count(*) AS n, max(created_at) AS last
               FROM dish_rankings GROUP BY user_id) r ON r.id = u.user_id
  LEFT JOIN (SELECT user_id AS id, count(*) AS n, max(created_at) AS last
               FROM reviews GROUP BY user_id) v ON v.id = u.user_id
 ORDER BY u.user_id`;

/**
 * Trending dishes: $1 = now (timestamp, the data's epoch). One row per
 * (city, dish type, dish) among the top TRENDING_TOP_K of its city and type.
 * Pass a city as $2 to restrict (NULL for all). Each ranking's weight is
 * computed in float8 (power() on numeric cost 3-5x the CPU of the whole
 * query) and summed as numeric, so the sum does not depend on row order.
 */
export const TRENDING_SQL = `
WITH w AS (
  SELECT dr.dish_id, count(*) AS n, max(dr.created_at) AS last,
         sum((power(0.5::float8, date_part('epoch', $1::timestamp - dr.created_at)
                    / ${TRENDING_HALF_LIFE_DAYS * 86400}) / dr.rank)::numeric) AS score
    FROM dish_rankings dr
   WHERE dr.created_at >= $1::timestamp - interval '${TRENDING_WINDOW_DAYS} days'
     AND dr.created_at < $1::timestamp
   GROUP BY dr.dish_id
), s AS (
  SELECT r.city, d.dish_type, d.dish_id, d.restaurant_id, d.name AS dish_name,
         r.name AS restaurant_name, d.image_url, w.n, w.last, round(w.score, 4) AS score,
         row_number() OVER (PARTITION BY r.city, d.dish_type
                            ORDER BY round(w.score, 4) DESC, d.dish_id) AS pos
    FROM w JOIN dishes d ON d.dish_id = w.dish_id
           JOIN restaurants r ON r.restaurant_id = d.restaurant_id
   WHERE r.city IS NOT NULL AND ($2::text IS NULL OR r.city = $2::text)
)
SELECT city, dish_type, dish_id::text AS dish_id, restaurant_id::text AS restaurant_id,
       dish_name, restaurant_name, image_url, n::int AS ranking_count, score::text AS trending_score,
       to_char(last, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_ranked
  FROM s WHERE pos <= ${TRENDING_TOP_K}
 ORDER BY city, dish_type, pos`;

/**
 * Restaurant leaderboards per city#cuisine_type. Pass a city as $1 and a
 * cuisine as $2 to compute one leaderboard (NULLs for all). Rows in
 * leaderboard order, `rank` 1..LEADERBOARD_SIZE.
 */
export const LEADERBOARD_SQL = `
WITH s AS (
  SELECT restaurant_id, round(sum(1.0 / rank), 4) AS score, count(*) AS n
    FROM dish_rankings GROUP BY restaurant_id
), e AS (
  SELECT r.city, c.cuisine, r.restaurant_id, r.name, s.score, s.n,
         row_number() OVER (PARTITION BY r.city, c.cuisine
                            ORDER BY s.score DESC, r.restaurant_id) AS pos
    FROM s JOIN restaurants r ON r.restaurant_id = s.restaurant_id
           CROSS JOIN LATERAL unnest(r.cuisine_type) AS c(cuisine)
   WHERE r.city IS NOT NULL AND c.cuisine IS NOT NULL
     AND ($1::text IS NULL OR r.city = $1::text) AND ($2::text IS NULL OR c.cuisine = $2::text)
)
SELECT city, cuisine, pos::int AS rank, restaurant_id::text AS entity_id, name AS entity_name,
       score::text AS score, n::int AS ranking_count
  FROM e WHERE pos <= ${LEADERBOARD_SIZE}
 ORDER BY city, cuisine, pos`;

/**
 * The tables the read models' SQL reads: a change in any of them can change
 * an item (the sync captures exactly these; test/sync/source-tables.test.ts
 * checks the list against the SQL).
 */
export const READ_MODEL_SOURCE_TABLES: readonly string[] = [
  "users",
  "follows",
  "dish_rankings",
  "reviews",
  "dishes",
  "restaurants",
];

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number | string): AttributeValue => ({ N: String(n) });

export interface PopularityRow {
  user_id: string;
  follower_count: number;
  ranking_count: number;
  review_count: number;
  influence_score: string;
  last_updated: string;
}

export function popularityItem(r: PopularityRow): Record<string, AttributeValue> {
  return {
    [ATTR.userId]: S(r.user_id),
    [ATTR.popularityPartition]: S(POPULARITY_PARTITION_VALUE),
    [ATTR.followerCount]: N(r.follower_count),
    [ATTR.rankingCount]: N(r.ranking_count),
    [ATTR.reviewCount]: N(r.review_count),
    [ATTR.influenceScore]: N(r.influence_score),
    [ATTR.lastUpdated]: S(r.last_updated),
  };
}

export interface TrendingRow {
  city: string;
  dish_type: string;
  dish_id: string;
  restaurant_id: string;
  dish_name: string;
  restaurant_name: string;
  image_url: string | null;
  ranking_count: number;
  trending_score: string;
  last_ranked: string;
}

/**
 * Sort key `<dish_type>#<time of the dish's latest ranking in the window>#<dish_id>`:
 * the design's dish_type#timestamp, with the dish id appended so two dishes
 * last ranked in the same millisecond cannot overwrite each other.
 */
export function trendingItem(r: TrendingRow): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    [ATTR.locationId]: S(r.city),
    [ATTR.dishTypeTimestamp]: S(trendingSortKey(r.dish_type, `${r.last_ranked}#${r.dish_id}`)),
    [ATTR.dishId]: S(r.dish_id),
    [ATTR.restaurantId]: S(r.restaurant_id),
    [ATTR.dishName]: S(r.dish_name),
    [ATTR.restaurantName]: S(r.restaurant_name),
    [ATTR.rankingCount]: N(r.ranking_count),
    [ATTR.trendingScore]: N(r.trending_score),
    dish_type: S(r.dish_type),
  };
  if (r.image_url) item[ATTR.imageUrl] = S(r.image_url);
  return item;
}

export interface LeaderboardRow {
  city: string;
  cuisine: string;
  rank: number;
  entity_id: string;
  entity_name: string;
  score: string;
  ranking_count: number;
}

export function leaderboardItem(
  r: LeaderboardRow,
  lastUpdated: string,
): Record<string, AttributeValue> {
  return {
    [ATTR.leaderboardType]: S(leaderboardType(r.city, r.cuisine)),
    [ATTR.rank]: N(r.rank),
    [ATTR.entityId]: S(r.entity_id),
    [ATTR.entityName]: S(r.entity_name),
    [ATTR.score]: N(r.score),
    entity_type: S("restaurant"),
    [ATTR.rankingCount]: N(r.ranking_count),
    [ATTR.lastUpdated]: S(lastUpdated),
  };
}

export interface ReadModel {
  /** the design's table name (no prefix) */
  table: string;
  sql: string;
  params: (nowIso: string) => unknown[];
  toItem: (row: never, nowIso: string) => Record<string, AttributeValue>;
  /** SQL counting the rows `sql` returns, for the progress bar */
  countSql: string;
}

export const READ_MODELS: readonly ReadModel[] = [
  {
    table: USER_POPULARITY_TABLE,
    sql: USER_POPULARITY_SQL,
    params: () => [],
    toItem: (r: PopularityRow) => popularityItem(r),
    countSql: "SELECT count(*)::bigint AS n FROM users",
  },
  {
    table: TRENDING_DISHES_TABLE,
    sql: TRENDING_SQL,
    params: (now) => [now, null],
    toItem: (r: TrendingRow) => trendingItem(r),
    countSql: "",
  },
  {
    table: LEADERBOARDS_TABLE,
    sql: LEADERBOARD_SQL,
    params: () => [null, null],
    toItem: (r: LeaderboardRow, now: string) => leaderboardItem(r, now),
    countSql: "",
  },
];
