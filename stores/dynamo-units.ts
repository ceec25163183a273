import type {
  AttributeValue,
  KeySchemaElement,
  Projection,
  TableDescription,
} from "@aws-sdk/client-dynamodb";
import { NumberValue } from "@aws-sdk/lib-dynamodb";

/**
 * DynamoDB's capacity rules, computed from item sizes (AWS developer guide:
 * "DynamoDB item sizes and formats", "read/write capacity units", "global
 * secondary indexes: provisioned throughput considerations"):
 *
 * - an item's size is the sum of its attribute names' UTF-8 bytes and its
 *   values' sizes: a string its UTF-8 bytes, a number about one byte per two
 *   significant digits plus one (leading and trailing zeros trimmed), a binary
 *   its raw bytes, a null or boolean 1 byte, a list or map 3 bytes plus its
 *   elements plus 1 byte per element (a map's elements carry their names), a
 *   set the sum of its elements;
 * - a read costs one unit per 4 KB (rounded up), half for an eventually
 *   consistent read, twice for a transactional one; a Query adds the sizes of
 *   every item it reads and rounds up once;
 * - a write costs one unit per 1 KB (rounded up) of the larger of the item
 *   before and after, twice inside a transaction;
 * - a GSI holds an index item (the table's key, the index's key and the
 *   projected attributes, plus 100 bytes) for each item that has the index's
 *   key attributes: a write that puts an index item costs its units, one that
 *   removes it the old one's, one that changes an index key a delete and a put,
 *   one that changes only projected values one write; no index item before or
 *   after, or no change to it: nothing.
 *
 * Plain functions on plain data, no I/O.
 */

export type Item = Record<string, AttributeValue>;

/** Bytes of overhead DynamoDB adds to every index item. */
export const INDEX_ITEM_OVERHEAD = 100;
export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Size of a number: about one byte per two significant digits, plus one
 * (AWS's "approximately"), leading and trailing zeros trimmed; 0 is 1 byte.
 */
export function numberSize(n: string): number {
  const mantissa = n.trim().replace(/^[-+]/, "").split(/[eE]/)[0];
  const digits = mantissa.replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  if (digits.length === 0) return 1;
  return Math.ceil(digits.length / 2) + 1;
}

/** Size of one value (without its attribute name). */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((a, s) => a + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((a, s) => a + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((a, b) => a + b.byteLength, 0);
  if (v.L !== undefined) return v.L.reduce((a, e) => a + valueSize(e) + 1, 3);
  if (v.M !== undefined) {
    let n = 3;
    for (const k in v.M) n += utf8(k) + valueSize(v.M[k]) + 1;
    return n;
  }
  throw new Error(`not a DynamoDB attribute value: ${JSON.stringify(v)}`);
}

/** Bytes of an item by AWS's rules: attribute names plus values. */
export function itemSize(item: Item): number {
  let n = 0;
  for (const k in item) n += utf8(k) + valueSize(item[k]);
  return n;
}

/**
 * A document-client value (what lib-dynamodb returns and takes) as an
 * AttributeValue, to size it: strings, numbers, bigints, booleans, null,
 * Uint8Arrays, arrays (L), Sets (SS, NS, BS) and plain objects (M).
 */
export function toAttributeValue(v: unknown): AttributeValue {
  if (typeof v === "string") return { S: v };
  if (typeof v === "number" || typeof v === "bigint") return { N: String(v) };
  if (typeof v === "boolean") return { BOOL: v };
  if (v === null || v === undefined) return { NULL: true };
  if (v instanceof Uint8Array) return { B: v };
  if (Array.isArray(v)) return { L: v.map(toAttributeValue) };
  if (v instanceof Set) {
    const first = v.values().next().value as unknown;
    if (typeof first === "number" || typeof first === "bigint")
      return { NS: [...v].map((x) => String(x)) };
    if (first instanceof Uint8Array) return { BS: [...v] as Uint8Array[] };
    return { SS: [...v].map((x) => String(x)) };
  }
  // lib-dynamodb's NumberValue keeps a number's exact text
  if (v instanceof NumberValue) return { N: v.toString() };
  const m: Record<string, AttributeValue> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    if (x !== undefined) m[k] = toAttributeValue(x);
  return { M: m };
}

/** A document-client item as AttributeValues. */
export function toItem(doc: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(doc)) if (v !== undefined) out[k] = toAttributeValue(v);
  return out;
}

export interface ReadOptions {
  /** strongly consistent (1 unit per 4 KB); default eventually consistent (0.5) */
  consistent?: boolean;
  /** inside a transaction: 2 units per 4 KB */
  transactional?: boolean;
}

/** Read units for `bytes` read at once (an item, or a Query's items together); at least one 4 KB unit. */
export function readUnits(bytes: number, opts: ReadOptions = {}): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  const per = opts.transactional ? 2 : opts.consistent ? 1 : 0.5;
  return units * per;
}

/** Read units of a Query or Scan: the items' sizes added, rounded up once. */
export function queryReadUnits(itemBytes: readonly number[], opts: ReadOptions = {}): number {
  let total = 0;
  for (const b of itemBytes) total += b;
  return readUnits(total, opts);
}

