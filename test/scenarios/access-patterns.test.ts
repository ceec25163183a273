import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRng } from "../../core/rng.ts";
import {
  BEST_DISHES,
  type BestDishesParams,
  type BestDishRow,
} from "../../scenarios/best-dishes.ts";
import { EXPERT_DETAILS, type ExpertRow, type ExpertsState } from "../../scenarios/experts.ts";
import {
  ACTIVITY_FEED,
  type FeedRow,
  type FeedState,
  NEXT_PAGE,
  nextPageParams,
  PAGE_SIZE,
} from "../../scenarios/feed.ts";
import { SCENARIOS, WRITE_SCENARIOS } from "../../scenarios/index.ts";
import { leaderboardQuery } from "../../scenarios/leaderboards.ts";
import {
  LEADERBOARD_TOP_N,
  type LeaderboardEntryRow,
  type LeaderboardPgParams,
  type LeaderboardsPgState,
} from "../../scenarios/leaderboards-pg.ts";
import { WeightedPool } from "../../scenarios/lib/alias.ts";
import { cityWeight } from "../../scenarios/lib/cities.ts";
import { type ProfileParams, type ProfileRow, USER_PROFILE } from "../../scenarios/profile.ts";
import type { TrendingState } from "../../scenarios/trending.ts";
import { ATTR } from "../../schema/index.ts";
import type { Scratch } from "../helpers/stores.ts";
import { type Opened, openScenario } from "./helpers/context.ts";
import { tinyStores } from "./helpers/tiny-data.ts";

/**
 * The six access patterns against real PostgreSQL and DynamoDB with `tiny`
 * data: setup, samples and operations work, and what the statements return is
 * what the access pattern promises (checked against independent queries).
 */

let scratch: Scratch;
const opened: Opened[] = [];

beforeAll(async () => {
  scratch = await tinyStores("scenarios");
}, 600_000);

afterAll(async () => {
  for (const o of opened) await o.close();
  await scratch?.cleanup();
});

async function open<S, P>(name: string): Promise<Opened<S, P>> {
  const o = await openScenario<S, P>(name, scratch);
  opened.push(o as Opened);
  return o;
}

async function runOps(o: Opened, n: number, seed = 1): Promise<void> {
  const rng = createRng(seed);
  for (let i = 0; i < n; i++) await o.scenario.operation(o.state, o.scenario.sample(o.state, rng));
}

describe("best-dishes", () => {
  it("ranks the city's dishes of the type by #1 votes, then mean rank (checked against raw rankings)", async () => {
    const o = await open<unknown, BestDishesParams>("best-dishes");
    const rng = createRng(11);
    let nonEmpty = 0;
    for (let i = 0; i < 15; i++) {
      const [city, type] = o.scenario.sample(o.state, rng);
      await o.scenario.operation(o.state, [city, type]);
      const rows = await o.pg.query<BestDishRow>(BEST_DISHES, [city, type]);
      expect(rows.length).toBeLessThanOrEqual(10);
      if (rows.length > 0) nonEmpty++;
      const where = await o.pg.pool.query(
        `SELECT d.dish_id, d.dish_type, r.city, r.name FROM dishes d
           JOIN restaurants r ON r.restaurant_id = d.restaurant_id WHERE d.dish_id = ANY($1::uuid[])`,
        [rows.map((r) => r.dish_id)],
      );
      for (const w of where.rows) {
        expect(w.city).toBe(city);
        expect(w.dish_type).toBe(type);
      }
      const raw = await o.pg.pool.query<{ dish_id: string; rank: number }>(
        `SELECT dr.dish_id, dr.rank FROM dish_rankings dr
           JOIN dishes d ON d.dish_id = dr.dish_id
           JOIN restaurants r ON r.restaurant_id = d.restaurant_id
          WHERE r.city = $1 AND d.dish_type = $2`,
        [city, type],
      );
      const agg = new Map<string, { firsts: number; sum: number; n: number }>();
      for (const r of raw.rows) {
        const a = agg.get(r.dish_id) ?? { firsts: 0, sum: 0, n: 0 };
        a.firsts += r.rank === 1 ? 1 : 0;
        a.sum += r.rank;
        a.n++;
        agg.set(r.dish_id, a);
      }
      const expected = [...agg.entries()]
        .sort(
          ([ia, a], [ib, b]) =>
            b.firsts - a.firsts || a.sum / a.n - b.sum / b.n || b.n - a.n || (ia < ib ? -1 : 1),
        )
        .slice(0, 10)
        .map(([id]) => id);
      expect(rows.map((r) => r.dish_id)).toEqual(expected);
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });
});

describe("profile", () => {
  it("returns the sampled user with their career level and every badge", async () => {
    const o = await open<unknown, ProfileParams>("profile");
    const rng = createRng(12);
    for (let i = 0; i < 10; i++) {
      const params = o.scenario.sample(o.state, rng);
      await o.scenario.operation(o.state, params);
      const [row] = await o.pg.query<ProfileRow>(USER_PROFILE, params);
      expect(row.user_id).toBe(params[0]);
      const truth = await o.pg.pool.query(
        `SELECT cl.level_name,
                (SELECT count(*)::int FROM user_badges ub WHERE ub.user_id = u.user_id) AS badges
           FROM users u LEFT JOIN career_levels cl ON cl.career_level_id = u.career_level_id
          WHERE u.user_id = $1`,
        params,
      );
      expect(row.level_name).toBe(truth.rows[0].level_name);
      expect(row.badges).toHaveLength(truth.rows[0].badges);
    }
  });
});

describe("trending", () => {
  it("reads at most 20 items of the sampled city, highest trending score first", async () => {
    const o = await open<TrendingState, QueryCommandInput>("trending");
    const rng = createRng(13);
    for (let i = 0; i < 10; i++) {
      const query = o.scenario.sample(o.state, rng);
      await o.scenario.operation(o.state, query);
      const out = await o.dynamo.query(query);
      const city = query.ExpressionAttributeValues?.[":loc"];
      const items = out.Items ?? [];
      expect(items.length).toBeGreaterThan(0);
      expect(items.length).toBeLessThanOrEqual(20);
      const scores = items.map((it) => Number(it[ATTR.trendingScore]));
      for (const it of items) expect(it[ATTR.locationId]).toBe(city);
      for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThanOrEqual(scores[k - 1]);
    }
    expect(o.dynamo.capacity().readUnits).toBeGreaterThan(0);
  });

  it("draws cities in proportion to their population", async () => {
    const o = await open<TrendingState, QueryCommandInput>("trending");
    const rng = createRng(16);
    const draws = 50_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const city = String(o.scenario.sample(o.state, rng).ExpressionAttributeValues?.[":loc"]);
      counts.set(city, (counts.get(city) ?? 0) + 1);
    }
    const cities = o.state.queries.values.map((q) => String(q.ExpressionAttributeValues?.[":loc"]));
    const total = cities.reduce((a, c) => a + cityWeight(c), 0);
    for (const c of cities)
      expect((counts.get(c) ?? 0) / draws).toBeCloseTo(cityWeight(c) / total, 2);
  });
});

