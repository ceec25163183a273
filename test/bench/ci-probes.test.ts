import { describe, expect, it } from "vitest";
import { loadRegistry, selectScenarios } from "../../engine/registry.ts";
import { readTargets, thresholdsFor } from "../../engine/targets.ts";
import { GROUPS, SCENARIOS, WRITE_SCENARIOS } from "../../scenarios/index.ts";
import { CI_TARGETS, ciRunArgs } from "../../scripts/bench/ci-profile.ts";

/** `npm run bench:ci` runs the index probes (issue 14) and gates them with their own CI targets. */
describe("bench:ci and the index probes", () => {
  const args = ciRunArgs({ scale: "small", duration: "5s", out: "results/ci-run-1.json" });

  it("runs every read scenario the registry has, the five probes included (the writes run in the mixed profile)", async () => {
    expect(args[0]).toBe("run");
    const names = args.slice(1, args.indexOf("--scale"));
    const picked = selectScenarios(await loadRegistry(), names).map((e) => e.name);
    expect(picked.sort()).toEqual(
      Object.keys(SCENARIOS)
        // freshness writes too (`run all` leaves every writing scenario out)
        .filter((n) => !WRITE_SCENARIOS.includes(n) && SCENARIOS[n].writes !== true)
        .sort(),
    );
    for (const p of GROUPS["index-probes"].scenarios) expect(picked).toContain(p);
  });

  it("judges them against the CI targets file, where each probe has its own throughput target", () => {
    expect(args[args.indexOf("--targets") + 1]).toBe(CI_TARGETS);
    const targets = readTargets(CI_TARGETS);
    for (const p of GROUPS["index-probes"].scenarios) {
      const t = thresholdsFor(p, targets, []);
      const metrics = new Set(t.map((x) => x.metric));
      for (const m of ["latency", "errors", "throughput", "dropped"])
        expect(metrics, p).toContain(m);
      // the probe's own entry (the defaults have no throughput), reachable at its default rate
      const thr = t.find((x) => x.metric === "throughput")!;
      expect(thr.value, p).toBeGreaterThan(0);
      expect(thr.value, p).toBeLessThan(SCENARIOS[p].load.rate!);
    }
  });
});
