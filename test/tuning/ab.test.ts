import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LEADERBOARD_TOP_N } from "../../scenarios/leaderboards-pg.ts";
import { USER_PROFILE } from "../../scenarios/profile.ts";
import { listIndexes, loadIndexSet, readPgMarker } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { affectedTables, runAb } from "../../tuning/ab.ts";
import { postgresPatterns } from "../../tuning/patterns.ts";
import { statementsAvailable } from "../../tuning/stats.ts";
import type { Scratch } from "../helpers/stores.ts";
import { TINY, tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * `tune --ab` end to end on `tiny` data: both index sets measured in A-B-B-A
 * rounds through the engine, the write cost on the tables whose indexes
 * differ, each pattern's shared blocks from pg_stat_statements, and the set
 * that was active before restored.
 */
let stores: Scratch;
let pool: pg.Pool;

beforeAll(async () => {
  stores = await tinyStores("tuning_ab");
  pool = new pg.Pool(pgClientConfig(stores.pg));
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await stores?.cleanup();
});

it("measures both sets on every pattern, reads blocks per pattern, and restores the active set", async () => {
  expect((await statementsAvailable(pool)).ok).toBe(true);
  const patterns = await postgresPatterns(["leaderboards-pg", "profile"]);
  const steps: string[] = [];
  const ab = await runAb(pool, stores, patterns, {
    a: "seed",
    b: "tuned",
    durationMs: 400,
    warmupMs: 100,
    vus: 2,
    insertRows: 20,
    data: TINY,
    restore: "seed",
    statements: {
      "leaderboards-pg": [LEADERBOARD_TOP_N.text],
      profile: [USER_PROFILE.text],
    },
    onStep: (l) => steps.push(l),
  });

  expect(ab.sets.map((s) => s.set)).toEqual(["seed", "tuned"]);
  expect(ab.rounds).toBe(4);
  // reads in the order A, B, B, A, then the write probes (which leave dead rows) in the same order
  expect(steps.filter((l) => l.endsWith(": applying"))).toEqual([
    "A/B round 1/4: index set seed: applying",
    "A/B round 2/4: index set tuned: applying",
    "A/B round 3/4: index set tuned: applying",
    "A/B round 4/4: index set seed: applying",
    "A/B write 1/4: index set seed: applying",
    "A/B write 2/4: index set tuned: applying",
    "A/B write 3/4: index set tuned: applying",
    "A/B write 4/4: index set seed: applying",
  ]);
  const lastRead = steps.map((l) => / for [\d.]+s$/.test(l)).lastIndexOf(true);
  const firstWrite = steps.findIndex((l) => l.includes("write cost"));
  expect(lastRead).toBeGreaterThan(0);
  expect(firstWrite).toBeGreaterThan(lastRead);
  expect(ab.affectedTables).toEqual(affectedTables(loadIndexSet("seed"), loadIndexSet("tuned")));
  expect(ab.affectedTables).toContain("user_badges");

  for (const set of ab.sets) {
    expect(set.patterns.map((p) => p.pattern)).toEqual(["leaderboards-pg", "profile"]);
    for (const p of set.patterns) {
      expect(p.errors, `${set.set} ${p.pattern}`).toBe(0);
      expect(p.latency.count, `${set.set} ${p.pattern}`).toBeGreaterThan(0);
      expect(p.throughput, `${set.set} ${p.pattern}`).toBeGreaterThan(0);
      // one statement per operation: at least as many calls as measured operations (warm-up adds more)
      expect(p.blocks, `${set.set} ${p.pattern}`).not.toBeNull();
      expect(p.blocks!.calls).toBeGreaterThanOrEqual(p.latency.count);
      expect(p.blocks!.hit + p.blocks!.read).toBeGreaterThan(0);
    }
    expect(set.inserts.length).toBeGreaterThan(0);
    for (const i of set.inserts) expect(i.rowsInserted, `${set.set} ${i.table}`).toBe(20);
  }
  // the write cost counts the indexes each set has: tuned adds one on user_badges
  const seedBadges = ab.sets[0].inserts.find((i) => i.table === "user_badges");
  const tunedBadges = ab.sets[1].inserts.find((i) => i.table === "user_badges");
  expect(tunedBadges!.indexes).toBe(seedBadges!.indexes + 1);

  expect((await readPgMarker(pool))?.indexSet).toBe("seed");
  const present = (await listIndexes(pool)).filter((i) => i.set === "seed").map((i) => i.name);
  expect(present.sort()).toEqual(
    loadIndexSet("seed")
      .indexes.map((i) => i.name)
      .sort(),
  );
}, 180_000);
