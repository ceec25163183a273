import type { DynamoTableDef } from "../tables.ts";

/**
 * A variant of the DynamoDB schema: the three read-model tables as it creates
 * them, and what the item builders (load/read-models.ts), the projector and
 * the scenarios need to write and read its shape. `design` is the document's
 * schema; the others fix one of its write flaws. Add your own with
 * BELLYFED_DYNAMO_VARIANTS (see variants/index.ts).
 */
export interface DynamoVariant {
  /** what `schema apply --dynamo-variant NAME` takes: letters, digits, '-', and ':' for an argument */
  name: string;
  description: string;
  /** the three tables under their design names, as this variant creates them */
  tables: readonly DynamoTableDef[];
  /** InfluenceScoreIndex's partition-key value (popularity_partition) of a user */
  influencePartition(userId: string): string;
  /** every value influencePartition returns: `experts` queries each (a scatter-gather when more than one) */
  influencePartitions: readonly string[];
  /** how BellyfedLeaderboards is keyed */
  leaderboards: LeaderboardLayout;
}

export type LeaderboardLayout =
  /** the design: sort key `rank`; an item per position, rewritten whenever who holds it changes */
  | { keyedBy: "rank" }
  /**
   * sort key entity_id; the order is read from `index` (an LSI), whose sort key
   * `orderAttribute` holds orderKey(score, entity): ascending = best first
   */
  | {
      keyedBy: "entity";
      index: string;
      orderAttribute: string;
      orderKey(score: string, entityId: string): string;
    };

/**
 * A registry entry: a variant, or a family of them that takes an argument
 * after a colon (`influence-sharded:16`).
 */
export interface VariantEntry {
  name: string;
  description: string;
  /** the variant the bare name gives */
  variant: DynamoVariant;
  /** `NAME:ARG`: the variant for ARG, or a UsageError naming what ARG may be */
  withArgument?(arg: string): DynamoVariant;
}
