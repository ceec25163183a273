import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  ATTR,
  DESIGN_VARIANT,
  type DynamoVariant,
  LEADERBOARDS_TABLE,
  leaderboardType,
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

/**
 * One definition of each read model, shared by the loader (every key: the
 * key parameters NULL) and the sync's projector (the keys a change touched),
 * so the projector's items and a full recompute are comparable item for item.
 * Only trending depends on "now"; the projector records the instant it
 * computed each trending group as of (sync/state.ts).
 */

/** Bump when a formula or an item's shape changes: a DynamoDB load with another version is redone. */
export const READ_MODEL_VERSION = 2;

export const INFLUENCE_WEIGHTS = { followers: 10, rankings: 2, reviews: 4 } as const;
export const TRENDING_WINDOW_DAYS = 30;
export const TRENDING_HALF_LIFE_DAYS = 7;
export const TRENDING_TOP_K = 10;
export const LEADERBOARD_SIZE = 100;

/** One row per user, in user_id order: $1 = the users (uuid[]), NULL for all. */
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
               FROM follows WHERE $1::uuid[] IS NULL OR followed_id = ANY($1::uuid[])
              GROUP BY followed_id) f ON f.id = u.user_id
  LEFT JOIN (SELECT user_id AS id, count(*) AS n, max(created_at) AS last
               FROM dish_rankings WHERE $1::uuid[] IS NULL OR user_id = ANY($1::uuid[])
              GROUP BY user_id) r ON r.id = u.user_id
  LEFT JOIN (SELECT user_id AS id, count(*) AS n, max(created_at) AS last
               FROM reviews WHERE $1::uuid[] IS NULL OR user_id = ANY($1::uuid[])
              GROUP BY user_id) v ON v.id = u.user_id
 WHERE $1::uuid[] IS NULL OR u.user_id = ANY($1::uuid[])
 ORDER BY u.user_id`;

/**
 * Trending dishes: $1 = now (timestamp, the data's epoch). One row per
 * (city, dish type, dish) among the top TRENDING_TOP_K of its city and type.
 * Pass cities as $2 and dish types as $3 (text[], pairwise: the groups) to
 * compute those groups only (NULLs for all; a dish's rankings are all in its
 * group, so restricting the rankings restricts the groups). Each ranking's weight is
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
     AND ($2::text[] IS NULL OR dr.dish_id = ANY(ARRAY(
           SELECT d2.dish_id FROM unnest($2::text[], $3::text[]) AS g(city, dish_type)
             JOIN restaurants r2 ON r2.city = g.city
             JOIN dishes d2 ON d2.restaurant_id = r2.restaurant_id AND d2.dish_type = g.dish_type)))
   GROUP BY dr.dish_id
), s AS (
  SELECT r.city, d.dish_type, d.dish_id, d.restaurant_id, d.name AS dish_name,
         r.name AS restaurant_name, d.image_url, w.n, w.last, round(w.score, 4) AS score,
         row_number() OVER (PARTITION BY r.city, d.dish_type
                            ORDER BY round(w.score, 4) DESC, d.dish_id) AS pos
    FROM w JOIN dishes d ON d.dish_id = w.dish_id
           JOIN restaurants r ON r.restaurant_id = d.restaurant_id
   WHERE r.city IS NOT NULL
)
SELECT city, dish_type, dish_id::text AS dish_id, restaurant_id::text AS restaurant_id,
       dish_name, restaurant_name, image_url, n::int AS ranking_count, score::text AS trending_score,
       to_char(last, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_ranked
  FROM s WHERE pos <= ${TRENDING_TOP_K}
 ORDER BY city, dish_type, pos`;

/**
 * Restaurant leaderboards per city#cuisine_type. Pass cities as $1 and
 * cuisines as $2 (text[], pairwise) to compute those leaderboards (NULLs for all). Rows in
 * leaderboard order, `rank` 1..LEADERBOARD_SIZE. `last_updated` is the
 * latest updated_at among the restaurant's rankings (data, not the clock).
 *
 * A restaurant's score, ranking count and last update depend on its own
 * rankings only: $3..$6 (pairwise arrays: restaurant ids, scores, counts,
 * last updates as this query returned them) are restaurants whose figures the
 * caller already has and knows to be current, taken as given instead of
 * summed again (the sync's projector passes those whose rankings did not
 * change since; NULLs or empty arrays: every restaurant summed).
 */
