import { BADGES, CAREER_LEVELS } from "./catalogue/reference.ts";
import { TABLES, type TableName } from "./ids.ts";
import { type Pools, type PoolValues, poolsFromValues } from "./pools.ts";
import type { ScaleConfig } from "./scale.ts";
import { TableGenerator } from "./table.ts";
import { ACTIVITY_COLUMNS, ActivityCursor, type ActivityRow } from "./tables/activity.ts";
import { DISH_COLUMNS, DishCursor, type DishRow } from "./tables/dishes.ts";
import { RANKING_COLUMNS, RankingCursor, type RankingRow } from "./tables/rankings.ts";
import {
  BADGE_COLUMNS,
  type BadgeRow,
  badgeRow,
  CAREER_LEVEL_COLUMNS,
  type CareerLevelRow,
  careerLevelRow,
  encodeBadge,
  encodeCareerLevel,
  ListCursor,
} from "./tables/reference.ts";
import { RESTAURANT_COLUMNS, RestaurantCursor, type RestaurantRow } from "./tables/restaurants.ts";
import {
  COMMENT_COLUMNS,
  CommentCursor,
  type CommentRow,
  REVIEW_COLUMNS,
  ReviewCursor,
  type ReviewRow,
} from "./tables/reviews.ts";
import {
  FOLLOW_COLUMNS,
  FollowCursor,
  type FollowRow,
  USER_BADGE_COLUMNS,
  UserBadgeCursor,
  type UserBadgeRow,
} from "./tables/social.ts";
import { USER_COLUMNS, UserCursor, type UserRow } from "./tables/users.ts";
import { World, type WorldState } from "./world.ts";

/** The row type of each table (timestamps as epoch ms, JSON columns as JSON text). */
export interface RowTypes {
  career_levels: CareerLevelRow;
  badges: BadgeRow;
  users: UserRow;
  restaurants: RestaurantRow;
  dishes: DishRow;
  dish_rankings: RankingRow;
  user_badges: UserBadgeRow;
  user_activity_points: ActivityRow;
  follows: FollowRow;
  reviews: ReviewRow;
  comments: CommentRow;
}

/** Each table's columns in the design's order (the COPY column list), without a Dataset. */
export const TABLE_COLUMNS: Readonly<Record<TableName, readonly string[]>> = {
  career_levels: CAREER_LEVEL_COLUMNS,
  badges: BADGE_COLUMNS,
  users: USER_COLUMNS,
  restaurants: RESTAURANT_COLUMNS,
  dishes: DISH_COLUMNS,
  dish_rankings: RANKING_COLUMNS,
  user_badges: USER_BADGE_COLUMNS,
  user_activity_points: ACTIVITY_COLUMNS,
  follows: FOLLOW_COLUMNS,
  reviews: REVIEW_COLUMNS,
  comments: COMMENT_COLUMNS,
};

/**
 * A generated data set: a scale and a seed. Tables are built lazily; each
 * Dataset (one per thread) keeps only small per-restaurant and per-32-users
 * arrays, never rows.
 */
export class Dataset {
  readonly config: ScaleConfig;
  readonly world: World;
  private readonly cache = new Map<TableName, TableGenerator<unknown>>();

  /**
   * `pools`: from `poolsFor(seed)` (main thread) or the plain lists of
   * `poolValues(...)` sent to a worker; omitted, they are built here (needs
   * pool-builder.ts loaded, as generators/index.ts does). `world`: the tables
   * of another thread's Dataset of the same config (`ds.world.share()`), used
   * without a copy.
   */
  constructor(config: ScaleConfig, pools?: Pools | PoolValues, world?: WorldState) {
    this.config = config;
    const p =
      pools === undefined
        ? undefined
        : Array.isArray((pools as PoolValues).firstNames)
          ? poolsFromValues(pools as PoolValues)
          : (pools as Pools);
    this.world = new World(config, p, world);
  }

  get seed(): number {
    return this.config.seed;
  }

  table<T extends TableName>(name: T): TableGenerator<RowTypes[T]> {
    let g = this.cache.get(name);
    if (!g) {
      g = this.make(name);
      this.cache.set(name, g);
    }
    return g as TableGenerator<RowTypes[T]>;
  }

  /** Exact row count of a table (child tables: computed from the per-user counts). */
  count(name: TableName): number {
    return this.table(name).count();
  }

  counts(): Record<TableName, number> {
    const out = {} as Record<TableName, number>;
    for (const t of TABLES) out[t] = this.count(t);
    return out;
  }

  private make(name: TableName): TableGenerator<unknown> {
    const w = this.world;
    switch (name) {
      case "career_levels":
        return new TableGenerator(
          name,
          CAREER_LEVEL_COLUMNS,
          CAREER_LEVELS.length,
          () => new ListCursor(careerLevelRow, encodeCareerLevel),
        );
      case "badges":
        return new TableGenerator(
          name,
          BADGE_COLUMNS,
          BADGES.length,
          () => new ListCursor(badgeRow, encodeBadge),
        );
      case "users":
        return new TableGenerator(name, USER_COLUMNS, w.users, () => new UserCursor(w));
      case "restaurants":
        return new TableGenerator(
          name,
          RESTAURANT_COLUMNS,
          w.restaurants,
          () => new RestaurantCursor(w),
        );
      case "dishes":
        return new TableGenerator(name, DISH_COLUMNS, w.dishes, () => new DishCursor(w));
      case "dish_rankings":
        return new TableGenerator(
          name,
          RANKING_COLUMNS,
          w.rankingIndex.total,
          () => new RankingCursor(w),
        );
      case "user_badges":
        return new TableGenerator(
          name,
          USER_BADGE_COLUMNS,
          w.badgeIndex.total,
          () => new UserBadgeCursor(w),
        );
      case "user_activity_points":
        return new TableGenerator(
          name,
          ACTIVITY_COLUMNS,
          w.activityIndex.total,
          () => new ActivityCursor(w),
        );
      case "follows":
        return new TableGenerator(
          name,
          FOLLOW_COLUMNS,
          w.followIndex.total,
          () => new FollowCursor(w),
        );
      case "reviews":
        return new TableGenerator(
          name,
          REVIEW_COLUMNS,
          w.reviewIndex.total,
          () => new ReviewCursor(w),
        );
      case "comments":
        return new TableGenerator(
          name,
          COMMENT_COLUMNS,
          w.commentIndex.total,
          () => new CommentCursor(w),
        );
    }
  }
}
