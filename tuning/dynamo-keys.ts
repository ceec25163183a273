import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createRng } from "../core/rng.ts";
import { loadScenario } from "../engine/load-scenario.ts";
import type { ScenarioContext } from "../engine/scenario.ts";
import { DYNAMO_TABLES } from "../schema/dynamodb/tables.ts";
import { createDynamoStore, type DynamoStore } from "../stores/dynamo.ts";
import { PARTITION_RCU, PARTITION_WCU, partitionPressure } from "../stores/dynamo-limits.ts";
import { createPgStore } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import type { Finding } from "./findings.ts";

/**
 * DynamoDB key spread: for each table and GSI, how the stored items and the
 * generated traffic fall on partition-key values, and whether the hottest
 * value would pass one partition's ceiling (3,000 RCU and 1,000 WCU per
 * second, for a table and for each GSI separately) at a given traffic
 * (the arithmetic: stores/dynamo-limits.ts). DynamoDB Local has no partitions
 * and never throttles: the figures here are shares and capacity units,
 * projected with the service's limits.
 */

export interface KeySpread {
  /** "Table" or "Table/Index" (design names, no prefix) */
  resource: string;
  keyAttribute: string;
  /** items scanned (bounded) and distinct key values among them */
  items: number;
  scanComplete: boolean;
  distinctKeys: number;
  hottestKey: string | null;
  hottestItemShare: number;
  /** mean stored item size in bytes (JSON length of the attributes; DynamoDB's own count is close) */
  meanItemBytes: number;
  traffic: {
    queries: number;
    distinctKeys: number;
    hottestKey: string | null;
    hottestShare: number;
    /** read units per query, from ReturnConsumedCapacity=INDEXES */
    rcuPerQuery: number;
    patterns: string[];
  } | null;
}

export interface DynamoKeyReport {
  trafficReadsPerSecond: number;
  spreads: KeySpread[];
  findings: Finding[];
  notes: string[];
}

function topShare(counts: Map<string, number>): {
  key: string | null;
  share: number;
  total: number;
} {
  let total = 0;
  let best: string | null = null;
  let bestN = 0;
  for (const [k, n] of counts) {
    total += n;
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  return { key: best, share: total === 0 ? 0 : bestN / total, total };
}

/** The partition-key value a Query asks for: the `#name = :value` / `attr = :value` of its key condition. */
export function queriedKey(input: QueryCommandInput, keyAttribute: string): string | null {
  const expr = input.KeyConditionExpression ?? "";
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  for (const m of expr.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attr = m[1].startsWith("#") ? names[m[1]] : m[1];
    if (attr === keyAttribute) return String(values[m[2]]);
  }
  return null;
}

async function scanSpread(
  dynamo: DynamoStore,
  table: string,
  keyAttrs: string[],
  maxItems: number,
): Promise<{
  counts: Map<string, Map<string, number>>;
  items: number;
  complete: boolean;
  meanBytes: number;
}> {
  const counts = new Map(keyAttrs.map((k) => [k, new Map<string, number>()]));
  let items = 0;
  let bytes = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.doc.send(
      new ScanCommand({
        TableName: dynamo.table(table),
        ExclusiveStartKey: start,
        Limit: Math.min(1000, maxItems - items),
      }),
    );
    for (const item of out.Items ?? []) {
      items++;
      bytes += Buffer.byteLength(JSON.stringify(item));
      for (const k of keyAttrs) {
        if (item[k] === undefined) continue; // not in the (sparse) index
        const m = counts.get(k)!;
        const v = String(item[k]);
        m.set(v, (m.get(v) ?? 0) + 1);
      }
    }
    start = out.LastEvaluatedKey;
  } while (start && items < maxItems);
  return { counts, items, complete: !start, meanBytes: items === 0 ? 0 : bytes / items };
}

export interface DynamoKeyOptions {
  /** total reads per second of each pattern, for the projection */
  traffic: number;
  /** operations drawn from each DynamoDB scenario's sampler */
  samples: number;
  /** items scanned per table at most */
  maxItems: number;
  data: { scale: string; seed: number };
  scenarios: Array<{ name: string; url: string }>;
}

