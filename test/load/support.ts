import pg from "pg";
import { createDataset } from "../../generators/index.ts";
import { TABLES_IN_LOAD_ORDER } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { PgTarget } from "../../stores/types.ts";

/** Helpers for the loader tests (real PostgreSQL, no mocks). */

export async function withPg<T>(target: PgTarget, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(pgClientConfig(target));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The first column of each table is its primary key. */
const KEY: Record<string, string> = {
  career_levels: "career_level_id",
  badges: "badge_id",
  users: "user_id",
  restaurants: "restaurant_id",
  dishes: "dish_id",
  dish_rankings: "ranking_id",
  user_badges: "user_badge_id",
  user_activity_points: "activity_id",
  follows: "follow_id",
  reviews: "review_id",
  comments: "comment_id",
};

export async function rowCounts(c: pg.Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES_IN_LOAD_ORDER) {
    out[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  }
  return out;
}

/** md5 of every row's text, in primary-key order, per table. */
export async function checksums(c: pg.Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES_IN_LOAD_ORDER) {
    const r = await c.query(
      `SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x.${KEY[t]}), '')) AS h FROM ${t} x`,
    );
    out[t] = r.rows[0].h;
  }
  return out;
}

export function expectedCounts(scale: string, seed: number): Record<string, number> {
  return createDataset({ scale, seed }).counts();
}
