/**
 * The generators without faker: everything a light thread needs (see index.ts
 * for the whole API). Pools come from `loadPoolValues(seed)` or a parent thread.
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
export { Dataset, type RowTypes, TABLE_COLUMNS } from "./dataset-core.ts";
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
export { loadPoolValues } from "./pool-loader.ts";
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
export { estimateSizes, formatBytes, type TableSize } from "./sizes.ts";
export { type RangeStats, TableGenerator } from "./table.ts";
export { POINTS, World, type WorldState } from "./world.ts";
