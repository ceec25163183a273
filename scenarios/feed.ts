/**
 * Access pattern 4: a user's activity feed.
 *
 * The PostgreSQL function bellyfed_activity_feed merges the latest rankings,
 * reviews and comments of the users the viewer follows, newest first, in
 * keyset pages of 20. One operation reads the first page; a quarter of the
 * time the user scrolls on and the next page is read with the last row's
 * (created_at, item_id) as the cursor.
 *
 * Sampled: viewers who follow someone, weighted by how many users they
 * follow (active users open their feed most).
 */
import type { Scenario } from "../engine/scenario.ts";
import { FEED_FUNCTION_NAME } from "../schema/index.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";

export const PAGE_SIZE = 20;
/** share of feed opens that go on to the second page */
export const NEXT_PAGE_SHARE = 0.25;

/** created_at comes back as text: the cursor round-trips exactly (no Date, no time zone). */
export const ACTIVITY_FEED: Statement = {
  name: "bellyfed_activity_feed_page",
  text: `SELECT kind, item_id, actor_id, dish_id, created_at::text AS created_at, summary
  FROM ${FEED_FUNCTION_NAME}($1::uuid, $2::timestamp, $3::uuid, $4::integer)`,
};

/** Viewers with the number of users they follow as the weight. */
const VIEWERS_SQL = `SELECT follower_id, count(*)::float8 AS weight
  FROM follows
 GROUP BY follower_id
 ORDER BY weight DESC, follower_id
 LIMIT $1`;

export interface FeedRow {
  kind: "ranking" | "review" | "comment";
  item_id: string;
  actor_id: string;
  dish_id: string | null;
  created_at: string;
  summary: string;
}

/** A draw: the viewer's index in the pool, with NEXT_PAGE set when the user scrolls on. */
export type FeedDraw = number;
export const NEXT_PAGE = 0x40000000;

export interface FeedState {
  pg: PgStore;
  viewers: WeightedPool<string>;
  /** per viewer: the first page's parameters [viewer, null, null, PAGE_SIZE] */
  firstPage: unknown[][];
}

/** The parameters of the page after `last` (a row of the previous page). */
export function nextPageParams(viewer: string, last: FeedRow): unknown[] {
  return [viewer, last.created_at, last.item_id, PAGE_SIZE];
}

const scenario: Scenario<FeedState, FeedDraw> = {
  name: "feed",
  description:
    "user activity feed, first page and sometimes the next (PostgreSQL function bellyfed_activity_feed)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const viewers = await readPool(
      pg,
      "feed",
      "users who follow someone",
      VIEWERS_SQL,
      (r: { follower_id: string; weight: number }) => r.follower_id,
    );
    const firstPage = viewers.values.map((v) => [v, null, null, PAGE_SIZE]);
    return { pg, viewers, firstPage };
  },

  sample: (state, rng) => state.viewers.index(rng) | (rng.next() < NEXT_PAGE_SHARE ? NEXT_PAGE : 0),

  async operation(state, draw) {
    const first = state.firstPage[draw & ~NEXT_PAGE];
    const rows = await state.pg.query<FeedRow>(ACTIVITY_FEED, first);
    if ((draw & NEXT_PAGE) !== 0 && rows.length === PAGE_SIZE) {
      await state.pg.query<FeedRow>(
        ACTIVITY_FEED,
        nextPageParams(first[0] as string, rows[PAGE_SIZE - 1]),
      );
    }
  },

  /** The first page (a next page runs the same statement with the cursor it returns). */
  explain: (state, draw) => [
    { statement: ACTIVITY_FEED, params: state.firstPage[draw & ~NEXT_PAGE] },
  ],
};

export default scenario;
