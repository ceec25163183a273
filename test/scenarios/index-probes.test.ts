import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.ts";
import {
  DISHES_BY_TAG,
  type DishByTagRow,
  type DishesByTagParams,
} from "../../scenarios/dishes-by-tag.ts";
import {
  DISHES_BY_TYPE,
  type DishByTypeRow,
  type DishesByTypeParams,
  FIRST_PAGE,
} from "../../scenarios/dishes-by-type.ts";
import { GROUPS } from "../../scenarios/index.ts";
import { PAGE_SIZE } from "../../scenarios/lib/pages.ts";
import {
  EARTH_RADIUS_KM,
  NEARBY,
  NEARBY_LIMIT,
  type NearbyParams,
  type NearbyRow,
  nearbyParams,
} from "../../scenarios/nearby.ts";
import {
  USER_BY_USERNAME,
  type UserByUsernameParams,
  type UserByUsernameRow,
} from "../../scenarios/user-by-username.ts";
import {
  USERS_BY_LEVEL,
  type UserByLevelRow,
  type UsersByLevelParams,
} from "../../scenarios/users-by-level.ts";
import { applyIndexSet } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { runCli } from "../helpers/cli.ts";
import type { Scratch } from "../helpers/stores.ts";
import { type Opened, openScenario } from "./helpers/context.ts";
import { TINY, tinyStores } from "./helpers/tiny-data.ts";

/**
 * The index probes (issue 14) against real PostgreSQL with `tiny` data: each
 * returns what its feature promises (checked against independent queries),
 * and `run index-probes` scans the indexes they exist to exercise.
 */

let scratch: Scratch;
let client: pg.Client;
const opened: Opened[] = [];

beforeAll(async () => {
  scratch = await tinyStores("probes");
  client = new pg.Client(pgClientConfig(scratch.pg));
  await client.connect();
}, 600_000);

afterAll(async () => {
  for (const o of opened) await o.close();
  await client?.end();
  await scratch?.cleanup();
});

async function open<S, P>(name: string): Promise<Opened<S, P>> {
  const o = await openScenario<S, P>(name, scratch);
  opened.push(o as Opened);
  return o;
}

const haversineKm = (lat1: number, lon1: number, lat2: number, lon2: number) => {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
};

