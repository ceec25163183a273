import { DYNAMO_TABLES, POPULARITY_PARTITION_VALUE } from "../tables.ts";
import type { DynamoVariant } from "./types.ts";

/**
 * The design's schema as docs/bellyfed-database-architecture.md has it: every
 * user on InfluenceScoreIndex's one "ALL" key, leaderboards keyed by rank.
 */
export const DESIGN_VARIANT: DynamoVariant = {
  name: "design",
  description:
    'the document\'s schema: InfluenceScoreIndex on one "ALL" key, leaderboards keyed by rank',
  tables: DYNAMO_TABLES,
  influencePartition: () => POPULARITY_PARTITION_VALUE,
  influencePartitions: [POPULARITY_PARTITION_VALUE],
  leaderboards: { keyedBy: "rank" },
};
