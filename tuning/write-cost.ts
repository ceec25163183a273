import type { Queryable } from "../stores/markers.ts";
import { ident } from "./catalog.ts";

/**
 * The write side of an index set: how fast rows go into a table with the
 * set's indexes, measured by copying existing rows under new primary keys
 * (INSERT ... SELECT, ON CONFLICT DO NOTHING for the other unique keys) inside
 * a transaction that is rolled back, so the data is left as it was. Every
 * index on the table is maintained for each inserted row: that is the cost.
 */

export interface InsertRate {
  table: string;
  rowsInserted: number;
  ms: number;
  rowsPerSecond: number;
  indexes: number;
}

/** The table's columns, with the primary key's (one uuid column) replaced by gen_random_uuid(). */
async function copySelect(
  q: Queryable,
  table: string,
): Promise<{ cols: string[]; select: string[] } | null> {
  const res = await q.query(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type,
            coalesce(a.attnum = ANY (pk.conkey), false) AS is_pk
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  const pk = res.rows.filter((r) => r.is_pk);
  if (pk.length !== 1 || pk[0].type !== "uuid") return null;
  const cols = res.rows.map((r) => ident(r.attname));
  const select = res.rows.map((r) => (r.is_pk ? "gen_random_uuid()" : ident(r.attname)));
  return { cols, select };
}

export async function measureInsertRate(
  q: Queryable,
  table: string,
  rows: number,
): Promise<InsertRate | null> {
  const shape = await copySelect(q, table);
  if (!shape) return null;
  const ix = await q.query(
    `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
    [table],
  );
  await q.query("BEGIN");
  try {
    const t0 = performance.now();
    const res = await q.query(
      `INSERT INTO ${ident(table)} (${shape.cols.join(", ")})
       SELECT ${shape.select.join(", ")} FROM ${ident(table)} LIMIT ${Math.floor(rows)}
       ON CONFLICT DO NOTHING`,
    );
    const ms = performance.now() - t0;
    const n = res.rowCount ?? 0;
    return {
      table,
      rowsInserted: n,
      ms,
      rowsPerSecond: ms > 0 ? (n / ms) * 1000 : 0,
      indexes: ix.rows[0].n,
    };
  } finally {
    await q.query("ROLLBACK");
  }
}

/** Sizes of the indexes on the given tables (pg_relation_size), by index name. */
export async function indexSizes(
  q: Queryable,
  tables: string[],
): Promise<Map<string, { table: string; bytes: number }>> {
  const res = await q.query(
    `SELECT c.relname AS index, t.relname AS table, pg_relation_size(c.oid) AS bytes
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY ($1)`,
    [tables],
  );
  return new Map(
    res.rows.map((r) => [r.index as string, { table: r.table, bytes: Number(r.bytes) }]),
  );
}
