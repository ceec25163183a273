import type { StoreKind } from "../core/result.ts";
import type { LoadFlags } from "../engine/models/model.ts";

/**
 * The access patterns of the Bellyfed design, one module each (the module's
 * default export is the Scenario). Names are the CLI's:
 * `bellyfed-bench run best-dishes`.
 *
 * Each runs by default as an open model (constant arrival rate, latency from
 * the scheduled start, like pgbench -R) at a rate the embedded services on a
 * 2-core laptop sustain at the `small` scale with room to spare; --rate,
 * --vus or --stages replace it. The targets are in targets.json.
 */
export interface ScenarioRegistryEntry {
  module: URL;
  description: string;
  stores: StoreKind[];
  /**
   * the load a run uses when no --rate/--vus/--stages is given, as flags (an
   * open model's in-flight cap follows the one rule: rate x timeout, 64..10,000)
   */
  load: LoadFlags;
  /** a write scenario (changes the data): `run all` leaves it out */
  writes?: boolean;
}

/** Open model at `rate` operations per second. */
const open = (rate: number): LoadFlags => ({ rate });

const at = (file: string) => new URL(`./${file}`, import.meta.url);

export const SCENARIOS: Record<string, ScenarioRegistryEntry> = {
  "best-dishes": {
    module: at("best-dishes.ts"),
    description: "best dishes of a type in a city (PostgreSQL: restaurants, dish_rankings, dishes)",
    stores: ["postgres"],
    load: open(500),
  },
  profile: {
    module: at("profile.ts"),
    description: "user profile with badges and career level (PostgreSQL)",
    stores: ["postgres"],
    load: open(100),
  },
  trending: {
    module: at("trending.ts"),
    description: "real-time trending dishes in a city (DynamoDB Query on TrendingScoreIndex)",
    stores: ["dynamodb"],
    load: open(50),
  },
  feed: {
    module: at("feed.ts"),
    description: "user activity feed, first page and sometimes the next (PostgreSQL function)",
    stores: ["postgres"],
    load: open(10),
  },
  experts: {
    module: at("experts.ts"),
    description: "expert discovery: DynamoDB InfluenceScoreIndex, then PostgreSQL details",
    stores: ["dynamodb", "postgres"],
    load: open(25),
  },
  leaderboards: {
    module: at("leaderboards.ts"),
    description:
      "top 10 of a city#cuisine_type leaderboard (DynamoDB Query on BellyfedLeaderboards)",
    stores: ["dynamodb"],
    load: open(50),
  },
  "leaderboards-pg": {
    module: at("leaderboards-pg.ts"),
    description: "the same top 10 computed in PostgreSQL, for comparison",
    stores: ["postgres"],
    load: open(50),
  },
  // index probes: one question per index of the design that no pattern above asks
  "dishes-by-tag": {
    module: at("dishes-by-tag.ts"),
    description:
      "dishes carrying a tag in a city, best ranked first (PostgreSQL: GIN on dishes.tags)",
    stores: ["postgres"],
    load: open(100),
  },
  "dishes-by-type": {
    module: at("dishes-by-type.ts"),
    description: "a page of the dishes of a type, keyset-paginated (PostgreSQL: dishes.dish_type)",
    stores: ["postgres"],
    load: open(200),
  },
  nearby: {
    module: at("nearby.ts"),
    description:
      "restaurants within 1-10 km of a point, nearest first (PostgreSQL: restaurant location)",
    stores: ["postgres"],
    load: open(200),
  },
  "users-by-level": {
    module: at("users-by-level.ts"),
    description: "a page of the users at a career level (PostgreSQL: users.career_level_id)",
    stores: ["postgres"],
    load: open(200),
  },
  "user-by-username": {
    module: at("user-by-username.ts"),
    description: "a profile looked up by username (PostgreSQL: users.username)",
    stores: ["postgres"],
    load: open(500),
  },
};

/**
 * Named groups of scenarios: `bellyfed-bench run index-probes` runs the
 * group's members (`all` is every scenario, the probes included).
 */
export const GROUPS: Record<string, { description: string; scenarios: string[] }> = {
  "index-probes": {
    description:
      "one probe per index of the design that no access pattern uses (issue 14): tags, dish type, location, career level, username",
    scenarios: ["dishes-by-tag", "dishes-by-type", "nearby", "users-by-level", "user-by-username"],
  },
};

/**
 * The writes the design implies (issue 15): each one PostgreSQL transaction of
 * named, prepared statements, at the isolation level of `run --isolation`
 * (default serializable), retried on conflicts (counted in the result).
 */
const WRITES: Record<string, ScenarioRegistryEntry> = {
  "rank-dish": {
    module: at("rank-dish.ts"),
    description:
      "place a dish at rank k in a user's list for its type: shift, re-rank, points (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(50),
    writes: true,
  },
  follow: {
    module: at("follow.ts"),
    description: "a user follows another: no self-follow, no duplicate (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(50),
    writes: true,
  },
  unfollow: {
    module: at("unfollow.ts"),
    description: "a user stops following another (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(20),
    writes: true,
  },
  review: {
    module: at("review.ts"),
    description: "a user reviews a dish and earns 25 points (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(20),
    writes: true,
  },
  comment: {
    module: at("comment.ts"),
    description: "a user comments on a review and earns 5 points (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(30),
    writes: true,
  },
  "award-badge": {
    module: at("award-badge.ts"),
    description: "a user earns a badge they do not hold, and 50 points (PostgreSQL transaction)",
    stores: ["postgres"],
    load: open(10),
    writes: true,
  },
};
Object.assign(SCENARIOS, WRITES);

/**
 * Freshness (issue 16): a write probe that waits for DynamoDB to show it,
 * with the projector in-process. It writes, so `run all` leaves it out; it is
 * not one of WRITE_SCENARIOS (bench:writes runs those without a projector).
 */
SCENARIOS.freshness = {
  module: at("freshness.ts"),
  description:
    "PostgreSQL commit to the DynamoDB item showing it: a follow, then consistent GetItems on the popularity item (the projector in-process)",
  stores: ["postgres", "dynamodb"],
  // below the projector's measured capacity on the 2-core machine (README "Freshness")
  load: open(10),
  writes: true,
};

/** The write scenarios' names (writes refuse a store that is not the harness's). */
export const WRITE_SCENARIOS: readonly string[] = Object.keys(WRITES);