export const LEADERBOARD_SQL = `
WITH s AS (
  SELECT restaurant_id, round(sum(1.0 / rank), 4) AS score, count(*) AS n, max(updated_at) AS last
    FROM dish_rankings
   WHERE ($1::text[] IS NULL OR restaurant_id = ANY(ARRAY(
           SELECT r2.restaurant_id FROM unnest($1::text[], $2::text[]) AS g(city, cuisine)
             JOIN restaurants r2 ON r2.city = g.city AND g.cuisine = ANY(r2.cuisine_type)
            WHERE NOT (r2.restaurant_id = ANY(COALESCE($3::uuid[], '{}'))))))
     AND ($1::text[] IS NOT NULL OR NOT (restaurant_id = ANY(COALESCE($3::uuid[], '{}'))))
   GROUP BY restaurant_id
  UNION ALL
  SELECT * FROM unnest($3::uuid[], $4::numeric[], $5::bigint[], $6::timestamp[])
), e AS (
  SELECT r.city, c.cuisine, r.restaurant_id, r.name, s.score, s.n, s.last,
         row_number() OVER (PARTITION BY r.city, c.cuisine
                            ORDER BY s.score DESC, r.restaurant_id) AS pos
    FROM s JOIN restaurants r ON r.restaurant_id = s.restaurant_id
           CROSS JOIN LATERAL unnest(r.cuisine_type) AS c(cuisine)
   WHERE r.city IS NOT NULL AND c.cuisine IS NOT NULL
     AND ($1::text[] IS NULL OR (r.city, c.cuisine) IN (SELECT * FROM unnest($1::text[], $2::text[])))
)
SELECT city, cuisine, pos::int AS rank, restaurant_id::text AS entity_id, name AS entity_name,
       score::text AS score, n::int AS ranking_count,
       to_char(last, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_updated
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

/**
 * The item builders take the DynamoDB schema variant the tables were applied
 * with (schema/dynamodb/variants; the design's by default): the loader and
 * the projector write each variant's shape from the same rows.
 */
export function popularityItem(
  r: PopularityRow,
  variant: DynamoVariant = DESIGN_VARIANT,
): Record<string, AttributeValue> {
  return {
    [ATTR.userId]: S(r.user_id),
    [ATTR.popularityPartition]: S(variant.influencePartition(r.user_id)),
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
export function trendingItem(
  r: TrendingRow,
  _variant: DynamoVariant = DESIGN_VARIANT,
): Record<string, AttributeValue> {
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
  last_updated: string;
}

/**
 * Keyed by rank (the design): the item at position `rank`. Keyed by entity:
 * the restaurant's item, with no rank (it is the position in the order
 * index) and the order key the index sorts by.
 */
export function leaderboardItem(
  r: LeaderboardRow,
  lastUpdated: string,
  variant: DynamoVariant = DESIGN_VARIANT,
): Record<string, AttributeValue> {
  const lb = variant.leaderboards;
  const item: Record<string, AttributeValue> = {
    [ATTR.leaderboardType]: S(leaderboardType(r.city, r.cuisine)),
    [ATTR.entityId]: S(r.entity_id),
    [ATTR.entityName]: S(r.entity_name),
    [ATTR.score]: N(r.score),
    entity_type: S("restaurant"),
    [ATTR.rankingCount]: N(r.ranking_count),
    [ATTR.lastUpdated]: S(lastUpdated),
  };
  if (lb.keyedBy === "rank") item[ATTR.rank] = N(r.rank);
  else item[lb.orderAttribute] = S(lb.orderKey(r.score, r.entity_id));
  return item;
}

/** The primary key of an item of one of the three tables (design name), as the variant keys it. */
export function itemKey(
  table: string,
  item: Record<string, AttributeValue>,
  variant: DynamoVariant = DESIGN_VARIANT,
): Record<string, AttributeValue> {
  const def = variant.tables.find((t) => t.name === table);
  if (!def) throw new Error(`itemKey: ${table} is not one of the read-model tables`);
  const key: Record<string, AttributeValue> = {};
  for (const k of def.keySchema) key[k.AttributeName!] = item[k.AttributeName!];
  return key;
}

export interface ReadModel {
  /** the design's table name (no prefix) */
  table: string;
  sql: string;
  params: (nowIso: string) => unknown[];
  toItem: (row: never, nowIso: string, variant?: DynamoVariant) => Record<string, AttributeValue>;
  /** SQL counting the rows `sql` returns, for the progress bar */
  countSql: string;
}

export const READ_MODELS: readonly ReadModel[] = [
  {
    table: USER_POPULARITY_TABLE,
    sql: USER_POPULARITY_SQL,
    params: () => [null],
    toItem: (r: PopularityRow, _now, variant) => popularityItem(r, variant),
    countSql: "SELECT count(*)::bigint AS n FROM users",
  },
  {
    table: TRENDING_DISHES_TABLE,
    sql: TRENDING_SQL,
    params: (now) => [now, null, null],
    toItem: (r: TrendingRow, _now, variant) => trendingItem(r, variant),
    countSql: "",
  },
  {
    table: LEADERBOARDS_TABLE,
    sql: LEADERBOARD_SQL,
    params: () => [null, null, null, null, null, null],
    toItem: (r: LeaderboardRow, _now, variant) => leaderboardItem(r, r.last_updated, variant),
    countSql: "",
  },
];
