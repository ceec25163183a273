/**
 * DynamoDB's per-partition arithmetic, in one place for `tune`, the sync's
 * flaw measurement (bench:flaws) and the capacity report.
 *
 * One partition (of a table, and of each GSI separately) serves at most
 * 3,000 read units and 1,000 write units per second (AWS developer guide,
 * "bp-partition-key-design"). A key that needs more must be sharded: its
 * value suffixed 0..N-1 and read by querying the N shards (scatter-gather).
 * DynamoDB Local has no partitions and never throttles: these are projections
 * from measured capacity units, not observations.
 */

export const PARTITION_RCU = 3_000;
export const PARTITION_WCU = 1_000;

export interface PartitionLoad {
  /** read units per second landing on one partition-key value */
  rcuPerSecond: number;
  /** write units per second landing on one partition-key value */
  wcuPerSecond: number;
}

export interface PartitionPressure {
  /** rcuPerSecond / PARTITION_RCU (1 = at the ceiling) */
  rcuShare: number;
  /** wcuPerSecond / PARTITION_WCU (1 = at the ceiling) */
  wcuShare: number;
  /** above either ceiling */
  over: boolean;
  /** shards that bring each under both ceilings, if the load spreads evenly: max(1, ceil(max(rcu/3000, wcu/1000))) */
  shardsNeeded: number;
}

function checkRate(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0)
    throw new RangeError(`${name} must be a finite number >= 0 (got ${v})`);
}

/** How full one partition-key value's partition is at a given load. */
export function partitionPressure(load: PartitionLoad): PartitionPressure {
  checkRate("rcuPerSecond", load.rcuPerSecond);
  checkRate("wcuPerSecond", load.wcuPerSecond);
  const rcuShare = load.rcuPerSecond / PARTITION_RCU;
  const wcuShare = load.wcuPerSecond / PARTITION_WCU;
  return {
    rcuShare,
    wcuShare,
    over: rcuShare > 1 || wcuShare > 1,
    shardsNeeded: Math.max(1, Math.ceil(Math.max(rcuShare, wcuShare))),
  };
}

/**
 * Read units of one logical read that queries every one of `shards` shards
 * (a scatter-gather over a sharded key): each shard's query is billed
 * separately, so the logical read costs shards x rcuPerShardQuery.
 */
export function scatterGatherReads(shards: number, rcuPerShardQuery: number): number {
  if (!Number.isInteger(shards) || shards < 1)
    throw new RangeError(`shards must be a whole number >= 1 (got ${shards})`);
  checkRate("rcuPerShardQuery", rcuPerShardQuery);
  return shards * rcuPerShardQuery;
}