export async function analyzeDynamoKeys(
  endpoints: Endpoints,
  opts: DynamoKeyOptions,
): Promise<DynamoKeyReport> {
  const dynamo = createDynamoStore(endpoints.dynamo, 8);
  const notes: string[] = [];
  const findings: Finding[] = [];
  const spreads: KeySpread[] = [];
  // traffic: run the scenarios' operations for real, recording each Query's table, index and key
  const queries = new Map<
    string,
    { counts: Map<string, number>; n: number; patterns: Set<string> }
  >();
  const capacity = new Map<string, number>();
  for (const s of opts.scenarios) {
    const scenario = await loadScenario(s.url);
    const real = createDynamoStore(endpoints.dynamo, 4);
    const recording: DynamoStore = {
      ...real,
      async query(input) {
        const def = DYNAMO_TABLES.find((t) => real.table(t.name) === input.TableName);
        if (def) {
          const gsi = def.gsis.find((g) => g.name === input.IndexName);
          const keyAttr = (gsi?.keySchema ?? def.keySchema).find((k) => k.KeyType === "HASH")!
            .AttributeName!;
          const resource = gsi ? `${def.name}/${gsi.name}` : def.name;
          const q = queries.get(resource) ?? { counts: new Map(), n: 0, patterns: new Set() };
          const v = queriedKey(input, keyAttr) ?? "(unknown)";
          q.counts.set(v, (q.counts.get(v) ?? 0) + 1);
          q.n++;
          q.patterns.add(s.name);
          queries.set(resource, q);
        }
        return real.query(input);
      },
    };
    const pg = scenario.stores.includes("postgres") ? createPgStore(endpoints.pg, 2) : undefined;
    const ctx: ScenarioContext = {
      endpoints,
      dynamo: recording,
      pg,
      data: opts.data,
      workerIndex: 0,
      workerCount: 1,
      connections: 2,
    };
    try {
      const state = await scenario.setup(ctx);
      const rng = createRng(opts.data.seed, 0x6b6579); // "key"
      for (let i = 0; i < opts.samples; i++)
        await scenario.operation(state, scenario.sample(state, rng));
      await scenario.teardown?.(state);
      for (const [res, c] of Object.entries(real.capacity().byResource)) {
        const name = res.slice(endpoints.dynamo.tablePrefix.length);
        capacity.set(name, (capacity.get(name) ?? 0) + c.readUnits);
      }
    } catch (e) {
      notes.push(`${s.name}: traffic not sampled (${(e as Error).message.split("\n")[0]})`);
    } finally {
      real.close();
      await pg?.close();
    }
  }
  try {
    for (const def of DYNAMO_TABLES) {
      const hashOf = (ks: typeof def.keySchema) =>
        ks.find((k) => k.KeyType === "HASH")!.AttributeName!;
      const attrs = [hashOf(def.keySchema), ...def.gsis.map((g) => hashOf(g.keySchema))];
      let scan: Awaited<ReturnType<typeof scanSpread>>;
      try {
        scan = await scanSpread(dynamo, def.name, [...new Set(attrs)], opts.maxItems);
      } catch (e) {
        notes.push(`${def.name}: not scanned (${(e as Error).message.split("\n")[0]})`);
        continue;
      }
      const resources = [
        { resource: def.name, key: hashOf(def.keySchema) },
        ...def.gsis.map((g) => ({ resource: `${def.name}/${g.name}`, key: hashOf(g.keySchema) })),
      ];
      for (const r of resources) {
        const items = topShare(scan.counts.get(r.key)!);
        const q = queries.get(r.resource);
        const t = q ? topShare(q.counts) : null;
        const rcu = q && q.n > 0 ? (capacity.get(r.resource) ?? 0) / q.n : 0;
        const spread: KeySpread = {
          resource: r.resource,
          keyAttribute: r.key,
          items: scan.items,
          scanComplete: scan.complete,
          distinctKeys: scan.counts.get(r.key)!.size,
          hottestKey: items.key,
          hottestItemShare: items.share,
          meanItemBytes: scan.meanBytes,
          traffic:
            q && t
              ? {
                  queries: q.n,
                  distinctKeys: q.counts.size,
                  hottestKey: t.key,
                  hottestShare: t.share,
                  rcuPerQuery: rcu,
                  patterns: [...q.patterns].sort(),
                }
              : null,
        };
        spreads.push(spread);
        findings.push(...spreadFindings(spread, opts.traffic));
      }
    }
  } finally {
    dynamo.close();
  }
  return { trafficReadsPerSecond: opts.traffic, spreads, findings, notes };
}

