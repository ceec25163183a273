/**
 * Access pattern 6: a city#cuisine_type leaderboard from DynamoDB.
 *
 * A Query on BellyfedLeaderboards: one leaderboard_type partition
 * (e.g. "Tokyo#Japanese"), in rank order, the top 10 restaurants.
 * `leaderboards-pg` computes the same top 10 in PostgreSQL.
 *
 * Under the `leaderboards-by-entity` schema variant the table is keyed by
 * restaurant and the Query reads its score-order LSI instead, best first.
 *
 * Sampled: cities by population, then cuisines by how many restaurants the
 * leaderboard ranks (the same weights leaderboards-pg uses).
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Scenario } from "../engine/scenario.ts";
import {
  ATTR,
  appliedVariant,
  DESIGN_VARIANT,
  type DynamoVariant,
  LEADERBOARDS_TABLE,
} from "../schema/index.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import { WeightedPool } from "./lib/alias.ts";
import { withinCityWeights } from "./lib/cities.ts";
import { partitionSizes } from "./lib/dynamo-keys.ts";

/** The city of a `city#cuisine_type` leaderboard. */
const cityOf = (type: string) => type.slice(0, type.lastIndexOf("#"));

export const LEADERBOARD_TOP = 10;

/** The Query for one leaderboard, built once per leaderboard in setup. */
export function leaderboardQuery(
  dynamo: DynamoStore,
  type: string,
  variant: DynamoVariant = DESIGN_VARIANT,
): QueryCommandInput {
  const lb = variant.leaderboards;
  if (lb.keyedBy === "entity")
    return {
      TableName: dynamo.table(LEADERBOARDS_TABLE),
      IndexName: lb.index,
      KeyConditionExpression: "#type = :type",
      ExpressionAttributeNames: { "#type": ATTR.leaderboardType },
      ExpressionAttributeValues: { ":type": type },
      // the index's sort key ascends from the best score
      ScanIndexForward: true,
      Limit: LEADERBOARD_TOP,
    };
  return {
    TableName: dynamo.table(LEADERBOARDS_TABLE),
    KeyConditionExpression: "#type = :type",
    // `rank` is a reserved word; it is the sort key, so the Query is in rank order
    ExpressionAttributeNames: { "#type": ATTR.leaderboardType },
    ExpressionAttributeValues: { ":type": type },
    ScanIndexForward: true,
    Limit: LEADERBOARD_TOP,
  };
}

export interface LeaderboardsState {
  dynamo: DynamoStore;
  queries: WeightedPool<QueryCommandInput>;
}

const scenario: Scenario<LeaderboardsState, QueryCommandInput> = {
  name: "leaderboards",
  description: "top 10 of a city#cuisine_type leaderboard (DynamoDB Query on BellyfedLeaderboards)",
  stores: ["dynamodb"],

  async setup(ctx) {
    const dynamo = ctx.dynamo!;
    const sizes = await partitionSizes(
      dynamo,
      "leaderboards",
      LEADERBOARDS_TABLE,
      ATTR.leaderboardType,
    );
    const types = [...sizes.keys()].sort();
    const variant = await appliedVariant(dynamo.raw, ctx.endpoints.dynamo.tablePrefix);
    return {
      dynamo,
      queries: new WeightedPool(
        types.map((t) => leaderboardQuery(dynamo, t, variant)),
        withinCityWeights(
          types.map(cityOf),
          types.map((t) => sizes.get(t)!),
        ),
      ),
    };
  },

  sample: (state, rng) => state.queries.draw(rng),

  async operation(state, query) {
    await state.dynamo.query(query);
  },
};

export default scenario;
