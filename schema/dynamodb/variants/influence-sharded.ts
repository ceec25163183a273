import { UsageError } from "../../../core/errors.ts";
import { DYNAMO_TABLES, POPULARITY_PARTITION_VALUE } from "../tables.ts";
import type { DynamoVariant, VariantEntry } from "./types.ts";

/**
 * InfluenceScoreIndex write-sharded: a user's popularity_partition is
 * `ALL#<hash(user_id) mod N>`, so index writes spread over N partition-key
 * values (N partitions' worth of the 1,000 WCU/s ceiling), and `experts`
 * reads by scatter-gather: the N shards queried in parallel, their top items
 * merged. The tables' keys are the design's; only the values differ.
 */

export const DEFAULT_INFLUENCE_SHARDS = 8;
export const MAX_INFLUENCE_SHARDS = 256;

/** FNV-1a (32 bits) of a string: stable across processes and languages. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard value of one user among `shards`: `ALL#k`. */
export function influenceShard(userId: string, shards: number): string {
  return `${POPULARITY_PARTITION_VALUE}#${fnv1a(userId) % shards}`;
}

export function shardedInfluence(shards: number): DynamoVariant {
  const values = Array.from({ length: shards }, (_, k) => `${POPULARITY_PARTITION_VALUE}#${k}`);
  return {
    name: shards === DEFAULT_INFLUENCE_SHARDS ? "influence-sharded" : `influence-sharded:${shards}`,
    description: `InfluenceScoreIndex keyed ALL#0..${shards - 1} (hash of user_id), experts read by scatter-gather`,
    tables: DYNAMO_TABLES,
    influencePartition: (userId) => values[fnv1a(userId) % shards],
    influencePartitions: values,
    leaderboards: { keyedBy: "rank" },
  };
}

export const INFLUENCE_SHARDED: VariantEntry = {
  name: "influence-sharded",
  description: `InfluenceScoreIndex keyed ALL#0..N-1 by a hash of user_id (N = ${DEFAULT_INFLUENCE_SHARDS}; influence-sharded:N for another), experts read by scatter-gather`,
  variant: shardedInfluence(DEFAULT_INFLUENCE_SHARDS),
  withArgument(arg) {
    const n = /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
    if (!Number.isInteger(n) || n < 2 || n > MAX_INFLUENCE_SHARDS)
      throw new UsageError(
        `--dynamo-variant influence-sharded:${arg}: the shard count must be a whole number from 2 to ${MAX_INFLUENCE_SHARDS}, e.g. --dynamo-variant influence-sharded:16`,
      );
    return shardedInfluence(n);
  },
};
