import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadIndexSet, parseIndexSet } from "../../schema/index.ts";
import type { Catalog } from "../../tuning/catalog.ts";
import type { Finding } from "../../tuning/findings.ts";
import {
  GEO_FIX,
  type GeoVerdict,
  type ProbeIndexVerdict,
  probeVerdict,
} from "../../tuning/probe-ab.ts";
import { followProbeVerdicts, proposeSet } from "../../tuning/propose.ts";

/**
 * Issue 14, Must do 2 and 3: with the probes' A/B, the proposal keeps an index
 * whose probe gains more than 10% (even one a finding dropped), drops one whose
 * probe does not (saying what it cost), and takes the geo fix when it wins.
 */
const dir = mkdtempSync(join(tmpdir(), "bb-probe-proposal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seed = loadIndexSet("seed");
const catalog: Catalog = {
  schema: "public",
  serverVersionNum: 180000,
  tables: [],
  indexes: [],
  foreignKeys: [],
};
const unusedUsername: Finding = {
  kind: "unused-index",
  severity: "low",
  table: "users",
  index: "idx_users_username",
  evidence: "0 scans in the window",
  fix: "DROP INDEX CONCURRENTLY idx_users_username;",
};
const f = (p95: number, throughput: number) => ({ p50: p95 / 2, p95, throughput });
const cost = { insertSlowdown: 0.12, bytes: 64 * 1024 };
const gain = probeVerdict(f(2, 2000), f(10, 400), cost); // p95 +80%
const none = probeVerdict(f(9.8, 1010), f(10, 1000), cost); // +2%, +1%
const verdict = (probe: string, index: string, table: string, v = gain): ProbeIndexVerdict => ({
  probe,
  index,
  table,
  verdict: v,
});
const geo = (v: ReturnType<typeof probeVerdict>): GeoVerdict => ({
  index: GEO_FIX.index,
  replaces: GEO_FIX.replaces,
  table: GEO_FIX.table,
  sql: loadIndexSet("geo").indexes.find((i) => i.name === GEO_FIX.index)!.sql,
  verdict: v,
});
const names = (text: string) =>
  parseIndexSet("t", text)
    .indexes.map((i) => i.name)
    .sort();

it("keeps the indexes whose probe gains, drops those whose probe does not, with the cost said", () => {
  const before = proposeSet("t", seed, catalog, [unusedUsername], [], dir);
  expect(before.dropped.map((d) => d.name)).toEqual(["idx_users_username"]);
  const p = followProbeVerdicts(
    before,
    seed,
    [
      verdict("user-by-username", "idx_users_username", "users"), // a finding dropped it: back
      verdict("dishes-by-type", "idx_dishes_type", "dishes", none),
      verdict("dishes-by-tag", "idx_dishes_tags", "dishes"),
    ],
    null,
    dir,
  );
  expect(p.kept).toContain("idx_users_username");
  expect(p.kept).toContain("idx_dishes_tags");
  expect(p.kept).not.toContain("idx_dishes_type");
  expect(p.dropped).toEqual([
    {
      name: "idx_dishes_type",
      kind: "probe-no-gain",
      why: "dishes-by-type: drop: with the index only p95 +2%, throughput +1% (not more than 10%); it costs 64 kB, inserts -12% rows/s",
    },
  ]);
  // the file text follows: the loader reads exactly the kept indexes
  expect(names(p.text)).toEqual([...p.kept].sort());
  expect(p.text).toMatch(/--\s+idx_dishes_type \(probe-no-gain\)/);
  expect(p.followed).toEqual([
    `idx_users_username kept (user-by-username): ${gain.reason}`,
    `idx_dishes_type dropped (dishes-by-type): ${none.reason}`,
    `idx_dishes_tags stays (dishes-by-tag): ${gain.reason}`,
  ]);
});

it("adds the probe's verdict to a drop a finding already made", () => {
  const before = proposeSet("t", seed, catalog, [unusedUsername], [], dir);
  const p = followProbeVerdicts(
    before,
    seed,
    [verdict("user-by-username", "idx_users_username", "users", none)],
    null,
    dir,
  );
  expect(p.dropped).toEqual([
    {
      name: "idx_users_username",
      kind: "unused-index",
      why: `0 scans in the window; user-by-username: ${none.reason}`,
    },
  ]);
  expect(p.kept).not.toContain("idx_users_username");
});

it("replaces the btree by the geo fix's GiST when nearby on it wins by the rule, not otherwise", () => {
  const before = proposeSet("t", seed, catalog, [], [], dir);
  const wins = followProbeVerdicts(before, seed, [], geo(gain), dir);
  expect(wins.kept).not.toContain(GEO_FIX.replaces);
  expect(wins.added.map((a) => a.name)).toEqual([GEO_FIX.index]);
  expect(wins.dropped.map((d) => [d.name, d.kind])).toEqual([[GEO_FIX.replaces, "geo-fix"]]);
  const set = parseIndexSet("t", wins.text);
  expect(set.indexes.find((i) => i.name === GEO_FIX.index)?.sql).toMatch(/USING GIST/i);
  expect(set.indexes.some((i) => i.name === GEO_FIX.replaces)).toBe(false);

  const loses = followProbeVerdicts(before, seed, [], geo(none), dir);
  expect(loses.kept).toContain(GEO_FIX.replaces);
  expect(loses.added).toEqual([]);
  expect(names(loses.text)).toEqual(names(before.text));
  expect(loses.followed?.[0]).toMatch(/^idx_restaurants_geo_gist not adopted \(nearby\)/);
});

it("ignores verdicts on indexes the tuned set does not hold", () => {
  const geoSet = loadIndexSet("geo");
  const before = proposeSet("t", geoSet, catalog, [], [], dir);
  const p = followProbeVerdicts(
    before,
    geoSet,
    [verdict("nearby", GEO_FIX.replaces, "restaurants", none)],
    geo(gain),
    dir,
  );
  expect(names(p.text)).toEqual(names(before.text));
  expect(p.dropped).toEqual([]);
  expect(p.added).toEqual([]);
});

it("a probe's gain does not bring back an index another one duplicates; no gain does not drop a foreign key's only index", () => {
  const dupUsername: Finding = { ...unusedUsername, kind: "duplicate-index" };
  const before = proposeSet("t", seed, catalog, [dupUsername], [], dir);
  const level = {
    schema: "public",
    table: "users",
    name: "idx_users_career_level",
    method: "btree",
    keys: ["career_level_id"],
    keyIsExpression: [false],
    include: [],
    opclasses: [],
    options: [],
    valid: true,
    predicate: null,
  } as unknown as Catalog["indexes"][number];
  const withFk: Catalog = {
    ...catalog,
    indexes: [level],
    foreignKeys: [
      {
        name: "users_career_level_id_fkey",
        table: "users",
        columns: ["career_level_id"],
        refTable: "career_levels",
        refColumns: ["career_level_id"],
      },
    ],
  };
  const p = followProbeVerdicts(
    before,
    seed,
    [
      verdict("user-by-username", "idx_users_username", "users"), // +80%, but a duplicate
      verdict("users-by-level", "idx_users_career_level", "users", none),
    ],
    null,
    dir,
    undefined,
    withFk,
  );
  expect(p.kept).not.toContain("idx_users_username");
  expect(p.kept).toContain("idx_users_career_level");
  expect(p.followed?.join("\n")).toMatch(/idx_users_username stays dropped .*noise/);
  expect(p.followed?.join("\n")).toMatch(
    /idx_users_career_level kept .*only index supporting foreign key users_career_level_id_fkey/,
  );
});
