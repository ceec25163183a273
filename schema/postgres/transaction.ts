import type { Queryable } from "../../stores/markers.ts";

/**
 * Runs `fn` in one transaction: on a Pool, on one client taken for it; on a
 * client, on that client (which must not be inside a transaction already).
 */
export async function inTransaction<T>(q: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  // a Pool (it has totalCount): take one client for the transaction; a client: use it as is
  const pool = q as Queryable & { connect?: () => Promise<Queryable & { release(): void }> };
  if (typeof pool.connect === "function" && "totalCount" in pool) {
    const client = await pool.connect();
    try {
      return await runTx(client, fn);
    } finally {
      client.release();
    }
  }
  return runTx(q, fn);
}

async function runTx<T>(q: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  await q.query("BEGIN");
  try {
    const out = await fn(q);
    await q.query("COMMIT");
    return out;
  } catch (e) {
    await q.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
