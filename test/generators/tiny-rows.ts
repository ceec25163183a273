import { createDataset, type RowTypes, TABLES, type TableName } from "../../generators/index.ts";

export type AllRows = { [T in TableName]: RowTypes[T][] };

/** Every row of a data set as objects (tiny scale: ~33k rows). */
export function allRows(input: Parameters<typeof createDataset>[0]): AllRows {
  const ds = createDataset(input);
  const out = {} as Record<TableName, unknown[]>;
  for (const t of TABLES) out[t] = [...ds.table(t).rows()];
  return out as AllRows;
}