/** Warnings for one table or GSI at `traffic` queries per second. */
export function spreadFindings(s: KeySpread, traffic: number): Finding[] {
  const out: Finding[] = [];
  const table = s.resource.split("/")[0];
  const index = s.resource.includes("/") ? s.resource.split("/")[1] : undefined;
  const wcuPerWrite = Math.max(1, Math.ceil((s.meanItemBytes + (index ? 100 : 0)) / 1024));
  if (s.traffic) {
    const hotRcu = traffic * s.traffic.hottestShare * s.traffic.rcuPerQuery;
    if (partitionPressure({ rcuPerSecond: hotRcu, wcuPerSecond: 0 }).over) {
      const maxTraffic =
        PARTITION_RCU / (s.traffic.hottestShare * Math.max(s.traffic.rcuPerQuery, 1e-9));
      out.push({
        kind: "dynamo-hot-partition",
        severity: "high",
        table,
        index,
        pattern: s.traffic.patterns.join(", "),
        evidence: `${s.resource}: ${(s.traffic.hottestShare * 100).toFixed(1)}% of ${s.traffic.queries} sampled queries ask for ${s.keyAttribute}=${s.hottestKey === s.traffic.hottestKey ? s.hottestKey : s.traffic.hottestKey} at ${s.traffic.rcuPerQuery.toFixed(2)} RCU each: at ${traffic.toLocaleString("en-US")} queries/s that key takes ${Math.round(hotRcu).toLocaleString("en-US")} RCU/s, above one partition's ${PARTITION_RCU.toLocaleString("en-US")} RCU/s (the ceiling is reached at about ${Math.round(maxTraffic).toLocaleString("en-US")} queries/s)`,
        fix: null,
      });
    }
  }
  if (s.distinctKeys === 1 && s.items > 1) {
    // every item on one key value: every write to the table lands on one partition of this index
    const maxWrites = Math.floor(PARTITION_WCU / (2 * wcuPerWrite));
    const reads = s.traffic
      ? ` At ${traffic.toLocaleString("en-US")} queries/s of ${s.traffic.rcuPerQuery.toFixed(2)} RCU it takes ${Math.round(traffic * s.traffic.rcuPerQuery).toLocaleString("en-US")} RCU/s (${((traffic * s.traffic.rcuPerQuery * 100) / PARTITION_RCU).toFixed(0)}% of the partition's ceiling, reached at about ${Math.round(PARTITION_RCU / Math.max(s.traffic.rcuPerQuery, 1e-9)).toLocaleString("en-US")} queries/s).`
      : "";
    out.push({
      kind: "dynamo-hot-partition",
      severity: "high",
      table,
      index,
      pattern: s.traffic?.patterns.join(", "),
      evidence: `${s.resource}: all ${s.items.toLocaleString("en-US")}${s.scanComplete ? "" : "+"} items share one partition-key value (${s.keyAttribute}=${s.hottestKey}): every read of the index and every index write for the whole table go to one partition, capped at ${PARTITION_RCU.toLocaleString("en-US")} RCU/s and ${PARTITION_WCU.toLocaleString("en-US")} WCU/s; an update that changes the sort key costs 2 index writes of ${wcuPerWrite} WCU, so about ${maxWrites.toLocaleString("en-US")} score updates/s saturate it, and writes to the base table are throttled with it (GSI back-pressure).${reads} Remedy: write sharding — ${s.keyAttribute} = "${s.hottestKey}#" + (hash(user_id) mod N), query the N shards in parallel and merge the top results`,
      fix: null,
    });
  } else if (s.hottestItemShare >= 0.2 && s.distinctKeys > 1) {
    out.push({
      kind: "dynamo-hot-partition",
      severity: "medium",
      table,
      index,
      evidence: `${s.resource}: the hottest ${s.keyAttribute} value (${s.hottestKey}) holds ${(s.hottestItemShare * 100).toFixed(1)}% of ${s.items.toLocaleString("en-US")} items: writes concentrate there (1,000 WCU/s per partition)`,
      fix: null,
    });
  }
  return out;
}