describe("feed", () => {
  it("pages are newest first and the next page continues without repeats", async () => {
    const o = await open<FeedState, number>("feed");
    const rng = createRng(14);
    let checked = 0;
    for (let i = 0; i < 200 && checked < 5; i++) {
      const draw = o.scenario.sample(o.state, rng) | NEXT_PAGE;
      await o.scenario.operation(o.state, draw);
      const first = o.state.firstPage[draw & ~NEXT_PAGE];
      const page1 = await o.pg.query<FeedRow>(ACTIVITY_FEED, first);
      if (page1.length < PAGE_SIZE) continue;
      const page2 = await o.pg.query<FeedRow>(
        ACTIVITY_FEED,
        nextPageParams(first[0] as string, page1[PAGE_SIZE - 1]),
      );
      expect(page2.length).toBeGreaterThan(0);
      const all = [...page1, ...page2];
      expect(new Set(all.map((r) => r.item_id)).size).toBe(all.length);
      for (let k = 1; k < all.length; k++) {
        const a = all[k - 1];
        const b = all[k];
        const newerOrTie =
          a.created_at > b.created_at || (a.created_at === b.created_at && a.item_id > b.item_id);
        expect(newerOrTie).toBe(true);
      }
      checked++;
    }
    expect(checked).toBe(5);
  });
});

describe("experts", () => {
  it("reads experts in descending influence, then one detail row per expert", async () => {
    const o = await open<ExpertsState, number>("experts");
    await runOps(o, 10);
    let previousLast = Number.POSITIVE_INFINITY;
    for (let p = 0; p < o.state.pages.size; p++) {
      const out = await o.dynamo.query(o.state.pages.values[p]);
      const items = out.Items ?? [];
      expect(items.length).toBeGreaterThan(0);
      const scores = items.map((it) => Number(it[ATTR.influenceScore]));
      expect(scores[0]).toBeLessThanOrEqual(previousLast);
      for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThanOrEqual(scores[k - 1]);
      previousLast = scores[scores.length - 1];
      const ids = items.map((it) => it[ATTR.userId] as string);
      const rows = await o.pg.query<ExpertRow>(EXPERT_DETAILS, [ids]);
      expect(rows.map((r) => r.user_id).sort()).toEqual([...ids].sort());
    }
    expect(o.dynamo.capacity().readUnits).toBeGreaterThan(0);
    expect(o.pg.figures().size).toBe(2);
  });
});

