import { expect, it } from "vitest";
import {
  PARTITION_RCU,
  PARTITION_WCU,
  partitionPressure,
  scatterGatherReads,
} from "../../stores/dynamo-limits.ts";

/** The per-partition arithmetic against hand-computed cases. */

it("uses the service's per-partition ceilings", () => {
  expect(PARTITION_RCU).toBe(3000);
  expect(PARTITION_WCU).toBe(1000);
});

it("computes shares, the over flag and the shards needed", () => {
  // 1,500 RCU/s = half a partition; 2,500 WCU/s = 2.5 partitions -> 3 shards
  expect(partitionPressure({ rcuPerSecond: 1500, wcuPerSecond: 2500 })).toEqual({
    rcuShare: 0.5,
    wcuShare: 2.5,
    over: true,
    shardsNeeded: 3,
  });
  // exactly at both ceilings: not over, one shard
  expect(partitionPressure({ rcuPerSecond: 3000, wcuPerSecond: 1000 })).toEqual({
    rcuShare: 1,
    wcuShare: 1,
    over: false,
    shardsNeeded: 1,
  });
  // reads decide: 9,001 RCU/s needs 4 shards (9001/3000 = 3.0003)
  const reads = partitionPressure({ rcuPerSecond: 9001, wcuPerSecond: 10 });
  expect(reads.over).toBe(true);
  expect(reads.shardsNeeded).toBe(4);
  expect(reads.wcuShare).toBeCloseTo(0.01, 12);
  // idle: still one shard
  expect(partitionPressure({ rcuPerSecond: 0, wcuPerSecond: 0 }).shardsNeeded).toBe(1);
});

it("bills a scatter-gather read once per shard", () => {
  expect(scatterGatherReads(1, 2.5)).toBe(2.5);
  expect(scatterGatherReads(8, 0.5)).toBe(4);
  expect(scatterGatherReads(16, 1.5)).toBe(24);
});

it("refuses impossible inputs", () => {
  expect(() => scatterGatherReads(0, 1)).toThrow(RangeError);
  expect(() => scatterGatherReads(2.5, 1)).toThrow(RangeError);
  expect(() => partitionPressure({ rcuPerSecond: -1, wcuPerSecond: 0 })).toThrow(RangeError);
  expect(() => partitionPressure({ rcuPerSecond: 0, wcuPerSecond: Number.NaN })).toThrow(
    RangeError,
  );
});
