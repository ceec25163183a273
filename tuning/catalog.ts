import type { Queryable } from "../stores/markers.ts";

/**
 * What the catalog says about the tables, indexes and foreign keys of one
 * schema. Plain catalog reads (pg_index, pg_class, pg_constraint, pg_am,
 * pg_opclass): they work on PostgreSQL >= 13 for any user that can connect,
 * superuser or not (Aurora's master user is not one).
 */

export interface IndexInfo {
  schema: string;
  table: string;
  name: string;
  /** access method: btree, gin, gist, hash, brin, spgist */
  method: string;
  /** key columns in order: a column name, or an expression's text */
  keys: string[];
  /** true for a key that is an expression rather than a plain column */
  keyIsExpression: boolean[];
  /** INCLUDE columns (not part of the key) */
  include: string[];
  /** operator class of each key */
  opclasses: string[];
  /** per-key options (DESC, NULLS FIRST) and collation, as catalog numbers */
  options: number[];
  collations: number[];
  /** partial-index predicate, or null */
  predicate: string | null;
  unique: boolean;
  primary: boolean;
  /** the constraint this index enforces (PRIMARY KEY, UNIQUE, EXCLUDE), or null */
  constraint: { name: string; type: "p" | "u" | "x" } | null;
  valid: boolean;
  definition: string;
  sizeBytes: number;
  /** the COMMENT on the index (index sets record themselves there) */
  comment: string | null;
}

export interface ForeignKeyInfo {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  /** planner's row estimate (reltuples; -1 when never analyzed is reported as null) */
  rowEstimate: number | null;
  sizeBytes: number;
}

export interface Catalog {
  schema: string;
  serverVersionNum: number;
  tables: TableInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

const INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS table_name, c.relname AS index_name, am.amname AS method,
       i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
       i.indnkeyatts AS nkeys, i.indnatts AS natts,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
               FROM generate_series(1, i.indnatts::int) AS k ORDER BY k) AS cols,
       ARRAY(SELECT (i.indkey::int2[])[k - 1] = 0
               FROM generate_series(1, i.indnatts::int) AS k ORDER BY k) AS is_expr,
       ARRAY(SELECT oc.opcname::text
               FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(opc, ord)
               JOIN pg_opclass oc ON oc.oid = u.opc ORDER BY u.ord) AS opclasses,
       i.indoption::int2[] AS options,
       i.indcollation::oid[] AS collations,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       pg_get_indexdef(i.indexrelid) AS definition,
       pg_relation_size(i.indexrelid) AS size_bytes,
       con.conname AS constraint_name, con.contype AS constraint_type,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = c.relam
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                              AND con.contype IN ('p', 'u', 'x')
 WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p', 'm')
 ORDER BY t.relname, c.relname`;

const FOREIGN_KEYS_SQL = `
SELECT con.conname AS name, t.relname AS table_name, rt.relname AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = u.attnum
              ORDER BY u.ord) AS columns,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.attnum
              ORDER BY u.ord) AS ref_columns
  FROM pg_constraint con
  JOIN pg_class t ON t.oid = con.conrelid
  JOIN pg_class rt ON rt.oid = con.confrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE con.contype = 'f' AND n.nspname = current_schema()
 ORDER BY t.relname, con.conname`;

const TABLES_SQL = `
SELECT c.relname AS name, c.reltuples::float8 AS est, c.relpages AS pages,
       pg_table_size(c.oid) AS size_bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')
 ORDER BY c.relname`;

/** Reads the current schema's tables, indexes and foreign keys. */
export async function readCatalog(q: Queryable): Promise<Catalog> {
  // one after another: q may be a single client
  const schema = await q.query("SELECT current_schema() AS s");
  const ver = await q.query("SELECT current_setting('server_version_num')::int AS v");
  const tables = await q.query(TABLES_SQL);
  const indexes = await q.query(INDEXES_SQL);
  const fks = await q.query(FOREIGN_KEYS_SQL);
  return {
    schema: schema.rows[0].s,
    serverVersionNum: ver.rows[0].v,
    tables: tables.rows.map((r) => {
      const est = Number(r.est);
      return {
        name: r.name,
        rowEstimate: est >= 0 ? est : Number(r.pages) === 0 ? 0 : null,
        sizeBytes: Number(r.size_bytes),
      };
    }),
    indexes: indexes.rows.map(toIndexInfo),
    foreignKeys: fks.rows.map((r) => ({
      name: r.name,
      table: r.table_name,
      columns: r.columns,
      refTable: r.ref_table,
      refColumns: r.ref_columns,
    })),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a catalog row
function toIndexInfo(r: any): IndexInfo {
  const nkeys = Number(r.nkeys);
  const cols: string[] = r.cols;
  const isExpr: boolean[] = r.is_expr;
  return {
    schema: r.schema,
    table: r.table_name,
    name: r.index_name,
    method: r.method,
    keys: cols.slice(0, nkeys),
    keyIsExpression: isExpr.slice(0, nkeys),
    include: cols.slice(nkeys),
    opclasses: r.opclasses,
    options: (r.options ?? []).map(Number),
    collations: (r.collations ?? []).map(Number),
    predicate: r.predicate,
    unique: r.is_unique,
    primary: r.is_primary,
    constraint: r.constraint_name ? { name: r.constraint_name, type: r.constraint_type } : null,
    valid: r.is_valid,
    definition: r.definition,
    sizeBytes: Number(r.size_bytes),
    comment: r.comment,
  };
}

/** A quoted identifier, for the fix statements the findings carry. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}

/** Reserved words that cannot be a bare column or table name. */
const RESERVED = new Set(
  "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with".split(
    " ",
  ),
);
