import { type ForeignKeyInfo, type IndexInfo, ident, type TableInfo } from "../catalog.ts";
import type { Finding } from "../findings.ts";

/**
 * Foreign keys with no supporting index: no valid, non-partial btree (or a
 * one-column hash) whose leading keys are the FK's columns, in any order.
 * Without one, every DELETE or key UPDATE on the referenced table scans the
 * referencing table once per row, and joins from the parent have no index.
 */

export function supports(fk: ForeignKeyInfo, ix: IndexInfo): boolean {
  if (ix.table !== fk.table || !ix.valid || ix.predicate !== null) return false;
  const n = fk.columns.length;
  if (ix.method === "hash") return n === 1 && ix.keys.length === 1 && ix.keys[0] === fk.columns[0];
  if (ix.method !== "btree" || ix.keys.length < n) return false;
  const lead = ix.keys.slice(0, n);
  if (ix.keyIsExpression.slice(0, n).some(Boolean)) return false;
  return fk.columns.every((c) => lead.includes(c));
}

/** A name for a new index: idx_<table>_<columns>, at most 63 bytes. */
export function indexName(table: string, columns: string[]): string {
  return `idx_${table}_${columns.join("_")}`.slice(0, 63);
}

export function createIndexStatement(
  schema: string,
  table: string,
  columns: string[],
  name = indexName(table, columns),
): string {
  return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${ident(name)} ON ${ident(schema)}.${ident(table)} (${columns.map(ident).join(", ")});`;
}

export function foreignKeyFindings(
  schema: string,
  fks: ForeignKeyInfo[],
  indexes: IndexInfo[],
  tables: TableInfo[],
): Finding[] {
  const rows = new Map(tables.map((t) => [t.name, t.rowEstimate]));
  const out: Finding[] = [];
  for (const fk of fks) {
    if (indexes.some((ix) => supports(fk, ix))) continue;
    const n = rows.get(fk.table);
    const size =
      n === null || n === undefined
        ? "an unknown number of"
        : Math.round(n).toLocaleString("en-US");
    out.push({
      kind: "unindexed-foreign-key",
      severity: (n ?? 0) >= 100_000 ? "high" : "medium",
      table: fk.table,
      evidence: `foreign key ${fk.name} (${fk.columns.join(", ")}) -> ${fk.refTable}(${fk.refColumns.join(", ")}) has no index with those leading columns: each DELETE or key UPDATE on ${fk.refTable} scans ${size} rows of ${fk.table}, and lookups of a ${fk.refTable} row's ${fk.table} have no index`,
      fix: createIndexStatement(schema, fk.table, fk.columns),
    });
  }
  return out;
}