describe("leaderboards", () => {
  it("DynamoDB and PostgreSQL agree on the top 10 of sampled leaderboards", async () => {
    const dyn = await open("leaderboards");
    const pgs = await open<LeaderboardsPgState, LeaderboardPgParams>("leaderboards-pg");
    const rng = createRng(15);
    for (let i = 0; i < 15; i++) {
      const [city, cuisine] = pgs.scenario.sample(pgs.state, rng);
      await pgs.scenario.operation(pgs.state, [city, cuisine]);
      const rows = await pgs.pg.query<LeaderboardEntryRow>(LEADERBOARD_TOP_N, [city, cuisine]);
      const out = await dyn.dynamo.query(leaderboardQuery(dyn.dynamo, `${city}#${cuisine}`));
      const items = out.Items ?? [];
      expect(items.map((it) => Number(it[ATTR.rank]))).toEqual(items.map((_, k) => k + 1));
      expect(items.length).toBeGreaterThan(0);
      expect(items.map((it) => it[ATTR.entityId])).toEqual(rows.map((r) => r.entity_id));
    }
  });

  it("both sides draw from the same leaderboards with the same weights", async () => {
    const dyn = await open<
      { queries: WeightedPool<{ ExpressionAttributeValues?: Record<string, unknown> }> },
      unknown
    >("leaderboards");
    const pgs = await open<LeaderboardsPgState, LeaderboardPgParams>("leaderboards-pg");
    const fromDynamo = new Map(
      dyn.state.queries.values.map((q, i) => [
        String(q.ExpressionAttributeValues?.[":type"]),
        dyn.state.queries.weights[i],
      ]),
    );
    const fromPg = new Map(
      pgs.state.boards.values.map(([c, k], i) => [`${c}#${k}`, pgs.state.boards.weights[i]]),
    );
    expect(fromPg).toEqual(fromDynamo);
  });
});

/** The first WeightedPool in a scenario's state: the keys its sampler draws from. */
function poolOf(state: unknown): WeightedPool<unknown> {
  for (const v of Object.values(state as Record<string, unknown>))
    if (v instanceof WeightedPool) return v;
  throw new Error("no weighted pool in the state");
}

describe("samplers", () => {
  // the write scenarios' samplers have their own tests (test/writes/); freshness is a
  // write probe too (a follow or unfollow per draw: test/sync/freshness-*.test.ts)
  for (const name of Object.keys(SCENARIOS).filter(
    (n) => !WRITE_SCENARIOS.includes(n) && SCENARIOS[n].writes !== true,
  )) {
    it(`${name}: skewed towards hot keys, never one constant key, no allocation per draw`, async () => {
      const o = await open(name);
      const pool = poolOf(o.state);
      const rng = createRng(99);
      const counts = new Map<unknown, number>();
      const draws = 20_000;
      for (let i = 0; i < draws; i++) {
        let key = o.scenario.sample(o.state, rng);
        if (typeof key === "number") key = key & ~NEXT_PAGE;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      // keys are the pool's own objects (or indexes): a draw builds nothing new
      expect(counts.size).toBeLessThanOrEqual(pool.size);
      for (const k of counts.keys()) {
        if (typeof k === "number") expect(k).toBeLessThan(pool.size);
        else expect(pool.values).toContain(k);
      }
      expect(counts.size).toBeGreaterThanOrEqual(Math.min(5, pool.size));
      const sorted = [...counts.values()].sort((a, b) => b - a);
      expect(sorted[0] / draws).toBeLessThan(0.9);
      const top = Math.max(1, Math.round(pool.size / 10));
      const topShare = sorted.slice(0, top).reduce((a, b) => a + b, 0) / draws;
      // "clearly outsized": at least 1.5 times what the top tenth would get under uniform
      // draws (population-weighted cities reach ~2x on tiny data, ~3.9x over all 68 cities)
      expect(topShare / (top / pool.size)).toBeGreaterThanOrEqual(1.5);
    });
  }
});

describe("explain", () => {
  for (const [name, entry] of Object.entries(SCENARIOS)) {
    if (!entry.stores.includes("postgres")) continue;
    // freshness has no explain(): its setup starts the projector (test/scenarios/registry.test.ts)
    if (name === "freshness") continue;
    it(`${name}: the statements one operation runs EXPLAIN cleanly`, async () => {
      const o = await open(name);
      const rng = createRng(5);
      const names = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const list = o.scenario.explain?.(o.state, o.scenario.sample(o.state, rng)) ?? [];
        expect(list.length).toBeGreaterThan(0);
        for (const { statement, params } of list) {
          names.add(statement.name);
          const res = await o.pg.pool.query({
            text: `EXPLAIN (FORMAT JSON) ${statement.text}`,
            values: params,
          });
          const plan = res.rows[0]["QUERY PLAN"];
          expect(plan[0].Plan["Node Type"]).toBeTypeOf("string");
        }
      }
      // module-level statements: the same few names every time
      expect(names.size).toBeLessThanOrEqual(2);
    });
  }
});

describe("hot path", () => {
  it("operations write nothing to the console", async () => {
    const spies = [
      vi.spyOn(console, "log"),
      vi.spyOn(console, "warn"),
      vi.spyOn(console, "error"),
      vi.spyOn(console, "info"),
      vi.spyOn(console, "debug"),
      vi.spyOn(process.stdout, "write"),
      vi.spyOn(process.stderr, "write"),
    ];
    try {
      for (const name of Object.keys(SCENARIOS)) {
        const o = await open(name);
        for (const s of spies) s.mockClear();
        await runOps(o, 20, 3);
        for (const s of spies) expect(s).not.toHaveBeenCalled();
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
