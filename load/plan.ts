import type { Dataset } from "../generators/index.ts";
import { TABLES, type TableName } from "../generators/index.ts";

/** Reference tables: tiny, loaded first so a partial load always has them. */
export const REFERENCE_TABLES: readonly TableName[] = ["career_levels", "badges"];

/** Rows per task: small enough to balance lanes and show progress, big enough to amortize a COPY. */
export const TASK_ROWS = 200_000;

export interface CopyTask {
  table: TableName;
  from: number;
  to: number;
}

/**
 * The load as row ranges: reference tables first, then the other tables in
 * foreign-key order, each split into ranges of at most TASK_ROWS rows. With no
 * foreign keys during the COPY any order is valid; this one lets lanes work
 * on two tables at once and finish together.
 */
export function planTasks(ds: Dataset, taskRows = TASK_ROWS): CopyTask[] {
  const tasks: CopyTask[] = [];
  const order = [...REFERENCE_TABLES, ...TABLES.filter((t) => !REFERENCE_TABLES.includes(t))];
  for (const table of order) {
    const n = ds.count(table);
    for (let from = 0; from < n; from += taskRows) {
      tasks.push({ table, from, to: Math.min(n, from + taskRows) });
    }
  }
  return tasks;
}
