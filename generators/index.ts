/**
 * Deterministic, streaming data generators for the Bellyfed schema (all 11 tables).
 *
 * ```ts
 * import { createDataset, GeneratorPool, userId } from "../generators/index.ts";
 *
 * const ds = createDataset({ scale: "small", seed: 42 });   // UsageError on bad input
 * ds.config;                          // ScaleConfig: users, restaurants, means per parent, window
 * ds.count("follows");                // exact row count (child tables: derived per user)
 * const t = ds.table("users");        // TableGenerator: name, columns (design order), count()
 * t.row(7);                           // one row as an object (timestamps: epoch ms; JSON: text)
 * for (const r of t.rows(0, 100)) {}  // objects, sequential
 * t.copy(from, to, (buf) => ...);     // COPY text, ~64 KB Buffers, rows [from, to)
 * for (const buf of t.chunks(from, to)) {}   // the same as an iterator
 *
 * // worker threads: split a table into ranges, chunks come back in row order
 * const pool = new GeneratorPool(ds.config, { workers: 2 });
 * for await (const buf of pool.stream("dish_rankings")) copyStream.write(buf);
 * await pool.close();
 *
 * userId(i, seed); uuidFor("reviews", i, seed);   // ids from indexes, no lookup
 * ```
 *
 * COPY format: `COPY <table> (<columns>) FROM STDIN` (text format, the default):
 * tab-separated, `\N` for NULL, backslash escapes; arrays as `{...}` literals,
 * JSONB as JSON text, TIMESTAMP as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC).
 * career_levels and badges carry explicit SERIAL ids (1..8, 1..40): after loading
 * them, set their sequences (`SELECT setval('badges_badge_id_seq', 40)`).
 *
 * Guarantees (by construction, checked by test/generators): unique emails and
 * usernames; UNIQUE(user_id, dish_type, restaurant_id, rank), ranks from 1;
 * no self-follows or duplicate follows; every foreign key points at a row of
 * the same data set; dish_rankings.dish_type/restaurant_id equal the dish's.
 * Same scale + seed -> byte-identical output, whatever the range split.
 */
export { CITIES, type City } from "./catalogue/cities.ts";
export {
  CUISINES,
  type Cuisine,
  DISH_TAGS,
  DISH_TYPE_CUISINE,
  DISH_TYPES,
} from "./catalogue/cuisines.ts";
export { BADGES, CAREER_LEVELS } from "./catalogue/reference.ts";
export {
  arrayLiteral,
  CopyWriter,
  DEFAULT_CHUNK_BYTES,
  escapeCopy,
  formatTimestamp,
  parseCopyText,
  unescapeCopy,
} from "./copy.ts";
export { createDataset, Dataset, type RowTypes } from "./dataset.ts";
export {
  activityId,
  badgeId,
  careerLevelId,
  commentId,
  dishId,
  followId,
  rankingId,
  restaurantId,
  reviewId,
  TABLES,
  type TableName,
  userBadgeId,
  userId,
  uuidFor,
} from "./ids.ts";
export { GeneratorPool, type PoolOptions, type StreamOptions } from "./parallel.ts";
export { poolsFor } from "./pool-builder.ts";
export { type Pools, type PoolValues, poolsFromValues, poolValues } from "./pools.ts";
export {
  DEFAULT_EPOCH,
  DEFAULT_SCALE,
  DEFAULT_SEED,
  DEFAULT_WINDOW_DAYS,
  PRESETS,
  parseRowOverrides,
  resolveScale,
  SCALE_NAMES,
  type ScaleConfig,
  type ScaleInput,
} from "./scale.ts";
export { type RangeStats, TableGenerator } from "./table.ts";
export { POINTS, World } from "./world.ts";
