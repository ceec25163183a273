import { CITIES } from "../catalogue/cities.ts";
import { DISH_TYPES } from "../catalogue/cuisines.ts";
import { BADGES } from "../catalogue/reference.ts";
import { type CopyWriter, encodePool } from "../copy.ts";
import { type TableName, tableCode, uuidFor, uuidWords } from "../ids.ts";
import { hash32 } from "../random.ts";

const words = new Uint32Array(4);

/** Writes the UUID of `table` row `index` straight into the COPY buffer. */
export function writeId(w: CopyWriter, code: number, index: number, seed: number): void {
  uuidWords(code, index, seed, words);
  w.uuid(words);
}

export const CODE = {
  users: tableCode("users"),
  restaurants: tableCode("restaurants"),
  dishes: tableCode("dishes"),
  dish_rankings: tableCode("dish_rankings"),
  user_badges: tableCode("user_badges"),
  user_activity_points: tableCode("user_activity_points"),
  follows: tableCode("follows"),
  reviews: tableCode("reviews"),
  comments: tableCode("comments"),
} as const;

export const id = (table: TableName, i: number, seed: number): string => uuidFor(table, i, seed);

/** A per-table seed, so two tables' row streams never coincide. */
export function tableSeed(seed: number, table: TableName, salt = 0): number {
  return hash32(seed, 0x7ab1e, tableCode(table), salt);
}

export const DISH_TYPE_BYTES = encodePool(DISH_TYPES as string[]);
export const BADGE_NAME_BYTES = encodePool(BADGES.map((b) => b.name));
/** "Austin, Texas" for US cities, "Paris, France" elsewhere (users.location). */
export const CITY_LABELS = CITIES.map((c) =>
  c.country === "United States" ? `${c.name}, ${c.state}` : `${c.name}, ${c.country}`,
);
export const CITY_LABEL_BYTES = encodePool(CITY_LABELS);

export const IMAGE_HOST = "https://images.bellyfed.com";

/** Hex of a 32-bit word (record API; CopyWriter.hex32 writes the same). */
export function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, "0");
}
