import {
  DescribeTableCommand,
  ListTablesCommand,
  type QueryCommandInput as RawQueryInput,
} from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { type OpTiming, running } from "../core/op-clock.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import {
  type Item,
  itemSize,
  queryReadUnits,
  type TableShape,
  tableShape,
  toItem,
  writeCost,
} from "../stores/dynamo-units.ts";
import { createStores, type StoreFactory } from "../stores/factory.ts";
import type { PgStore } from "../stores/postgres.ts";

/**
 * The store factory measureCost runs a scenario with (stores/factory.ts's
 * seam): the harness's own stores, wrapped to note what the operations do,
 * while `recording` is on (the measured step's load, after its setup):
 *
 * - PostgreSQL: the text of every statement, to pick the operations' rows
 *   out of pg_stat_statements, and how many statements they sent (BEGIN and
 *   COMMIT of each transaction attempt included: pg_stat_statements counts a
 *   prepared utility statement only on its first run on a connection);
 * - DynamoDB: the capacity units the item-size rules give (stores/dynamo-
 *   units.ts) per table and GSI. A Query's are from the items it read (when
 *   it projects or filters, the same Query again without them, uncounted, so
 *   whole items are sized); a write's from the item before (a consistent
 *   GetItem, uncounted) and after (the item put, or a GetItem after an
 *   update). The extra reads cost time: measure cost at a modest rate.
 *
 * It keeps its notes on a global (one per thread), so measureCost runs its
 * steps on one load-generator thread.
 */

export interface Units {
  rcu: number;
  wcu: number;
}

export interface CostNotes {
  recording: boolean;
  /** the texts of the statements the operations ran */
  pgTexts: Set<string>;
  /** statements the operations sent: each query, and BEGIN and COMMIT (or ROLLBACK) of each transaction attempt */
  pgStatements: number;
  /** transaction attempts (BEGIN ... COMMIT or ROLLBACK), retries included */
  pgTransactions: number;
  /** per resource ("Table" or "Table/Index", full names), the rules' units */
  computed: Map<string, Units>;
  /** per resource, the partition key value the operations hit, or null once two differ */
  keys: Map<string, string | null>;
  /** Query replays (projection or filter) and writes read around: uncounted calls made */
  extraCalls: number;
  /** the stores built for the run, to read capacity from at the start of the measured step */
  dynamoStores: DynamoStore[];
}

const KEY = Symbol.for("bellyfed-bench.cost-notes");

/** The notes of this thread (made on first use). */
export function costNotes(): CostNotes {
  const g = globalThis as unknown as Record<symbol, CostNotes | undefined>;
  g[KEY] ??= {
    recording: false,
    pgTexts: new Set(),
    pgStatements: 0,
    pgTransactions: 0,
    computed: new Map(),
    keys: new Map(),
    extraCalls: 0,
    dynamoStores: [],
  };
  return g[KEY];
}

/** Clears the notes before a measured step. */
export function resetCostNotes(): CostNotes {
  const n = costNotes();
  n.recording = false;
  n.pgTexts.clear();
  n.pgStatements = 0;
  n.pgTransactions = 0;
  n.computed.clear();
  n.keys.clear();
  n.extraCalls = 0;
  n.dynamoStores = [];
  return n;
}

/**
 * Whether to note a call: while recording (from the end of the measured
 * step's setup), a measured operation's. An operation's calls after its first
 * await see no running operation (core/op-clock.ts), so those count too; a
 * scenario's teardown, which runs before the step returns, would as well
 * (the harness's scenarios have none that touches a store).
 */
const noting = (notes: CostNotes, t: OpTiming | null) =>
  notes.recording && (t === null || t.measured);

/** Calls `f` as part of operation `t` (the stores read running.op on entry). */
function asOp<T>(t: OpTiming | null, f: () => T): T {
  const prev = running.op;
  running.op = t;
  try {
    return f();
  } finally {
    running.op = prev;
  }
}

function wrapPg(inner: PgStore, notes: CostNotes): PgStore {
  return {
    ...inner,
    query(statement, params) {
      if (noting(notes, running.op)) {
        notes.pgTexts.add(statement.text);
        notes.pgStatements++;
      }
      return inner.query(statement, params);
    },
    transaction(fn, opts) {
      if (!noting(notes, running.op)) return inner.transaction(fn, opts);
      return inner.transaction((tx) => {
        // one attempt: its BEGIN, its statements, its COMMIT or ROLLBACK
        notes.pgTransactions++;
        notes.pgStatements += 2;
        return fn({
          query(statement, params) {
            notes.pgTexts.add(statement.text);
            notes.pgStatements++;
            return tx.query(statement, params);
          },
        });
      }, opts);
    },
  };
}

