import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type pg from "pg";
import { UsageError } from "../core/errors.ts";
import {
  LEADERBOARD_SQL,
  type LeaderboardRow,
  leaderboardItem,
  type PopularityRow,
  popularityItem,
  TRENDING_SQL,
  type TrendingRow,
  trendingItem,
  USER_POPULARITY_SQL,
} from "../load/read-models.ts";
import {
  ATTR,
  DESIGN_VARIANT,
  type DynamoVariant,
  LEADERBOARDS_TABLE,
  leaderboardType,
  TRENDING_DISHES_TABLE,
} from "../schema/index.ts";

/**
 * The read models' items for a set of keys, from the loader's own SQL and
 * item builders (load/read-models.ts): the projector writes these and
 * `sync verify` compares DynamoDB with them.
 */

export type Item = Record<string, AttributeValue>;

/** The attribute each projected item carries: the source position that wrote it. */
export const SRC_POS = "src_pos";

/** Popularity items of these users (a user missing from the result no longer exists). */
export async function popularityItems(
  db: pg.Pool | pg.Client,
  users: string[] | null,
  variant: DynamoVariant = DESIGN_VARIANT,
): Promise<Item[]> {
  const r = await db.query<PopularityRow>(USER_POPULARITY_SQL, [users]);
  return r.rows.map((row) => popularityItem(row, variant));
}

/** A group: a city and a dish type (trending) or a cuisine (leaderboards). */
export type Group = readonly [city: string, kind: string];

/** Trending groups' items as of `asOf` (a TIMESTAMP literal, UTC); null for every group. */
export async function trendingItems(
  db: pg.Pool | pg.Client,
  asOf: string,
  groups: readonly Group[] | null,
): Promise<Item[]> {
  const r = await db.query<TrendingRow>(TRENDING_SQL, [
    asOf,
    groups ? groups.map((g) => g[0]) : null,
    groups ? groups.map((g) => g[1]) : null,
  ]);
  return r.rows.map((row) => trendingItem(row));
}

/**
 * Restaurants' leaderboard figures the caller knows are current (pairwise:
 * ids, scores, ranking counts, last updates as the items carry them): taken
 * as given, not summed again (LEADERBOARD_SQL's $3..$6).
 */
export interface KnownScores {
  ids: string[];
  scores: string[];
  counts: string[];
  lasts: string[];
}

/** Leaderboards' items; null for every leaderboard. */
export async function leaderboardItems(
  db: pg.Pool | pg.Client,
  groups: readonly Group[] | null,
  variant: DynamoVariant = DESIGN_VARIANT,
  known: KnownScores | null = null,
): Promise<Item[]> {
  const r = await db.query<LeaderboardRow>(LEADERBOARD_SQL, [
    groups ? groups.map((g) => g[0]) : null,
    groups ? groups.map((g) => g[1]) : null,
    known?.ids ?? null,
    known?.scores ?? null,
    known?.counts ?? null,
    known?.lasts ?? null,
  ]);
  return r.rows.map((row) => leaderboardItem(row, row.last_updated, variant));
}

/** Groups of the top-N models: the partition they live in and the group's name in the version table. */
export function trendingGroup(city: string, dishType: string): string {
  return `${city}#${dishType}`;
}

export function leaderboardGroup(city: string, cuisine: string): string {
  return leaderboardType(city, cuisine);
}

export const TOP_N_TABLES = { trending: TRENDING_DISHES_TABLE, leaderboards: LEADERBOARDS_TABLE };

/** The trending group an item belongs to. */
export function trendingGroupOf(item: Item): string {
  return trendingGroup(item[ATTR.locationId]?.S ?? "", item.dish_type?.S ?? "");
}

/** A DynamoDB number as DynamoDB stores it: "30.6640" and "30.664" are one number. */
export function canonicalNumber(n: string): string {
  let s = n.trim();
  if (s.startsWith("+")) s = s.slice(1);
  if (s.includes(".") && !/[eE]/.test(s)) s = s.replace(/0+$/, "").replace(/\.$/, "");
  if (/^-?0*$/.test(s.replace(".", ""))) return "0";
  return s.replace(/^(-?)0+(?=\d)/, "$1");
}

/** Item equality on the read model's attributes (the source position aside). */
export function sameItem(a: Item, b: Item): boolean {
  let n = 0;
  for (const k in a) {
    if (k === SRC_POS) continue;
    n++;
    const x = a[k];
    const y = b[k];
    if (!y) return false;
    if (
      x.S !== undefined
        ? x.S !== y.S
        : x.N !== undefined
          ? y.N === undefined || canonicalNumber(x.N) !== canonicalNumber(y.N)
          : JSON.stringify(x) !== JSON.stringify(y)
    )
      return false;
  }
  for (const k in b) if (k !== SRC_POS) n--;
  return n === 0;
}

/** A key's text from the item, by the table's key attribute names. */
export function keyText(item: Item, keyNames: readonly string[]): string {
  let s = "";
  for (const k of keyNames) {
    const v = item[k];
    s += `${v?.S ?? v?.N ?? ""}\u0000`;
  }
  return s;
}

/**
 * The applied DynamoDB variant, when the sync can project into it: the
 * design's shapes and InfluenceScoreIndex sharded (the same items, another
 * index key); a leaderboard keyed by entity is not projected yet (its group
 * writes assume items keyed by rank).
 */
export function projectable(variant: DynamoVariant, prefix: string): DynamoVariant {
  if (variant.leaderboards.keyedBy === "rank") return variant;
  throw new UsageError(
    `the DynamoDB tables${prefix ? ` under prefix ${prefix}` : ""} use variant '${variant.name}', whose leaderboards are keyed by entity: the sync projects leaderboards keyed by rank only; to sync, go back to the design: bellyfed-bench schema reset --only dynamo --yes && bellyfed-bench schema apply && bellyfed-bench load`,
  );
}
