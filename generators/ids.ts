import { fmix32, hash32 } from "./random.ts";

/** The eleven tables of the design, in a load order that satisfies every foreign key. */
export const TABLES = [
  "career_levels",
  "badges",
  "users",
  "restaurants",
  "dishes",
  "dish_rankings",
  "user_badges",
  "user_activity_points",
  "follows",
  "reviews",
  "comments",
] as const;
export type TableName = (typeof TABLES)[number];

/** A stable number per table, mixed into every id so tables never share one. */
const TABLE_CODE: Record<TableName, number> = {
  career_levels: 1,
  badges: 2,
  users: 3,
  restaurants: 4,
  dishes: 5,
  dish_rankings: 6,
  user_badges: 7,
  user_activity_points: 8,
  follows: 9,
  reviews: 10,
  comments: 11,
};

export function tableCode(table: TableName): number {
  return TABLE_CODE[table];
}

/** The four 32-bit words of row `index`'s UUID (version 4 and RFC 4122 variant bits set). */
export function uuidWords(code: number, index: number, seed: number, out: Uint32Array): void {
  const h0 = hash32(seed, index, code, 0x5bd1e995);
  out[0] = h0;
  out[1] = ((fmix32((h0 ^ 0x27d4eb2f) >>> 0) & 0xffff0fff) | 0x00004000) >>> 0;
  out[2] = ((fmix32((h0 + 0x165667b1) >>> 0) & 0x3fffffff) | 0x80000000) >>> 0;
  // the last word carries the index itself (mixed), so two rows of one table can
  // only share an id if both 32-bit halves collide
  out[3] =
    (fmix32((h0 ^ 0xd3a2646c) >>> 0) ^ fmix32(((index >>> 0) + code * 0x9e3779b1) >>> 0)) >>> 0;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));
const words = new Uint32Array(4);

function hex32(w: number): string {
  return HEX[w >>> 24] + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
}

/**
 * The UUID of row `index` (0-based) of `table` for `seed`. Pure: computing it needs
 * no other row, so loaders and scenarios can derive any id without a lookup.
 * career_levels and badges use SERIAL ids (index + 1), not UUIDs, in the tables.
 */
export function uuidFor(table: TableName, index: number, seed: number): string {
  uuidWords(TABLE_CODE[table], index, seed, words);
  const a = hex32(words[0]);
  const b = hex32(words[1]);
  const c = hex32(words[2]);
  const d = hex32(words[3]);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

export const userId = (i: number, seed: number): string => uuidFor("users", i, seed);
export const restaurantId = (i: number, seed: number): string => uuidFor("restaurants", i, seed);
export const dishId = (i: number, seed: number): string => uuidFor("dishes", i, seed);
export const rankingId = (i: number, seed: number): string => uuidFor("dish_rankings", i, seed);
export const userBadgeId = (i: number, seed: number): string => uuidFor("user_badges", i, seed);
export const activityId = (i: number, seed: number): string =>
  uuidFor("user_activity_points", i, seed);
export const followId = (i: number, seed: number): string => uuidFor("follows", i, seed);
export const reviewId = (i: number, seed: number): string => uuidFor("reviews", i, seed);
export const commentId = (i: number, seed: number): string => uuidFor("comments", i, seed);
/** SERIAL keys of the reference tables: index 0 is id 1. */
export const careerLevelId = (i: number): number => i + 1;
export const badgeId = (i: number): number => i + 1;
