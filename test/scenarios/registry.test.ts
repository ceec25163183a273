import { describe, expect, it } from "vitest";
import { loadScenario } from "../../engine/load-scenario.ts";
import { loadRegistry, selectScenarios } from "../../engine/registry.ts";
import { readTargets, thresholdsFor } from "../../engine/targets.ts";
import { GROUPS, SCENARIOS } from "../../scenarios/index.ts";

/** The registry, the modules it names and the default targets agree with each other. */
describe("scenario registry", () => {
  it("names the six access patterns, the PostgreSQL leaderboard comparison, the five index probes, the six writes and the freshness probe", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([
      "award-badge",
      "best-dishes",
      "comment",
      "dishes-by-tag",
      "dishes-by-type",
      "experts",
      "feed",
      "follow",
      "freshness",
      "leaderboards",
      "leaderboards-pg",
      "nearby",
      "profile",
      "rank-dish",
      "review",
      "trending",
      "unfollow",
      "user-by-username",
      "users-by-level",
    ]);
  });

  it("'index-probes' is a group: run index-probes selects the five probes, 'all' includes them", async () => {
    const registry = await loadRegistry();
    const probes = [
      "dishes-by-tag",
      "dishes-by-type",
      "nearby",
      "users-by-level",
      "user-by-username",
    ];
    expect(GROUPS["index-probes"].scenarios).toEqual(probes);
    expect(selectScenarios(registry, ["index-probes"]).map((e) => e.name)).toEqual(probes);
    // a group and one of its members: each scenario once, in the order asked
    expect(selectScenarios(registry, ["nearby", "index-probes"]).map((e) => e.name)).toEqual([
      "nearby",
      "dishes-by-tag",
      "dishes-by-type",
      "users-by-level",
      "user-by-username",
    ]);
    const all = selectScenarios(registry, ["all"]).map((e) => e.name);
    for (const p of probes) expect(all).toContain(p);
    expect(() => selectScenarios(registry, ["index-probe"])).toThrow(
      /unknown scenario 'index-probe'; known: .*index-probes/,
    );
  });

  for (const [name, entry] of Object.entries(SCENARIOS)) {
    it(`${name}: the module exports a scenario of that name, stores and hooks`, async () => {
      const s = await loadScenario(entry.module.href);
      expect(s.name).toBe(name);
      expect([...s.stores].sort()).toEqual([...entry.stores].sort());
      expect(s.description.length).toBeGreaterThan(10);
      // every scenario that touches PostgreSQL lists its statements for index tuning, but
      // the freshness probe (the follow's statements; its setup starts the projector)
      expect(typeof s.explain === "function").toBe(
        entry.stores.includes("postgres") && name !== "freshness",
      );
      expect(entry.load.rate).toBeGreaterThan(0);
    });

    it(`${name}: has default targets for latency, errors, throughput and drops`, () => {
      const targets = readTargets();
      const metrics = new Set(thresholdsFor(name, targets, []).map((t) => t.metric));
      for (const m of ["latency", "errors", "throughput", "dropped"]) expect(metrics).toContain(m);
    });
  }

  it("the engine reads the registry with each scenario's default load", async () => {
    const registry = await loadRegistry();
    for (const [name, entry] of Object.entries(SCENARIOS)) {
      expect(registry.get(name)?.url).toBe(entry.module.href);
      expect(registry.get(name)?.load).toEqual(entry.load);
    }
  });

  it("every throughput target is reachable at the default rate", () => {
    const targets = readTargets();
    for (const [name, entry] of Object.entries(SCENARIOS)) {
      const rate = entry.load.rate;
      if (rate === undefined) continue;
      for (const t of thresholdsFor(name, targets, []))
        if (t.metric === "throughput") expect(t.value).toBeLessThan(rate);
    }
  });
});
