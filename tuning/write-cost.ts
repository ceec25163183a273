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

/**
 * The table's columns as an INSERT ... SELECT copying its own rows: the
 * primary key (one uuid column) becomes gen_random_uuid(), and one column of
 * every other UNIQUE constraint is changed so the copy does not collide (an
 * integer shifted far up, a text value suffixed). Null when the table has no
 * single uuid primary key, or a UNIQUE constraint with no such column.
 */
async function copySelect(
  q: Queryable,
  table: string,
): Promise<{ cols: string[]; select: string[] } | null> {
  const res = await q.query(
    `SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
            t.typname, a.atttypmod,
            coalesce(a.attnum = ANY (pk.conkey), false) AS is_pk
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  const pk = res.rows.filter((r) => r.is_pk);
  if (pk.length !== 1 || pk[0].type !== "uuid") return null;
  const uniques = await q.query(
    `SELECT con.conkey FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace AND con.contype = 'u'`,
    [table],
  );
  const changed = new Map<number, string>();
  for (const u of uniques.rows) {
    const cols = res.rows.filter((r) => (u.conkey as number[]).includes(r.attnum));
    const int = cols.find((r) => ["int2", "int4", "int8"].includes(r.typname));
    const txt = cols.find((r) => ["varchar", "text"].includes(r.typname));
    if (int)
      changed.set(int.attnum, `${ident(int.attname)} + 1000000 + floor(random() * 1000000)::int`);
    else if (txt) {
      const max = txt.typname === "varchar" && txt.atttypmod > 4 ? txt.atttypmod - 4 : 1000;
      changed.set(
        txt.attnum,
        `left(${ident(txt.attname)}, ${Math.max(1, max - 9)}) || '~' || substr(md5(random()::text), 1, 8)`,
      );
    } else return null;
  }
  const cols = res.rows.map((r) => ident(r.attname));
  const select = res.rows.map((r) =>
    r.is_pk ? "gen_random_uuid()" : (changed.get(r.attnum) ?? ident(r.attname)),
  );
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
  // three rounds, each rolled back; the median round counts (the machine may be shared)
  const rounds: Array<{ n: number; ms: number }> = [];
  for (let round = 0; round < 3; round++) {
    await q.query("BEGIN");
    try {
      const t0 = performance.now();
      const res = await q.query(
        `INSERT INTO ${ident(table)} (${shape.cols.join(", ")})
         SELECT ${shape.select.join(", ")} FROM ${ident(table)} LIMIT ${Math.floor(rows)}
         ON CONFLICT DO NOTHING`,
      );
      rounds.push({ n: res.rowCount ?? 0, ms: performance.now() - t0 });
    } finally {
      await q.query("ROLLBACK");
    }
  }
  rounds.sort((a, b) => a.n / a.ms - b.n / b.ms);
  const { n, ms } = rounds[1];
  return {
    table,
    rowsInserted: n,
    ms,
    rowsPerSecond: ms > 0 ? (n / ms) * 1000 : 0,
    indexes: ix.rows[0].n,
  };
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
