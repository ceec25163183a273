import { type AttributeValue, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import type pg from "pg";
import { DEFAULT_EPOCH } from "../generators/scale.ts";
import {
  ATTR,
  appliedVariant,
  LEADERBOARDS_TABLE,
  TRENDING_DISHES_TABLE,
  USER_POPULARITY_TABLE,
} from "../schema/index.ts";
import {
  canonicalNumber,
  type Group,
  type Item,
  keyText,
  leaderboardItems,
  popularityItems,
  projectable,
  sameItem,
  trendingGroupOf,
  trendingItems,
} from "./models.ts";
import { groupKey, readGroupVersions } from "./state.ts";

/**
 * `sync verify`: every read-model item in DynamoDB against a full recompute
 * from PostgreSQL with the same SQL, trending as of the instant recorded on
 * each group's version (the loader's instant, the data epoch, for groups the
 * projector never wrote).
 */

export interface Difference {
  table: string;
  key: string;
  kind: "missing" | "extra" | "different";
  dynamo?: Item;
  expected?: Item;
}

export interface VerifyResult {
  checked: Record<string, number>;
  differences: number;
  first: Difference[];
  groupsAsOf: number;
}

/** The loader's instant (load/request.ts dataNowIso) as a TIMESTAMP literal. */
export function loadInstant(): string {
  return new Date(Date.parse(DEFAULT_EPOCH)).toISOString().slice(0, 23).replace("T", " ");
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    if (page.Items) out.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

const KEYS: Record<string, string[]> = {
  [USER_POPULARITY_TABLE]: [ATTR.userId],
  [TRENDING_DISHES_TABLE]: [ATTR.locationId, ATTR.dishTypeTimestamp],
  [LEADERBOARDS_TABLE]: [ATTR.leaderboardType, ATTR.rank],
};

export async function verifyReadModels(
  db: pg.Client | pg.Pool,
  dyn: DynamoDBClient,
  prefix: string,
  show = 5,
): Promise<VerifyResult> {
  const versions = await readGroupVersions(dyn, prefix);
  const variant = projectable(await appliedVariant(dyn, prefix), prefix);
  const expected: Record<string, Item[]> = {
    [USER_POPULARITY_TABLE]: await popularityItems(db, null, variant),
    [LEADERBOARDS_TABLE]: await leaderboardItems(db, null, variant),
  };
  // trending: the loader's instant, then each versioned group as of its own instant
  const prefixG = groupKey(TRENDING_DISHES_TABLE, "");
  const asOfGroups = new Map<string, string>();
  for (const [k, v] of versions)
    if (k.startsWith(prefixG) && v.asOf) asOfGroups.set(k.slice(prefixG.length), v.asOf);
  const trending = (await trendingItems(db, loadInstant(), null)).filter(
    (it) => !asOfGroups.has(trendingGroupOf(it)),
  );
  // groups written as of one instant are recomputed together
  const byInstant = new Map<string, Group[]>();
  for (const [group, asOf] of asOfGroups) {
    const i = group.indexOf("#");
    const list = byInstant.get(asOf) ?? [];
    list.push([group.slice(0, i), group.slice(i + 1)]);
    byInstant.set(asOf, list);
  }
  for (const [asOf, groups] of byInstant) trending.push(...(await trendingItems(db, asOf, groups)));
  expected[TRENDING_DISHES_TABLE] = trending;

  const result: VerifyResult = {
    checked: {},
    differences: 0,
    first: [],
    groupsAsOf: asOfGroups.size,
  };
  const note = (d: Difference) => {
    result.differences++;
    if (result.first.length < show) result.first.push(d);
  };
  for (const table of [USER_POPULARITY_TABLE, TRENDING_DISHES_TABLE, LEADERBOARDS_TABLE]) {
    const keys = KEYS[table];
    const have = new Map<string, Item>();
    for (const it of await scanAll(dyn, `${prefix}${table}`)) have.set(keyText(it, keys), it);
    result.checked[table] = have.size;
    for (const want of expected[table]) {
      const k = keyText(want, keys);
      const got = have.get(k);
      have.delete(k);
      const key = k.split("\u0000").filter(Boolean).join(" / ");
      if (!got) note({ table, key, kind: "missing", expected: want });
      else if (!sameItem(got, want))
        note({ table, key, kind: "different", dynamo: got, expected: want });
    }
    for (const [k, got] of have)
      note({
        table,
        key: k.split("\u0000").filter(Boolean).join(" / "),
        kind: "extra",
        dynamo: got,
      });
  }
  return result;
}

/** One line per difference: what DynamoDB has against what the recompute says. */
export function formatDifference(d: Difference): string {
  const show = (it?: Item) => {
    if (!it) return "(none)";
    const parts: string[] = [];
    for (const [k, v] of Object.entries(it)) {
      if (k === "src_pos") continue;
      parts.push(`${k}=${v.S ?? v.N ?? JSON.stringify(v)}`);
    }
    return parts.join(" ");
  };
  if (d.kind === "missing")
    return `  ${d.table} ${d.key}: missing in DynamoDB (expected ${show(d.expected)})`;
  if (d.kind === "extra")
    return `  ${d.table} ${d.key}: in DynamoDB, not in the recompute (${show(d.dynamo)})`;
  const diff: string[] = [];
  const a = d.dynamo ?? {};
  const b = d.expected ?? {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === "src_pos") continue;
    const x = a[k]?.S ?? (a[k]?.N === undefined ? undefined : canonicalNumber(a[k].N as string));
    const y = b[k]?.S ?? (b[k]?.N === undefined ? undefined : canonicalNumber(b[k].N as string));
    if (x !== y) diff.push(`${k} ${x ?? "(none)"} != ${y ?? "(none)"}`);
  }
  return `  ${d.table} ${d.key}: ${diff.join(", ")} (DynamoDB != recompute)`;
}
