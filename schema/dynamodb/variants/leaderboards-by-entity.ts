import { ATTR, DYNAMO_TABLES, type DynamoTableDef, LEADERBOARDS_TABLE } from "../tables.ts";
import { DESIGN_VARIANT } from "./design.ts";
import type { DynamoVariant } from "./types.ts";

/**
 * BellyfedLeaderboards keyed by entity: partition key leaderboard_type
 * (city#cuisine), sort key entity_id (the restaurant), and the order kept by
 * a local secondary index whose sort key is the score. When a ranking
 * changes one restaurant's score, only that restaurant's item (in each of its
 * cuisines' leaderboards) is rewritten, instead of every item whose rank
 * shifted; the LSI moves it. Ranks are positions in the index's order, not
 * stored. `leaderboards` queries the LSI ascending.
 */

export const LEADERBOARD_ORDER_INDEX = "ScoreOrderIndex";
export const LEADERBOARD_ORDER_ATTR = "score_order";

/** scores carry 4 decimals (read-models.ts); the key holds (BIG - score * 10^4) in 16 digits */
const SCALE = 10_000;
const BIG = 10 ** 15;

/**
 * The LSI sort key: best first in ascending order, ties by entity_id
 * ascending (the design's order: score descending, then restaurant_id).
 */
export function leaderboardOrderKey(score: string, entityId: string): string {
  const scaled = Math.round(Number(score) * SCALE);
  return `${String(BIG - scaled).padStart(16, "0")}#${entityId}`;
}

const LEADERBOARDS_BY_ENTITY: DynamoTableDef = {
  name: LEADERBOARDS_TABLE,
  attributes: [
    { AttributeName: ATTR.leaderboardType, AttributeType: "S" },
    { AttributeName: ATTR.entityId, AttributeType: "S" },
    { AttributeName: LEADERBOARD_ORDER_ATTR, AttributeType: "S" },
  ],
  keySchema: [
    { AttributeName: ATTR.leaderboardType, KeyType: "HASH" },
    { AttributeName: ATTR.entityId, KeyType: "RANGE" },
  ],
  gsis: [],
  lsis: [
    {
      name: LEADERBOARD_ORDER_INDEX,
      keySchema: [
        { AttributeName: ATTR.leaderboardType, KeyType: "HASH" },
        { AttributeName: LEADERBOARD_ORDER_ATTR, KeyType: "RANGE" },
      ],
      projection: { ProjectionType: "ALL" },
    },
  ],
};

export const LEADERBOARDS_BY_ENTITY_VARIANT: DynamoVariant = {
  name: "leaderboards-by-entity",
  description:
    "BellyfedLeaderboards keyed by city#cuisine and restaurant, read in score order from an LSI",
  tables: DYNAMO_TABLES.map((t) => (t.name === LEADERBOARDS_TABLE ? LEADERBOARDS_BY_ENTITY : t)),
  influencePartition: DESIGN_VARIANT.influencePartition,
  influencePartitions: DESIGN_VARIANT.influencePartitions,
  leaderboards: {
    keyedBy: "entity",
    index: LEADERBOARD_ORDER_INDEX,
    orderAttribute: LEADERBOARD_ORDER_ATTR,
    orderKey: leaderboardOrderKey,
  },
};