/** Write units for an item of `bytes` (at least one 1 KB unit), twice inside a transaction. */
export function writeUnits(bytes: number, opts: { transactional?: boolean } = {}): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES)) * (opts.transactional ? 2 : 1);
}

/** A table's key and its GSIs, as the rules need them (from DescribeTable, or schema/dynamodb). */
export interface TableShape {
  name: string;
  /** the table's key attributes (partition, then sort) */
  keys: string[];
  gsis: IndexShape[];
}

export interface IndexShape {
  name: string;
  /** the index's key attributes (partition, then sort) */
  keys: string[];
  /** ALL, KEYS_ONLY, or the INCLUDE list */
  projection: "ALL" | "KEYS_ONLY" | string[];
}

const keyNames = (ks: readonly KeySchemaElement[] | undefined) =>
  [...(ks ?? [])]
    .sort((a, b) => (a.KeyType === "HASH" ? -1 : b.KeyType === "HASH" ? 1 : 0))
    .map((k) => k.AttributeName!);

const projectionOf = (p: Projection | undefined): IndexShape["projection"] =>
  p?.ProjectionType === "INCLUDE"
    ? [...(p.NonKeyAttributes ?? [])]
    : p?.ProjectionType === "KEYS_ONLY"
      ? "KEYS_ONLY"
      : "ALL";

/** The shape of a table from DescribeTable's answer. */
export function tableShape(t: TableDescription): TableShape {
  return {
    name: t.TableName!,
    keys: keyNames(t.KeySchema),
    gsis: (t.GlobalSecondaryIndexes ?? []).map((g) => ({
      name: g.IndexName!,
      keys: keyNames(g.KeySchema),
      projection: projectionOf(g.Projection),
    })),
  };
}

/** The shape of a table from its definition (schema/dynamodb/tables.ts's DynamoTableDef shape). */
export function shapeOf(def: {
  name: string;
  keySchema: KeySchemaElement[];
  gsis: { name: string; keySchema: KeySchemaElement[]; projection: Projection }[];
}): TableShape {
  return {
    name: def.name,
    keys: keyNames(def.keySchema),
    gsis: def.gsis.map((g) => ({
      name: g.name,
      keys: keyNames(g.keySchema),
      projection: projectionOf(g.projection),
    })),
  };
}

/**
 * The index item an item puts in a GSI: the table's key, the index's key and
 * the projected attributes; null when the item lacks an index key attribute.
 */
export function indexItem(item: Item | null, table: TableShape, index: IndexShape): Item | null {
  if (item === null) return null;
  for (const k of index.keys) if (item[k] === undefined) return null;
  if (index.projection === "ALL") return item;
  const out: Item = {};
  const names = [
    ...table.keys,
    ...index.keys,
    ...(index.projection === "KEYS_ONLY" ? [] : index.projection),
  ];
  for (const k of names) if (item[k] !== undefined) out[k] = item[k];
  return out;
}

/** An index item's size: its attributes plus the 100 bytes of overhead. */
export function indexItemSize(item: Item): number {
  return itemSize(item) + INDEX_ITEM_OVERHEAD;
}

const same = (a: AttributeValue | undefined, b: AttributeValue | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

/** What a write does to one GSI, and its units. */
export interface IndexWrite {
  index: string;
  action: "none" | "put" | "delete" | "update" | "delete+put";
  units: number;
}

/** The GSI writes of one item going from `before` to `after` (null: absent). */
export function indexWrite(
  before: Item | null,
  after: Item | null,
  table: TableShape,
  index: IndexShape,
  opts: { transactional?: boolean } = {},
): IndexWrite {
  const b = indexItem(before, table, index);
  const a = indexItem(after, table, index);
  const w = (x: Item) => writeUnits(indexItemSize(x), opts);
  const name = index.name;
  if (b === null && a === null) return { index: name, action: "none", units: 0 };
  if (b === null) return { index: name, action: "put", units: w(a!) };
  if (a === null) return { index: name, action: "delete", units: w(b) };
  const keyChanged = [...table.keys, ...index.keys].some((k) => !same(b[k], a[k]));
  if (keyChanged) return { index: name, action: "delete+put", units: w(b) + w(a) };
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of names)
    if (!same(a[k], b[k])) return { index: name, action: "update", units: Math.max(w(a), w(b)) };
  return { index: name, action: "none", units: 0 };
}

/** Units of one item write (put, update or delete): the table's and each GSI's. */
export interface WriteCost {
  table: number;
  indexes: IndexWrite[];
}

/**
 * One item written from `before` to `after`: the table pays for the larger of
 * the two, each GSI by indexWrite's rules.
 */
export function writeCost(
  before: Item | null,
  after: Item | null,
  table: TableShape,
  opts: { transactional?: boolean } = {},
): WriteCost {
  const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
  return {
    table: writeUnits(size, opts),
    indexes: table.gsis.map((g) => indexWrite(before, after, table, g, opts)),
  };
}
