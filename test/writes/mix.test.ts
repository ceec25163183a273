import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { MIX_PRESETS, mixRates, parseMix } from "../../engine/mix.ts";
import { SCENARIOS, WRITE_SCENARIOS } from "../../scenarios/index.ts";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

const KNOWN = Object.keys(SCENARIOS);

describe("--mix parser", () => {
  it("reads NAME=WEIGHT pairs and splits the rate by weight", () => {
    const parts = parseMix("best-dishes=60,profile=20,rank-dish=15,follow=5", KNOWN);
    expect(parts).toEqual([
      { name: "best-dishes", weight: 60 },
      { name: "profile", weight: 20 },
      { name: "rank-dish", weight: 15 },
      { name: "follow", weight: 5 },
    ]);
    expect([...mixRates(parts, 200).values()]).toEqual([120, 40, 30, 10]);
  });

  it("presets: read-heavy is 95% reads, balanced 50%", () => {
    const share = (preset: string) => {
      const parts = parseMix(preset, KNOWN);
      const total = parts.reduce((a, p) => a + p.weight, 0);
      const writes = parts
        .filter((p) => WRITE_SCENARIOS.includes(p.name))
        .reduce((a, p) => a + p.weight, 0);
      return writes / total;
    };
    expect(Object.keys(MIX_PRESETS)).toEqual(["read-heavy", "balanced"]);
    expect(share("read-heavy")).toBeCloseTo(0.05);
    expect(share("balanced")).toBeCloseTo(0.5);
  });

  it.each([
    ["nope=10,profile=5", /unknown scenario 'nope'/],
    ["profile=0", /weight '0' of profile is not a positive number/],
    ["profile=-3", /weight '-3' of profile is not a positive number/],
    ["profile=abc", /weight 'abc' of profile is not a positive number/],
    ["profile", /'profile' is not NAME=WEIGHT/],
    ["", /--mix is empty/],
    [" , ", /--mix is empty/],
    ["profile=1,profile=2", /names profile twice/],
  ])("refuses %j", (text, message) => {
    expect(() => parseMix(text, KNOWN)).toThrow(UsageError);
    expect(() => parseMix(text, KNOWN)).toThrow(message);
  });

  // the CLI cases below are separate processes: they run at the same time
  it.concurrent.each([["nope=10"], ["profile=0"], ["profile=x"], [""]])(
    "run --mix %j: one line, exit 2, before any service starts",
    async (text) => {
      // no store reachable: a service start would fail differently (or take seconds)
      const r = await runCli(["run", "--mix", text], {
        ...CLEAN_STORE_ENV,
        DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("--mix");
    },
  );

  it.concurrent("run --mix with scenario names, or with --vus, is refused: exit 2", async () => {
    const a = await runCli(["run", "profile", "--mix", "balanced"], CLEAN_STORE_ENV);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--mix names the scenarios/);
    const b = await runCli(["run", "--mix", "balanced", "--vus", "4"], CLEAN_STORE_ENV);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.concurrent("run --isolation unknown: exit 2, one line naming the levels", async () => {
    const r = await runCli(["run", "rank-dish", "--isolation", "snapshot"], CLEAN_STORE_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("read-committed, repeatable-read or serializable");
  });
});

describe("run all", () => {
  it("leaves the write scenarios out: they change the data (name them, or use --mix)", async () => {
    const { loadRegistry, selectScenarios } = await import("../../engine/registry.ts");
    const registry = await loadRegistry();
    const all = selectScenarios(registry, ["all"]).map((e) => e.name);
    for (const w of WRITE_SCENARIOS) expect(all).not.toContain(w);
    expect(all).toContain("best-dishes");
    expect(selectScenarios(registry, ["rank-dish"]).map((e) => e.name)).toEqual(["rank-dish"]);
  });
});
