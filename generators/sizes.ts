import type { Dataset } from "./dataset-core.ts";
import { TABLES, type TableName } from "./ids.ts";

/** Estimated size of one table of a data set. */
export interface TableSize {
  table: TableName;
  rows: number;
  /** mean COPY text bytes per row, from evenly spaced samples */
  copyBytesPerRow: number;
  /** estimated PostgreSQL heap bytes per row (tuple header, line pointer, binary column widths) */
  heapBytesPerRow: number;
  /** heap + primary-key index (+ the unique constraints on users, dish_rankings, follows) */
  diskBytes: number;
}

const TUPLE_OVERHEAD = 24 + 4; // header (aligned) + line pointer
const FILL = 1 / 0.92; // free space left in heap pages, rounding, page headers
const BTREE_ENTRY = 8 + 4 + 4; // index tuple header + line pointer + alignment
const INDEX_FILL = 1 / 0.85; // pages of an index built after the load (fillfactor 90 + inner pages)

/** Binary width of one decoded value in a heap tuple (alignment folded in roughly). */
function width(column: string, v: unknown): number {
  if (v === null || v === undefined) return 0; // only the null bitmap
  if (Array.isArray(v)) {
    return 24 + v.reduce((n: number, x) => n + 4 + Buffer.byteLength(String(x)), 0);
  }
  if (typeof v === "boolean") return 1;
  if (column.endsWith("_at")) return 8;
  if (typeof v === "number") {
    if (column === "price" || column === "latitude" || column === "longitude") return 10;
    return 4;
  }
  const s = String(v);
  if (column.endsWith("_id") || column === "reference_id") return 16;
  const len = Buffer.byteLength(s);
  if (column === "hours" || column === "requirements" || column === "progress") {
    return Math.round(len * 1.15) + 4; // jsonb keeps keys and adds headers
  }
  return len + (len < 127 ? 1 : 4);
}

/** Extra unique indexes the design declares, as bytes of key per row. */
const UNIQUE_KEYS: Partial<Record<TableName, number[]>> = {
  users: [30, 20], // email, username (text keys, typical lengths)
  dish_rankings: [16 + 12 + 16 + 4], // (user_id, dish_type, restaurant_id, rank)
  follows: [32], // (follower_id, followed_id)
};

/**
 * Row counts and estimated sizes per table, from `samples` rows spread over
 * each table (a few thousand rows are enough; nothing is generated in full).
 */
export function estimateSizes(ds: Dataset, samples = 2000): TableSize[] {
  const out: TableSize[] = [];
  for (const t of TABLES) {
    const g = ds.table(t);
    const rows = g.count();
    const n = Math.min(rows, samples);
    let copyBytes = 0;
    let heap = 0;
    // ten evenly spaced runs, so per-user grouping does not bias the sample
    const runs = Math.min(10, n);
    const per = Math.max(1, Math.floor(n / Math.max(1, runs)));
    let taken = 0;
    for (let k = 0; k < runs && taken < n; k++) {
      const from = Math.floor((rows / runs) * k);
      const to = Math.min(rows, from + per);
      g.copy(from, to, (b) => {
        copyBytes += b.length;
      });
      for (const rec of g.rows(from, to)) {
        let w = 0;
        for (const c of g.columns) w += width(c, (rec as unknown as Record<string, unknown>)[c]);
        heap += TUPLE_OVERHEAD + Math.ceil(w / 8) * 8;
      }
      taken += to - from;
    }
    const copyPer = taken === 0 ? 0 : copyBytes / taken;
    const heapPer = taken === 0 ? 0 : heap / taken;
    const pk = t === "career_levels" || t === "badges" ? 4 : 16;
    let indexPer = (BTREE_ENTRY + pk) * INDEX_FILL;
    for (const k of UNIQUE_KEYS[t] ?? []) indexPer += (BTREE_ENTRY + k) * INDEX_FILL;
    out.push({
      table: t,
      rows,
      copyBytesPerRow: Math.round(copyPer * 10) / 10,
      heapBytesPerRow: Math.round(heapPer * 10) / 10,
      diskBytes: Math.round(rows * (heapPer * FILL + indexPer)),
    });
  }
  return out;
}

/** "1.2 GB", "350 MB" */
export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}