describe("the probes return what their feature promises", () => {
  it("dishes-by-tag: the city's dishes carrying the tag, most #1 votes first", async () => {
    const o = await open<unknown, DishesByTagParams>("dishes-by-tag");
    const rng = createRng(5);
    let nonEmpty = 0;
    for (let i = 0; i < 10; i++) {
      const [city, tag] = o.scenario.sample(o.state, rng);
      const rows = await o.pg.query<DishByTagRow>(DISHES_BY_TAG, [city, tag]);
      const all = await client.query<{ dish_id: string; first: number }>(
        `SELECT d.dish_id, (SELECT count(*) FROM dish_rankings dr WHERE dr.dish_id = d.dish_id AND dr.rank = 1)::int AS first
           FROM dishes d JOIN restaurants r USING (restaurant_id)
          WHERE r.city = $1 AND $2 = ANY (d.tags)`,
        [city, tag],
      );
      expect(all.rows.length).toBeGreaterThan(0); // sampled from the data: never an empty pair
      expect(rows.length).toBe(Math.min(10, all.rows.length));
      const firsts = new Map(all.rows.map((r) => [r.dish_id, r.first]));
      for (const r of rows) expect(firsts.get(r.dish_id)).toBe(r.first_places);
      const best = Math.max(...all.rows.map((r) => r.first));
      expect(rows[0].first_places).toBe(best);
      for (let j = 1; j < rows.length; j++)
        expect(rows[j].first_places).toBeLessThanOrEqual(rows[j - 1].first_places);
      nonEmpty++;
    }
    expect(nonEmpty).toBe(10);
  });

  it("dishes-by-type: keyset pages chain into the type's dishes in name order, none skipped", async () => {
    const o = await open<{ pages: { values: DishesByTypeParams[] } }, DishesByTypeParams>(
      "dishes-by-type",
    );
    const [type] = o.state.pages.values[0];
    const all = await client.query<{ dish_id: string }>(
      "SELECT dish_id FROM dishes WHERE dish_type = $1 ORDER BY name, dish_id",
      [type],
    );
    const seen: string[] = [];
    let after: [string, string] = [FIRST_PAGE.name, FIRST_PAGE.dishId];
    for (;;) {
      const page = await o.pg.query<DishByTypeRow & { dish_name: string }>(DISHES_BY_TYPE, [
        type,
        ...after,
      ]);
      seen.push(...page.map((r) => r.dish_id));
      if (page.length < PAGE_SIZE) break;
      const last = page[page.length - 1];
      after = [last.dish_name, last.dish_id];
    }
    expect(seen).toEqual(all.rows.map((r) => r.dish_id));
    // the pool's later pages start where paging from the first one gets to
    for (const [t, name, id] of o.state.pages.values.filter((v) => v[0] === type && v[1] !== "")) {
      const at = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM dishes WHERE dish_type = $1 AND (name, dish_id) <= ($2, $3::uuid)",
        [t, name, id],
      );
      expect(at.rows[0].n % PAGE_SIZE).toBe(0);
    }
  });

  it("nearby: every restaurant within the radius, nearest first (checked by a full scan)", async () => {
    const o = await open<unknown, NearbyParams>("nearby");
    const rng = createRng(9);
    const everything = await client.query<{ restaurant_id: string; lat: number; lon: number }>(
      "SELECT restaurant_id, latitude::float8 AS lat, longitude::float8 AS lon FROM restaurants",
    );
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const p = o.scenario.sample(o.state, rng);
      const [lat, lon, km] = p;
      expect([1, 2, 5, 10]).toContain(km);
      const rows = await o.pg.query<NearbyRow>(NEARBY, p);
      const expected = everything.rows
        .map((r) => ({ id: r.restaurant_id, d: haversineKm(lat, lon, r.lat, r.lon) }))
        .filter((r) => r.d <= km)
        .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
        .slice(0, NEARBY_LIMIT);
      expect(rows.map((r) => r.restaurant_id)).toEqual(expected.map((e) => e.id));
      found += rows.length;
    }
    expect(found).toBeGreaterThan(0);
    // the box holds the whole circle, also far from the equator
    const [, , , latMin, latMax, lonMin, lonMax] = nearbyParams(64, 10, 10);
    for (let a = 0; a < 360; a += 5) {
      const t = (a * Math.PI) / 180;
      const dLat = (10 / EARTH_RADIUS_KM) * (180 / Math.PI);
      // a point 10 km away along bearing t, by the spherical destination formula
      const la = Math.asin(
        Math.sin((64 * Math.PI) / 180) * Math.cos((dLat * Math.PI) / 180) +
          Math.cos((64 * Math.PI) / 180) * Math.sin((dLat * Math.PI) / 180) * Math.cos(t),
      );
      const lo =
        10 +
        (Math.atan2(
          Math.sin(t) * Math.sin((dLat * Math.PI) / 180) * Math.cos((64 * Math.PI) / 180),
          Math.cos((dLat * Math.PI) / 180) - Math.sin((64 * Math.PI) / 180) * Math.sin(la),
        ) *
          180) /
          Math.PI;
      const laDeg = (la * 180) / Math.PI;
      expect(laDeg).toBeGreaterThanOrEqual(latMin - 1e-9);
      expect(laDeg).toBeLessThanOrEqual(latMax + 1e-9);
      expect(lo).toBeGreaterThanOrEqual(lonMin - 1e-9);
      expect(lo).toBeLessThanOrEqual(lonMax + 1e-9);
    }
  });

  it("users-by-level: a page of the level's users in username order; every level is asked", async () => {
    const o = await open<{ pages: { values: UsersByLevelParams[] } }, UsersByLevelParams>(
      "users-by-level",
    );
    const levels = await client.query<{ career_level_id: number }>(
      "SELECT DISTINCT career_level_id FROM users WHERE career_level_id IS NOT NULL",
    );
    const asked = new Set(o.state.pages.values.map((v) => v[0]));
    expect([...asked].sort()).toEqual(levels.rows.map((r) => r.career_level_id).sort());
    const rng = createRng(3);
    for (let i = 0; i < 10; i++) {
      const [level, after] = o.scenario.sample(o.state, rng);
      const rows = await o.pg.query<UserByLevelRow>(USERS_BY_LEVEL, [level, after]);
      const want = await client.query<{ user_id: string }>(
        "SELECT user_id FROM users WHERE career_level_id = $1 AND username > $2 ORDER BY username LIMIT $3",
        [level, after, PAGE_SIZE],
      );
      expect(rows.map((r) => r.user_id)).toEqual(want.rows.map((r) => r.user_id));
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it("user-by-username: the user of that name", async () => {
    const o = await open<unknown, UserByUsernameParams>("user-by-username");
    const rng = createRng(2);
    for (let i = 0; i < 10; i++) {
      const p = o.scenario.sample(o.state, rng);
      await o.scenario.operation(o.state, p);
      const [row] = await o.pg.query<UserByUsernameRow>(USER_BY_USERNAME, p);
      expect(row.username).toBe(p[0]);
    }
  });
});

describe("run index-probes", () => {
  const INDEXES = [
    "idx_dishes_tags",
    "idx_dishes_type",
    "idx_restaurants_geo",
    "idx_users_career_level",
  ];

  async function scans(): Promise<Record<string, number>> {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ indexrelname: string; idx_scan: string }>(
      "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE indexrelname = ANY($1)",
      [INDEXES],
    );
    return Object.fromEntries(rows.map((r) => [r.indexrelname, Number(r.idx_scan)]));
  }

  it("runs the five probes, and each of the four indexes nobody else used is scanned", async () => {
    const before = await scans();
    expect(Object.keys(before).sort()).toEqual([...INDEXES].sort());
    const { user, password, host, port, database } = scratch.pg;
    const url = `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ""}@${host}:${port}/${database}`;
    const dir = mkdtempSync(join(tmpdir(), "bb-probes-"));
    try {
      // a low rate for a shared test machine: only errors are judged here; 2 s per probe
      // (more than PostgreSQL's 1 s between a backend's statistics flushes, so the scans
      // counted below land in pg_stat_user_indexes while the probe runs, not only at its exit)
      const targets = join(dir, "targets.json");
      writeFileSync(targets, JSON.stringify({ defaults: { errors: ["rate<0.001"] } }));
      const out = join(dir, "probes.json");
      const r = await runCli(
        [
          "run",
          "index-probes",
          "--scale",
          TINY.scale,
          "--seed",
          String(TINY.seed),
          "--duration",
          "2s",
          "--warmup",
          "0",
          "--rate",
          "40",
          "--targets",
          targets,
          "--out",
          out,
          "--quiet",
        ],
        // the scratch database and DynamoDB prefix: run loads what is missing into both
        { DATABASE_URL: url, BELLYFED_TABLE_PREFIX: scratch.dynamo.tablePrefix },
        180_000,
      );
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.code).toBe(0);
      const result = JSON.parse(readFileSync(out, "utf8")) as {
        scenarios: Array<{
          name: string;
          operations: { ok: number; errors: Record<string, number> };
        }>;
      };
      expect(result.scenarios.map((s) => s.name)).toEqual(GROUPS["index-probes"].scenarios);
      for (const s of result.scenarios) {
        expect(s.operations.ok, s.name).toBeGreaterThan(0);
        expect(
          Object.values(s.operations.errors).every((n) => n === 0),
          s.name,
        ).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const after = await scans();
    for (const ix of INDEXES) expect(after[ix] - before[ix], ix).toBeGreaterThan(0);
  }, 240_000);
});

describe("the geo fix (index set 'geo')", () => {
  it("replaces the (latitude, longitude) btree by a GiST that nearby scans, with the same answers", async () => {
    const o = await open<{ searches: { values: NearbyParams[] } }, NearbyParams>("nearby");
    const rng = createRng(21);
    const params = Array.from({ length: 12 }, () => o.scenario.sample(o.state, rng));
    const answer = async () => {
      const out: string[][] = [];
      for (const p of params)
        out.push((await client.query<NearbyRow>(NEARBY.text, p)).rows.map((r) => r.restaurant_id));
      return out;
    };
    const before = await answer();
    const changes = await applyIndexSet(client, "geo");
    expect(changes).toContain("dropped index idx_restaurants_geo (set seed)");
    expect(changes).toContain("created index idx_restaurants_geo_gist");
    await client.query("ANALYZE restaurants");
    expect(await answer()).toEqual(before);
    // the planner takes the GiST for the radius box (sequential scans off: at `tiny` a
    // table of a few hundred rows is cheaper to read whole, which is not the question here)
    await client.query("SET enable_seqscan = off");
    try {
      const plan = await client.query(`EXPLAIN (FORMAT JSON) ${NEARBY.text}`, params[0]);
      const text = JSON.stringify(plan.rows[0]);
      expect(text).toContain('"Index Name":"idx_restaurants_geo_gist"');
      expect(text).toContain("<@");
    } finally {
      await client.query("RESET enable_seqscan");
      await applyIndexSet(client, "seed");
    }
  });
});
