import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";

/**
 * DynamoDB tables as they were at one moment, to put back the items a run
 * touched: bench:freshness replays the projector's calls on the state the
 * projector found (a delete of an item already gone or a put of an item
 * already written costs DynamoDB less than the real one), and checks that the
 * replay left the items as the projector did.
 */

type Item = Record<string, AttributeValue>;

export interface TableSnapshot {
  /** table -> its key attribute names */
  keys: Map<string, string[]>;
  /** table -> key text -> item */
  items: Map<string, Map<string, Item>>;
}

/** The text of an item's key (or of a key). */
export function keyTextOf(item: Item, names: readonly string[]): string {
  return names.map((n) => JSON.stringify(item[n])).join("\u0000");
}

function keyOf(item: Item, names: readonly string[]): Item {
  const k: Item = {};
  for (const n of names) k[n] = item[n];
  return k;
}

/** Every item of the tables (consistent scans). */
export async function snapshotTables(
  dyn: DynamoDBClient,
  tables: readonly string[],
): Promise<TableSnapshot> {
  const snap: TableSnapshot = { keys: new Map(), items: new Map() };
  for (const t of tables) {
    const d = await dyn.send(new DescribeTableCommand({ TableName: t }));
    const names = (d.Table?.KeySchema ?? []).map((k) => k.AttributeName as string);
    const items = new Map<string, Item>();
    let start: Item | undefined;
    do {
      const page = await dyn.send(
        new ScanCommand({ TableName: t, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const it of page.Items ?? []) items.set(keyTextOf(it, names), it);
      start = page.LastEvaluatedKey;
    } while (start);
    snap.keys.set(t, names);
    snap.items.set(t, items);
  }
  return snap;
}

/** The touched keys, per table: key text -> key. */
export type Touched = Map<string, Map<string, Item>>;

/** Adds a key (or an item: its key attributes are taken) of a snapshotted table. */
export function touch(snap: TableSnapshot, touched: Touched, table: string, keyOrItem: Item): void {
  const names = snap.keys.get(table);
  if (!names) return;
  const m = touched.get(table) ?? new Map<string, Item>();
  touched.set(table, m);
  m.set(keyTextOf(keyOrItem, names), keyOf(keyOrItem, names));
}

/** Puts the touched keys back as the snapshot had them (deleting those it did not have). */
export async function restoreTouched(
  dyn: DynamoDBClient,
  snap: TableSnapshot,
  touched: Touched,
): Promise<number> {
  let n = 0;
  for (const [table, keys] of touched) {
    const before = snap.items.get(table) ?? new Map<string, Item>();
    const reqs: WriteRequest[] = [];
    for (const [text, key] of keys) {
      const it = before.get(text);
      reqs.push(it ? { PutRequest: { Item: it } } : { DeleteRequest: { Key: key } });
    }
    for (let i = 0; i < reqs.length; i += 25) {
      let pending: Record<string, WriteRequest[]> | undefined = {
        [table]: reqs.slice(i, i + 25),
      };
      while (pending && Object.keys(pending).length > 0) {
        const out: { UnprocessedItems?: Record<string, WriteRequest[]> } = await dyn.send(
          new BatchWriteItemCommand({ RequestItems: pending }),
        );
        pending = out.UnprocessedItems;
      }
    }
    n += reqs.length;
  }
  return n;
}

/** The touched keys' items now (key text -> item; absent keys missing). */
export async function readTouched(
  dyn: DynamoDBClient,
  touched: Touched,
  snap: TableSnapshot,
): Promise<Map<string, Map<string, Item>>> {
  const out = new Map<string, Map<string, Item>>();
  for (const [table, keys] of touched) {
    const names = snap.keys.get(table) ?? [];
    const got = new Map<string, Item>();
    const list = [...keys.values()];
    for (let i = 0; i < list.length; i += 100) {
      let pending: Item[] = list.slice(i, i + 100);
      while (pending.length > 0) {
        const res = await dyn.send(
          new BatchGetItemCommand({
            RequestItems: { [table]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const it of res.Responses?.[table] ?? []) got.set(keyTextOf(it, names), it);
        pending = (res.UnprocessedKeys?.[table]?.Keys as Item[] | undefined) ?? [];
      }
    }
    out.set(table, got);
  }
  return out;
}

/** Keys whose item differs (or exists on one side only) between two reads of the same keys. */
export function differences(
  a: Map<string, Map<string, Item>>,
  b: Map<string, Map<string, Item>>,
): number {
  let n = 0;
  for (const [table, items] of a) {
    const other = b.get(table) ?? new Map<string, Item>();
    const keys = new Set([...items.keys(), ...other.keys()]);
    for (const k of keys) {
      const x = items.get(k);
      const y = other.get(k);
      if (!x || !y || canonical(x) !== canonical(y)) n++;
    }
  }
  return n;
}

function canonical(it: Item): string {
  return (
    JSON.stringify(Object.keys(it).sort(), null, 0) +
    JSON.stringify(
      Object.keys(it)
        .sort()
        .map((k) => it[k]),
    )
  );
}
