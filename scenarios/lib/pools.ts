import { UsageError } from "../../core/errors.ts";
import type { PgStore } from "../../stores/postgres.ts";
import { WeightedPool } from "./alias.ts";

/**
 * Parameter pools are read once per load-generator thread, in setup, from the
 * data actually loaded. A pool holds at most this many keys (the heaviest
 * ones): enough for every key at the small and medium scales, the head of the
 * distribution at large.
 */
export const POOL_MAX = 200_000;

/** The fix named in every "no data" message. */
export const LOAD_HINT = "load data first: bellyfed-bench load --scale small";

/** Runs a setup query (`$1` is the pool size limit); no rows is a UsageError naming the scenario. */
export async function readRows<R extends object>(
  pg: PgStore,
  scenario: string,
  what: string,
  sql: string,
): Promise<R[]> {
  const { rows } = await pg.pool.query<R>({ text: sql, values: [POOL_MAX] });
  if (rows.length === 0)
    throw new UsageError(`${scenario}: the database has no ${what}; ${LOAD_HINT}`);
  return rows;
}

/** A weighted pool of `make(row)` from a setup query whose rows carry a `weight`. */
export async function readPool<R extends { weight: number | string }, T>(
  pg: PgStore,
  scenario: string,
  what: string,
  sql: string,
  make: (row: R) => T,
): Promise<WeightedPool<T>> {
  const rows = await readRows<R>(pg, scenario, what, sql);
  return new WeightedPool(
    rows.map(make),
    rows.map((r) => Number(r.weight)),
  );
}
