import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset } from "../../generators/index.ts";
import { type LoadSummary, load } from "../../load/index.ts";
import {
  INFLUENCE_WEIGHTS,
  LEADERBOARD_SIZE,
  TRENDING_HALF_LIFE_DAYS,
  TRENDING_TOP_K,
  TRENDING_WINDOW_DAYS,
} from "../../load/read-models.ts";
import {
  LEADERBOARDS_TABLE,
  TRENDING_DISHES_TABLE,
  USER_POPULARITY_TABLE,
} from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { withPg } from "./support.ts";

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * The read models, recomputed here in JavaScript from raw PostgreSQL rows
 * (not from the loader's SQL), must equal the DynamoDB items.
 */
describe("DynamoDB read models equal the PostgreSQL aggregates", () => {
  let s: Scratch;
  let summary: LoadSummary;
  const seed = 11;
  beforeAll(async () => {
    s = await scratchStores("load_dynamo");
    summary = await load({ scale: "tiny", seed, endpoints: s, progressOut: null });
  }, 600_000);
  afterAll(async () => {
    await s?.cleanup();
  });

  it("user popularity: counts and influence score for a sample of users", async () => {
    const dyn = createDynamoClient(s.dynamo, 4);
    try {
      await withPg(s.pg, async (c) => {
        const sample = await c.query(
          `(SELECT followed_id AS id FROM follows GROUP BY followed_id ORDER BY count(*) DESC, followed_id LIMIT 5)
           UNION (SELECT user_id FROM users ORDER BY md5(user_id::text) LIMIT 15)`,
        );
        expect(sample.rows.length).toBeGreaterThanOrEqual(15);
        for (const { id } of sample.rows) {
          const q = async (sql: string) => Number((await c.query(sql, [id])).rows[0].n);
          const followers = await q("SELECT count(*) AS n FROM follows WHERE followed_id = $1");
          const rankings = await q("SELECT count(*) AS n FROM dish_rankings WHERE user_id = $1");
          const reviews = await q("SELECT count(*) AS n FROM reviews WHERE user_id = $1");
          const out = await dyn.send(
            new GetItemCommand({
              TableName: `${s.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`,
              Key: { user_id: { S: id } },
            }),
          );
          const item = out.Item!;
          expect(item).toBeDefined();
          expect(Number(item.follower_count.N)).toBe(followers);
          expect(Number(item.ranking_count.N)).toBe(rankings);
          expect(Number(item.review_count.N)).toBe(reviews);
          expect(item.popularity_partition.S).toBe("ALL");
          const influence =
            INFLUENCE_WEIGHTS.followers * Math.log1p(followers) +
            INFLUENCE_WEIGHTS.rankings * Math.log1p(rankings) +
            INFLUENCE_WEIGHTS.reviews * Math.log1p(reviews);
          expect(Number(item.influence_score.N)).toBeCloseTo(influence, 3);
        }
      });
    } finally {
      dyn.destroy();
    }
  });

  it("trending dishes: the top dishes per type of the busiest city", async () => {
    const nowSec = createDataset({ scale: "tiny", seed }).config.epochMs / 1000;
    const dyn = createDynamoClient(s.dynamo, 4);
    try {
      await withPg(s.pg, async (c) => {
        const raw = await c.query(
          `SELECT r.city, d.dish_type, dr.dish_id::text AS dish_id, dr.rank,
                  extract(epoch FROM dr.created_at)::float8 AS at
             FROM dish_rankings dr JOIN dishes d ON d.dish_id = dr.dish_id
             JOIN restaurants r ON r.restaurant_id = d.restaurant_id
            WHERE extract(epoch FROM dr.created_at) >= $1 AND extract(epoch FROM dr.created_at) < $2`,
          [nowSec - TRENDING_WINDOW_DAYS * 86400, nowSec],
        );
        expect(raw.rows.length).toBeGreaterThan(0);
        const byCity = new Map<string, number>();
        for (const r of raw.rows) byCity.set(r.city, (byCity.get(r.city) ?? 0) + 1);
        const city = [...byCity.entries()].sort(
          (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
        )[0][0];
        const score = new Map<string, { type: string; score: number; n: number }>();
        for (const r of raw.rows) {
          if (r.city !== city) continue;
          const w = 0.5 ** ((nowSec - r.at) / (TRENDING_HALF_LIFE_DAYS * 86400)) / r.rank;
          const e = score.get(r.dish_id) ?? { type: r.dish_type, score: 0, n: 0 };
          e.score += w;
          e.n++;
          score.set(r.dish_id, e);
        }
        const byType = new Map<string, { id: string; score: number; n: number }[]>();
        for (const [id, e] of score) {
          const list = byType.get(e.type) ?? [];
          list.push({ id, score: round4(e.score), n: e.n });
          byType.set(e.type, list);
        }
        const expected: string[] = [];
        for (const [type, list] of byType) {
          list.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
          for (const d of list.slice(0, TRENDING_TOP_K))
            expected.push(`${type}|${d.id}|${d.score.toFixed(4)}|${d.n}`);
        }
        const out = await dyn.send(
          new QueryCommand({
            TableName: `${s.dynamo.tablePrefix}${TRENDING_DISHES_TABLE}`,
            KeyConditionExpression: "location_id = :c",
            ExpressionAttributeValues: { ":c": { S: city } },
          }),
        );
        const got = (out.Items ?? []).map(
          (i) =>
            `${i.dish_type.S}|${i.dish_id.S}|${Number(i.trending_score.N).toFixed(4)}|${i.ranking_count.N}`,
        );
        expect(got.sort()).toEqual(expected.sort());
      });
    } finally {
      dyn.destroy();
    }
  });

  it("leaderboards: the restaurants of the largest city#cuisine_type, in rank order", async () => {
    const dyn = createDynamoClient(s.dynamo, 4);
    try {
      await withPg(s.pg, async (c) => {
        const restaurants = await c.query(
          "SELECT restaurant_id::text AS id, name, city, cuisine_type FROM restaurants",
        );
        const rankings = await c.query("SELECT restaurant_id::text AS id, rank FROM dish_rankings");
        const score = new Map<string, number>();
        for (const r of rankings.rows) score.set(r.id, (score.get(r.id) ?? 0) + 1 / r.rank);
        const boards = new Map<string, { id: string; name: string; score: number }[]>();
        for (const r of restaurants.rows) {
          if (!score.has(r.id)) continue;
          for (const cuisine of r.cuisine_type as string[]) {
            const key = `${r.city}#${cuisine}`;
            const list = boards.get(key) ?? [];
            list.push({ id: r.id, name: r.name, score: round4(score.get(r.id)!) });
            boards.set(key, list);
          }
        }
        const [key, list] = [...boards.entries()].sort(
          (a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1),
        )[0];
        list.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
        const expected = list
          .slice(0, LEADERBOARD_SIZE)
          .map((e, i) => `${i + 1}|${e.id}|${e.name}|${e.score.toFixed(4)}`);
        const out = await dyn.send(
          new QueryCommand({
            TableName: `${s.dynamo.tablePrefix}${LEADERBOARDS_TABLE}`,
            KeyConditionExpression: "leaderboard_type = :t",
            ExpressionAttributeValues: { ":t": { S: key } },
          }),
        );
        const got = (out.Items ?? []).map(
          (i) => `${i.rank.N}|${i.entity_id.S}|${i.entity_name.S}|${Number(i.score.N).toFixed(4)}`,
        );
        expect(got).toEqual(expected);
        // as many items as the recomputed leaderboards hold, each cut at LEADERBOARD_SIZE
        const total = [...boards.values()].reduce(
          (n, l) => n + Math.min(l.length, LEADERBOARD_SIZE),
          0,
        );
        expect(summary.dynamo.itemCounts[LEADERBOARDS_TABLE]).toBe(total);
      });
    } finally {
      dyn.destroy();
    }
  });
});
