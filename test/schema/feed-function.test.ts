import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPgSchema } from "../../schema/postgres/apply.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

interface FeedRow {
  kind: string;
  item_id: string;
  actor_id: string;
  dish_id: string | null;
  created_at: string;
  summary: string;
}

let scratch: Scratch;
let client: pg.Client;
const viewer = randomUUID();
const followedA = randomUUID();
const followedB = randomUUID();
const stranger = randomUUID();
const expected: FeedRow[] = [];

/** Timestamps as text, so the comparison does not depend on the client's time zone. */
const ts = (minute: number) => `2026-01-01 10:${String(minute).padStart(2, "0")}:00`;

beforeAll(async () => {
  scratch = await scratchStores("schema-feed");
  client = new pg.Client(pgClientConfig(scratch.pg));
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  await applyPgSchema(client);
  await client.query("SET TIME ZONE 'UTC'");
  for (const u of [viewer, followedA, followedB, stranger]) {
    await client.query(
      "INSERT INTO users (user_id, email, username, password_hash) VALUES ($1, $2, $3, 'x')",
      [u, `${u}@example.com`, u.slice(0, 30)],
    );
  }
  await client.query(
    `INSERT INTO follows (follow_id, follower_id, followed_id) VALUES ($1, $3, $4), ($2, $3, $5),
            ($6, $7, $3)`,
    [randomUUID(), randomUUID(), viewer, followedA, followedB, randomUUID(), stranger],
  );
  const restaurant = randomUUID();
  await client.query("INSERT INTO restaurants (restaurant_id, name) VALUES ($1, 'R')", [
    restaurant,
  ]);
  const dishes = [randomUUID(), randomUUID()];
  for (const d of dishes) {
    await client.query(
      "INSERT INTO dishes (dish_id, restaurant_id, name, dish_type) VALUES ($1, $2, 'D', 'ramen')",
      [d, restaurant],
    );
  }
  // 3 kinds x 3 actors, with several rows sharing one timestamp so the item_id tie-break is exercised
  let rank = 0;
  for (const actor of [followedA, followedB, stranger]) {
    for (let i = 0; i < 6; i++) {
      const minute = i % 3 === 0 ? 30 : 10 + i * 7 + (actor === followedB ? 1 : 0);
      const dish = dishes[i % 2];
      const id = randomUUID();
      rank++;
      await client.query(
        `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, created_at)
         VALUES ($1, $2, $3, 'ramen', $4, $5, $6)`,
        [id, actor, dish, restaurant, rank, ts(minute)],
      );
      if (actor !== stranger)
        expected.push({
          kind: "ranking",
          item_id: id,
          actor_id: actor,
          dish_id: dish,
          created_at: ts(minute),
          summary: `ranked #${rank} ramen`,
        });
      const reviewId = randomUUID();
      await client.query(
        "INSERT INTO reviews (review_id, user_id, dish_id, content, created_at) VALUES ($1, $2, $3, 'good', $4)",
        [reviewId, actor, dish, ts(minute)],
      );
      if (actor !== stranger)
        expected.push({
          kind: "review",
          item_id: reviewId,
          actor_id: actor,
          dish_id: dish,
          created_at: ts(minute),
          summary: "good",
        });
      const commentId = randomUUID();
      await client.query(
        "INSERT INTO comments (comment_id, user_id, review_id, content, created_at) VALUES ($1, $2, $3, 'agreed', $4)",
        [commentId, actor, reviewId, ts(minute + 1)],
      );
      if (actor !== stranger)
        expected.push({
          kind: "comment",
          item_id: commentId,
          actor_id: actor,
          dish_id: dish,
          created_at: ts(minute + 1),
          summary: "agreed",
        });
    }
  }
  // newest first, ties broken by item_id descending
  expected.sort((a, b) =>
    a.created_at === b.created_at
      ? a.item_id < b.item_id
        ? 1
        : -1
      : a.created_at < b.created_at
        ? 1
        : -1,
  );
});

afterAll(async () => {
  await client?.end();
  await scratch?.cleanup();
});

async function page(before: FeedRow | null, limit: number): Promise<FeedRow[]> {
  const res = await client.query(
    `SELECT kind, item_id, actor_id, dish_id, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at, summary
       FROM bellyfed_activity_feed($1, $2, $3, $4)`,
    [viewer, before?.created_at ?? null, before?.item_id ?? null, limit],
  );
  return res.rows;
}

describe("bellyfed_activity_feed", () => {
  it("returns the followed users' rankings, reviews and comments, newest first", async () => {
    const rows = await page(null, 1000);
    expect(rows).toEqual(expected);
    expect(rows.some((r) => r.actor_id === stranger)).toBe(false);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["ranking", "review", "comment"]));
  });

  it("pages with the (created_at, item_id) cursor without gaps or repeats", async () => {
    for (const limit of [1, 4, 7]) {
      const all: FeedRow[] = [];
      let cursor: FeedRow | null = null;
      for (;;) {
        const rows = await page(cursor, limit);
        expect(rows.length).toBeLessThanOrEqual(limit);
        if (rows.length === 0) break;
        all.push(...rows);
        cursor = rows[rows.length - 1];
      }
      expect(all, `limit ${limit}`).toEqual(expected);
    }
  });

  it("returns nothing for a user who follows no one, and honours the page size", async () => {
    const res = await client.query("SELECT * FROM bellyfed_activity_feed($1, NULL, NULL, 20)", [
      followedA,
    ]);
    expect(res.rows).toEqual([]);
    expect(await page(null, 5)).toEqual(expected.slice(0, 5));
  });

  it("has the signature scenarios call", async () => {
    const res = await client.query(
      `SELECT pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result,
              p.provolatile, l.lanname
         FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
        WHERE p.proname = 'bellyfed_activity_feed'`,
    );
    expect(res.rows).toEqual([
      {
        args: "p_viewer uuid, p_before_ts timestamp without time zone, p_before_id uuid, p_limit integer",
        result:
          "TABLE(kind text, item_id uuid, actor_id uuid, dish_id uuid, created_at timestamp without time zone, summary text)",
        provolatile: "s",
        lanname: "sql",
      },
    ]);
  });
});
