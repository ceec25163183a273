import type pg from "pg";

/**
 * Streams a query's rows in batches through a server-side cursor (inside a
 * read-only REPEATABLE READ transaction), so memory stays bounded however many
 * rows the query returns. `onBatch` may be async: the next FETCH waits for it.
 */
export async function streamRows<R>(
  client: pg.ClientBase,
  sql: string,
  params: unknown[],
  onBatch: (rows: R[]) => Promise<void> | void,
  batchSize = 2000,
): Promise<number> {
  let total = 0;
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    await client.query(`DECLARE bb_rows NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const res = await client.query(`FETCH ${batchSize} FROM bb_rows`);
      if (res.rows.length === 0) break;
      total += res.rows.length;
      await onBatch(res.rows as R[]);
      if (res.rows.length < batchSize) break;
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
  return total;
}
