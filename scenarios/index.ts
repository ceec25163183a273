import type { StoreKind } from "../engine/result.ts";

/**
 * The access patterns of the Bellyfed design, one module each (the module's
 * default export is the Scenario). Names are the CLI's:
 * `bellyfed-bench run best-dishes`.
 */
export interface ScenarioRegistryEntry {
  module: URL;
  description: string;
  stores: StoreKind[];
}

const at = (file: string) => new URL(`./${file}`, import.meta.url);

export const SCENARIOS: Record<string, ScenarioRegistryEntry> = {
  "best-dishes": {
    module: at("best-dishes.ts"),
    description: "best dishes of a type in a city (PostgreSQL: restaurants, dish_rankings, dishes)",
    stores: ["postgres"],
  },
  profile: {
    module: at("profile.ts"),
    description: "user profile with badges and career level (PostgreSQL)",
    stores: ["postgres"],
  },
  trending: {
    module: at("trending.ts"),
    description: "real-time trending dishes in a city (DynamoDB Query on TrendingScoreIndex)",
    stores: ["dynamodb"],
  },
  feed: {
    module: at("feed.ts"),
    description: "user activity feed, first page and sometimes the next (PostgreSQL function)",
    stores: ["postgres"],
  },
  experts: {
    module: at("experts.ts"),
    description: "expert discovery: DynamoDB InfluenceScoreIndex, then PostgreSQL details",
    stores: ["dynamodb", "postgres"],
  },
  leaderboards: {
    module: at("leaderboards.ts"),
    description:
      "top 10 of a city#cuisine_type leaderboard (DynamoDB Query on BellyfedLeaderboards)",
    stores: ["dynamodb"],
  },
  "leaderboards-pg": {
    module: at("leaderboards-pg.ts"),
    description: "the same top 10 computed in PostgreSQL, for comparison",
    stores: ["postgres"],
  },
};
