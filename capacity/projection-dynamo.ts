import type { PriceTable } from "./prices.ts";
import { scenarioOf } from "./projection-traffic.ts";
import {
  type Assumptions,
  type DynamoProjection,
  type DynamoResource,
  fig,
  type OpsRow,
} from "./projection-types.ts";
import { partitionPressure, scatterGatherReads } from "./sweep-input.ts";
import type { CapacitySweep } from "./types.ts";

/**
 * DynamoDB from the sweep's capacity units per operation (computed from item
 * sizes by AWS's rules; DynamoDB Local's latency is never read): RCU and WCU
 * per table and GSI at average and peak, the hottest key against one
 * partition's ceiling, on-demand against provisioned, storage. Pure: no I/O.
 */

const GIB = 1024 ** 3;

type Acc = Pick<
  DynamoResource,
  "table" | "index" | "rcuAvg" | "rcuPeak" | "wcuAvg" | "wcuPeak" | "constantKey" | "measuredPeak"
>;

export function projectDynamo(
  sweep: CapacitySweep,
  ops: OpsRow[],
  users: number,
  prices: PriceTable,
  a: Assumptions,
  hotKeyShare: number,
): DynamoProjection {
  const acc = new Map<string, Acc>();
  /** logical reads per second at peak on each resource (operations that read it) */
  const readsPeak = new Map<string, number>();
  for (const o of ops) {
    const s = scenarioOf(sweep, o.scenario);
    for (const d of s?.cost.dynamo ?? []) {
      const resource = d.index ? `${d.table}/${d.index}` : d.table;
      let r = acc.get(resource);
      if (!r) {
        r = {
          table: d.table,
          index: d.index,
          rcuAvg: 0,
          rcuPeak: 0,
          wcuAvg: 0,
          wcuPeak: 0,
          measuredPeak: { rcu: 0, wcu: 0 },
        };
        acc.set(resource, r);
      }
      if (d.computed.rcu > 0) readsPeak.set(resource, (readsPeak.get(resource) ?? 0) + o.peakPerS);
      r.rcuAvg += o.avgPerS * d.computed.rcu;
      r.rcuPeak += o.peakPerS * d.computed.rcu;
      r.wcuAvg += o.avgPerS * d.computed.wcu;
      r.wcuPeak += o.peakPerS * d.computed.wcu;
      if (d.measured && r.measuredPeak) {
        r.measuredPeak.rcu += o.peakPerS * d.measured.rcu;
        r.measuredPeak.wcu += o.peakPerS * d.measured.wcu;
      } else r.measuredPeak = null;
      if (d.constantKey !== undefined) r.constantKey = d.constantKey;
    }
  }
  const resources: DynamoResource[] = [...acc.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([resource, r]) => {
      const constant = r.constantKey !== undefined;
      const share = constant ? 1 : hotKeyShare;
      const hotRcuPeak = r.rcuPeak * share;
      const hotWcuPeak = r.wcuPeak * share;
      const pressure = partitionPressure({ rcuPerSecond: hotRcuPeak, wcuPerSecond: hotWcuPeak });
      const out: DynamoResource = {
        resource,
        table: r.table,
        ...(r.index ? { index: r.index } : {}),
        rcuAvg: r.rcuAvg,
        rcuPeak: r.rcuPeak,
        wcuAvg: r.wcuAvg,
        wcuPeak: r.wcuPeak,
        measuredPeak: r.measuredPeak,
        hotShare: constant
          ? fig(1, "share", "measured", `every item on the one key '${r.constantKey}'`)
          : fig(share, "share", "assumed", "profile hotKeyShare: the busiest key's share"),
        ...(constant ? { constantKey: r.constantKey } : {}),
        hotRcuPeak,
        hotWcuPeak,
        pressure,
      };
      const reads = readsPeak.get(resource) ?? 0;
      if (constant && pressure.shardsNeeded > 1) {
        // each logical read queries every shard, each query billed as the one it replaces
        const perQuery = reads > 0 ? r.rcuPeak / reads : 0;
        out.scatter = {
          shards: pressure.shardsNeeded,
          readRcuPeakBefore: r.rcuPeak,
          readRcuPeakAfter: reads * scatterGatherReads(pressure.shardsNeeded, perQuery),
        };
      }
      return out;
    });
  const hours = prices.hoursPerMonth.value;
  const seconds = hours * 3600;
  const p = prices.dynamodb;
  const sum = (f: (r: DynamoResource) => number) => resources.reduce((t, r) => t + f(r), 0);
  const rcuAvg = sum((r) => r.rcuAvg);
  const wcuAvg = sum((r) => r.wcuAvg);
  const rcuPeak = sum((r) => r.rcuPeak);
  const wcuPeak = sum((r) => r.wcuPeak);
  const onDemand =
    ((rcuAvg * seconds) / 1e6) * p.onDemandReadPerMillion.value +
    ((wcuAvg * seconds) / 1e6) * p.onDemandWritePerMillion.value;
  const provisioned = (rcu: number, wcu: number) =>
    ((rcu / a.dynamoTarget) * p.provisionedRcuHour.value +
      (wcu / a.dynamoTarget) * p.provisionedWcuHour.value) *
    hours;
  const provisionedAuto = provisioned(rcuAvg, wcuAvg);
  const provisionedAtPeak = provisioned(rcuPeak, wcuPeak);
  const crossover =
    (p.provisionedRcuHour.value * hours) / ((seconds / 1e6) * p.onDemandReadPerMillion.value);
  const dynBytes = sweep.dataset.dynamoTables.reduce(
    (t, d) => t + d.bytes + d.gsis.reduce((g, x) => g + x.bytes, 0),
    0,
  );
  const bytesPerUser = sweep.dataset.users > 0 ? dynBytes / sweep.dataset.users : 0;
  const storageGiB = (bytesPerUser * users) / GIB;
  const storage = storageGiB * p.storageGiBMonth.value;
  const auto = provisionedAuto <= onDemand;
  const target = `${Math.round(a.dynamoTarget * 100)}% utilisation target (assumed)`;
  return {
    resources,
    rcuPeak: fig(
      rcuPeak,
      "RCU/s",
      "derived",
      "capacity units per op (item sizes, AWS rules) x peak ops/s",
    ),
    wcuPeak: fig(
      wcuPeak,
      "WCU/s",
      "derived",
      "capacity units per op (item sizes, AWS rules) x peak ops/s",
    ),
    monthly: {
      onDemand: fig(
        onDemand,
        "USD",
        "derived",
        "average request units x seconds a month x on-demand price",
      ),
      provisionedAuto: fig(
        provisionedAuto,
        "USD",
        "derived",
        `average units / ${target}, auto scaling following the day`,
      ),
      provisionedAtPeak: fig(
        provisionedAtPeak,
        "USD",
        "derived",
        `peak units / ${target}, all month`,
      ),
      choice: auto ? "provisioned (auto scaling)" : "on-demand",
      storage: fig(storage, "USD", "derived", "storage GiB x price"),
      total: fig(
        Math.min(onDemand, provisionedAuto) + storage,
        "USD",
        "derived",
        `${auto ? "provisioned with auto scaling" : "on-demand"} + storage`,
      ),
    },
    crossoverUse: fig(
      crossover,
      "share",
      "derived",
      "provisioned RCU-hour price / on-demand price of one RCU for an hour",
    ),
    bytesPerUser: fig(
      bytesPerUser,
      "bytes",
      "measured",
      `items + GSI entries / ${sweep.dataset.users} users at ${sweep.dataset.scale}`,
    ),
    storageGiB: fig(storageGiB, "GiB", "derived", "bytes per user x users"),
  };
}
