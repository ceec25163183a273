/**
 * Access pattern 3: real-time trending dishes in a city.
 *
 * A DynamoDB Query on TrendingScoreIndex of BellyfedTrendingDishes: the
 * city's partition (location_id), highest trending_score first, 20 items.
 *
 * Sampled: cities by population, among those with trending items.
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Scenario } from "../engine/scenario.ts";
import { ATTR, TRENDING_DISHES_TABLE, TRENDING_SCORE_INDEX } from "../schema/index.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import { WeightedPool } from "./lib/alias.ts";
import { cityWeight } from "./lib/cities.ts";
import { partitionSizes } from "./lib/dynamo-keys.ts";

export const TRENDING_LIMIT = 20;

/** The Query for one city, built once per city in setup. */
export function trendingQuery(dynamo: DynamoStore, city: string): QueryCommandInput {
  return {
    TableName: dynamo.table(TRENDING_DISHES_TABLE),
    IndexName: TRENDING_SCORE_INDEX,
    KeyConditionExpression: "#loc = :loc",
    ExpressionAttributeNames: { "#loc": ATTR.locationId },
    ExpressionAttributeValues: { ":loc": city },
    ScanIndexForward: false,
    Limit: TRENDING_LIMIT,
  };
}

export interface TrendingState {
  dynamo: DynamoStore;
  /** per city with trending items: its Query, weighted by population */
  queries: WeightedPool<QueryCommandInput>;
}

const scenario: Scenario<TrendingState, QueryCommandInput> = {
  name: "trending",
  description: "real-time trending dishes in a city (DynamoDB Query on TrendingScoreIndex)",
  stores: ["dynamodb"],

  async setup(ctx) {
    const dynamo = ctx.dynamo!;
    const sizes = await partitionSizes(dynamo, "trending", TRENDING_DISHES_TABLE, ATTR.locationId);
    const cities = [...sizes.keys()].sort();
    return {
      dynamo,
      queries: new WeightedPool(
        cities.map((c) => trendingQuery(dynamo, c)),
        cities.map(cityWeight),
      ),
    };
  },

  sample: (state, rng) => state.queries.draw(rng),

  async operation(state, query) {
    await state.dynamo.query(query);
  },
};

export default scenario;
