import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
  Projection,
} from "@aws-sdk/client-dynamodb";

/**
 * The three DynamoDB read models of the Bellyfed design and their two GSIs.
 * Import the names from here instead of retyping strings.
 *
 * Expression gotchas: `rank` is a DynamoDB reserved word and `dish_type#timestamp`
 * holds a '#', so both must go through ExpressionAttributeNames.
 */

export const USER_POPULARITY_TABLE = "BellyfedUserPopularity";
export const TRENDING_DISHES_TABLE = "BellyfedTrendingDishes";
export const LEADERBOARDS_TABLE = "BellyfedLeaderboards";

export const INFLUENCE_SCORE_INDEX = "InfluenceScoreIndex";
export const TRENDING_SCORE_INDEX = "TrendingScoreIndex";

/** Attribute names (key attributes and the designed non-key attributes). */
export const ATTR = {
  // BellyfedUserPopularity
  userId: "user_id",
  /** GSI partition key of InfluenceScoreIndex; always POPULARITY_PARTITION_VALUE */
  popularityPartition: "popularity_partition",
  followerCount: "follower_count",
  rankingCount: "ranking_count",
  reviewCount: "review_count",
  influenceScore: "influence_score",
  lastUpdated: "last_updated",
  // BellyfedTrendingDishes
  locationId: "location_id",
  dishTypeTimestamp: "dish_type#timestamp",
  dishId: "dish_id",
  restaurantId: "restaurant_id",
  dishName: "dish_name",
  restaurantName: "restaurant_name",
  trendingScore: "trending_score",
  imageUrl: "image_url",
  // BellyfedLeaderboards
  leaderboardType: "leaderboard_type",
  rank: "rank",
  entityId: "entity_id",
  entityName: "entity_name",
  score: "score",
} as const;

/** The design's constant partition key of InfluenceScoreIndex ("ALL"). */
export const POPULARITY_PARTITION_VALUE = "ALL";

/** The TrendingDishes sort key: `<dish_type>#<timestamp>`. */
export function trendingSortKey(dishType: string, timestamp: string): string {
  return `${dishType}#${timestamp}`;
}

/** The Leaderboards partition key, e.g. `Austin#Mexican`. */
export function leaderboardType(city: string, cuisineType: string): string {
  return `${city}#${cuisineType}`;
}

export interface GsiDef {
  name: string;
  keySchema: KeySchemaElement[];
  projection: Projection;
}

export interface DynamoTableDef {
  /** the design's name, without a prefix */
  name: string;
  attributes: AttributeDefinition[];
  keySchema: KeySchemaElement[];
  gsis: GsiDef[];
  /** local secondary indexes (created with the table only); the design has none */
  lsis?: GsiDef[];
}

export const DYNAMO_TABLES: readonly DynamoTableDef[] = [
  {
    name: USER_POPULARITY_TABLE,
    attributes: [
      { AttributeName: ATTR.userId, AttributeType: "S" },
      { AttributeName: ATTR.popularityPartition, AttributeType: "S" },
      { AttributeName: ATTR.influenceScore, AttributeType: "N" },
    ],
    keySchema: [{ AttributeName: ATTR.userId, KeyType: "HASH" }],
    gsis: [
      {
        name: INFLUENCE_SCORE_INDEX,
        keySchema: [
          { AttributeName: ATTR.popularityPartition, KeyType: "HASH" },
          { AttributeName: ATTR.influenceScore, KeyType: "RANGE" },
        ],
        projection: { ProjectionType: "ALL" },
      },
    ],
  },
  {
    name: TRENDING_DISHES_TABLE,
    attributes: [
      { AttributeName: ATTR.locationId, AttributeType: "S" },
      { AttributeName: ATTR.dishTypeTimestamp, AttributeType: "S" },
      { AttributeName: ATTR.trendingScore, AttributeType: "N" },
    ],
    keySchema: [
      { AttributeName: ATTR.locationId, KeyType: "HASH" },
      { AttributeName: ATTR.dishTypeTimestamp, KeyType: "RANGE" },
    ],
    gsis: [
      {
        name: TRENDING_SCORE_INDEX,
        keySchema: [
          { AttributeName: ATTR.locationId, KeyType: "HASH" },
          { AttributeName: ATTR.trendingScore, KeyType: "RANGE" },
        ],
        projection: { ProjectionType: "ALL" },
      },
    ],
  },
  {
    name: LEADERBOARDS_TABLE,
    attributes: [
      { AttributeName: ATTR.leaderboardType, AttributeType: "S" },
      { AttributeName: ATTR.rank, AttributeType: "N" },
    ],
    keySchema: [
      { AttributeName: ATTR.leaderboardType, KeyType: "HASH" },
      { AttributeName: ATTR.rank, KeyType: "RANGE" },
    ],
    gsis: [],
  },
];

export type Billing =
  | { mode: "on-demand" }
  | { mode: "provisioned"; readCapacityUnits: number; writeCapacityUnits: number };

export const ON_DEMAND: Billing = { mode: "on-demand" };

/** The tag every table the harness creates carries (where the endpoint supports tags). */
export const MANAGED_TAG = { Key: "bellyfed-bench", Value: "managed" } as const;

/** A CreateTable input for one designed table, with a name prefix and billing mode. */
export function createTableInput(
  def: DynamoTableDef,
  opts: { prefix?: string; billing?: Billing } = {},
): CreateTableCommandInput {
  const billing = opts.billing ?? ON_DEMAND;
  const throughput =
    billing.mode === "provisioned"
      ? {
          ReadCapacityUnits: billing.readCapacityUnits,
          WriteCapacityUnits: billing.writeCapacityUnits,
        }
      : undefined;
  return {
    TableName: `${opts.prefix ?? ""}${def.name}`,
    AttributeDefinitions: def.attributes,
    KeySchema: def.keySchema,
    BillingMode: billing.mode === "provisioned" ? "PROVISIONED" : "PAY_PER_REQUEST",
    ProvisionedThroughput: throughput,
    GlobalSecondaryIndexes:
      def.gsis.length === 0
        ? undefined
        : def.gsis.map((g) => ({
            IndexName: g.name,
            KeySchema: g.keySchema,
            Projection: g.projection,
            ProvisionedThroughput: throughput,
          })),
    LocalSecondaryIndexes: def.lsis?.length
      ? def.lsis.map((l) => ({
          IndexName: l.name,
          KeySchema: l.keySchema,
          Projection: l.projection,
        }))
      : undefined,
    Tags: [{ ...MANAGED_TAG }],
  };
}