function add(notes: CostNotes, resource: string, rcu: number, wcu: number, key?: string) {
  const u = notes.computed.get(resource) ?? { rcu: 0, wcu: 0 };
  u.rcu += rcu;
  u.wcu += wcu;
  notes.computed.set(resource, u);
  if (key === undefined) return;
  const k = notes.keys.get(resource);
  if (k === undefined) notes.keys.set(resource, key);
  else if (k !== key) notes.keys.set(resource, null);
}

const keyText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** The value a Query's key condition gives the partition key `attr`, when it can be read. */
function queryKeyValue(input: QueryCommandInput, attr: string): string | undefined {
  const expr = input.KeyConditionExpression ?? "";
  const names = input.ExpressionAttributeNames ?? {};
  for (const m of expr.matchAll(/([#\w.]+)\s*=\s*(:\w+)/g)) {
    const name = m[1].startsWith("#") ? names[m[1]] : m[1];
    if (name === attr) return keyText(input.ExpressionAttributeValues?.[m[2]]);
  }
  return undefined;
}

/** The Query as DynamoDB reads it: without projection or filter (whole items), only the names and values its key condition uses. */
function wholeItemsQuery(
  input: QueryCommandInput,
  start?: Record<string, unknown>,
): QueryCommandInput {
  const expr = input.KeyConditionExpression ?? "";
  const used = (k: string) => new RegExp(`${k}(?![\\w])`).test(expr);
  const pick = <V>(o: Record<string, V> | undefined) =>
    o ? Object.fromEntries(Object.entries(o).filter(([k]) => used(k))) : undefined;
  return {
    TableName: input.TableName,
    IndexName: input.IndexName,
    KeyConditionExpression: input.KeyConditionExpression,
    ExpressionAttributeNames: pick(input.ExpressionAttributeNames),
    ExpressionAttributeValues: pick(input.ExpressionAttributeValues),
    ScanIndexForward: input.ScanIndexForward,
    Limit: input.Limit,
    ConsistentRead: input.ConsistentRead,
    ExclusiveStartKey: start ?? input.ExclusiveStartKey,
  };
}

async function wrapDynamo(inner: DynamoStore, notes: CostNotes): Promise<DynamoStore> {
  const shapes = new Map<string, TableShape>();
  const shape = async (table: string): Promise<TableShape> => {
    let s = shapes.get(table);
    if (s === undefined) {
      const d = await inner.raw.send(new DescribeTableCommand({ TableName: table }));
      s = tableShape(d.Table!);
      shapes.set(table, s);
    }
    return s;
  };
  // the tables of this run, described before the clock starts
  const prefix = inner.table("");
  let start: string | undefined;
  do {
    const out = await inner.raw.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const t of out.TableNames ?? []) if (t.startsWith(prefix)) await shape(t);
    start = out.LastEvaluatedTableName;
  } while (start);

  const getItem = async (table: string, key: Record<string, unknown>): Promise<Item | null> => {
    notes.extraCalls++;
    const out = await inner.doc.send(
      new GetCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    return out.Item ? toItem(out.Item) : null;
  };
  const keyOf = (s: TableShape, item: Record<string, unknown>) =>
    Object.fromEntries(s.keys.map((k) => [k, item[k]]));
  const noteWrite = (s: TableShape, before: Item | null, after: Item | null, tx: boolean) => {
    const cost = writeCost(before, after, s, { transactional: tx });
    add(notes, s.name, 0, cost.table);
    for (const w of cost.indexes) {
      if (w.action === "none") continue;
      const g = s.gsis.find((x) => x.name === w.index)!;
      const v = (after ?? before!)[g.keys[0]];
      add(notes, `${s.name}/${w.index}`, 0, w.units, keyText(v?.S ?? v?.N ?? v));
    }
  };

  /** One item write noted around `send`: the item before, then after (given, or read back). */
  const aroundWrite = async <T>(
    table: string,
    keyFrom: (s: TableShape) => Record<string, unknown>,
    send: () => Promise<T>,
    after: Record<string, unknown> | null | "read",
  ): Promise<T> => {
    const s = await shape(table);
    const key = keyFrom(s);
    const before = await getItem(table, key);
    const out = await send();
    const a = after === "read" ? await getItem(table, key) : after === null ? null : toItem(after);
    noteWrite(s, before, a, false);
    return out;
  };

  const queryUnits = async (input: QueryCommandInput, out: QueryCommandOutput) => {
    const table = input.TableName!;
    const s = await shape(table);
    let items = out.Items ?? [];
    if (input.ProjectionExpression || input.FilterExpression || input.Select) {
      notes.extraCalls++;
      const whole = await inner.doc.send(new QueryCommand(wholeItemsQuery(input) as RawQueryInput));
      items = whole.Items ?? [];
    }
    const sizes = items.map((i) => itemSize(toItem(i)));
    const rcu = queryReadUnits(sizes, { consistent: input.ConsistentRead === true });
    const index = input.IndexName ? s.gsis.find((g) => g.name === input.IndexName) : undefined;
    const pk = index ? index.keys[0] : s.keys[0];
    add(
      notes,
      input.IndexName ? `${table}/${input.IndexName}` : table,
      rcu,
      0,
      queryKeyValue(input, pk),
    );
  };

  const wrapped: DynamoStore = {
    ...inner,
    async query(input) {
      const t = running.op;
      if (!noting(notes, t)) return inner.query(input);
      const out = await inner.query(input);
      await queryUnits(input, out);
      return out;
    },
    put(input: PutCommandInput) {
      const t = running.op;
      if (!noting(notes, t)) return inner.put(input);
      return aroundWrite(
        input.TableName!,
        (s) => keyOf(s, input.Item ?? {}),
        () => asOp(t, () => inner.put(input)),
        input.Item ?? null,
      );
    },
    update(input) {
      const t = running.op;
      if (!noting(notes, t)) return inner.update(input);
      return aroundWrite(
        input.TableName!,
        () => input.Key!,
        () => asOp(t, () => inner.update(input)),
        "read",
      );
    },
    delete(input) {
      const t = running.op;
      if (!noting(notes, t)) return inner.delete(input);
      return aroundWrite(
        input.TableName!,
        () => input.Key!,
        () => asOp(t, () => inner.delete(input)),
        null,
      );
    },
    async batchWrite(input, opts) {
      const t = running.op;
      if (!noting(notes, t)) return inner.batchWrite(input, opts);
      const writes: { s: TableShape; before: Item | null; after: Item | null }[] = [];
      for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
        const s = await shape(table);
        for (const r of requests) {
          const item = r.PutRequest?.Item;
          const key = item ? keyOf(s, item) : (r.DeleteRequest?.Key ?? {});
          writes.push({ s, before: await getItem(table, key), after: item ? toItem(item) : null });
        }
      }
      await asOp(t, () => inner.batchWrite(input, opts));
      for (const w of writes) noteWrite(w.s, w.before, w.after, false);
    },
    async transactWrite(input: TransactWriteCommandInput) {
      const t = running.op;
      if (!noting(notes, t)) return inner.transactWrite(input);
      const writes: {
        s: TableShape;
        key: Record<string, unknown>;
        before: Item | null;
        after: Item | null | "read";
      }[] = [];
      for (const x of input.TransactItems ?? []) {
        const w = x.Put ?? x.Update ?? x.Delete;
        if (!w) continue; // ConditionCheck: not a write of an item
        const s = await shape(w.TableName!);
        const key = x.Put ? keyOf(s, x.Put.Item ?? {}) : (x.Update?.Key ?? x.Delete?.Key ?? {});
        const after = x.Put ? toItem(x.Put.Item ?? {}) : x.Update ? "read" : null;
        writes.push({ s, key, before: await getItem(s.name, key), after });
      }
      const out = await asOp(t, () => inner.transactWrite(input));
      for (const w of writes) {
        const after = w.after === "read" ? await getItem(w.s.name, w.key) : w.after;
        noteWrite(w.s, w.before, after, true);
      }
      return out;
    },
  };
  notes.dynamoStores.push(inner);
  return wrapped;
}

/** The factory: the harness's stores, wrapped. */
const factory: StoreFactory = async (request) => {
  const stores = await createStores(request);
  const notes = costNotes();
  if (stores.pg) stores.pg = wrapPg(stores.pg, notes);
  if (stores.dynamo) stores.dynamo = await wrapDynamo(stores.dynamo, notes);
  return stores;
};

export default factory;
