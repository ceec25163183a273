import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../core/result.ts";
import { loadResult } from "../../results/load.ts";
import { runCli } from "../helpers/cli.ts";

/**
 * Real version 1 results, written by bellyfed-bench at commit 0aec69a (the
 * last version 1 harness): `run trending --scale tiny --duration 6s --warmup
 * 1s --rate 40`, and two generators of `run leaderboards-pg` at 20/s each,
 * started together. Only reformatted (Biome).
 */
const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));

describe("version 1 results still load, gate and merge", () => {
  it("loads as version 2, with what version 1 did not measure left absent", () => {
    const raw = JSON.parse(readFileSync(fixture("v1-trending"), "utf8")) as { version: number };
    expect(raw.version).toBe(1);
    const { run } = loadResult(fixture("v1-trending"));
    expect(run.version).toBe(2);
    const s = run.scenarios[0];
    expect(s.operations.ok).toBe(240);
    expect(s.throughput).toBe(40);
    for (const absent of [
      s.windowStart,
      s.operations.interrupted,
      s.warmup,
      s.wait,
      s.histograms.wait,
      s.histograms.seconds,
      s.aborted,
      s.timeSeries[0].client,
    ])
      expect(absent).toBeUndefined();
  });

  it("a version 1 result still gates: targets, and against itself as the baseline", async () => {
    const alone = await runCli(["gate", fixture("v1-trending")]);
    expect(alone.stderr).toBe("");
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/trending .*5\/5 passed/);
    const dir = mkdtempSync(join(tmpdir(), "v1-gate-"));
    const against = await runCli([
      "gate",
      fixture("v1-trending"),
      "--baseline",
      fixture("v1-trending"),
      "--update-baseline",
      join(dir, "base.json"),
    ]);
    expect(against.stderr).toBe("");
    expect(against.code).toBe(0);
    expect(against.stdout).toMatch(/unchanged/);
    // a baseline written from it is a version 2 result
    const base = JSON.parse(readFileSync(join(dir, "base.json"), "utf8")) as RunResult;
    expect(base.version).toBe(2);
    expect((await runCli(["gate", join(dir, "base.json")])).code).toBe(0);
  });

  it("two version 1 generators merge (per-second percentiles approximated) and the merge gates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "v1-merge-"));
    const out = join(dir, "merged.json");
    const r = await runCli(["merge", fixture("v1-gen-a"), fixture("v1-gen-b"), "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const merged = JSON.parse(readFileSync(out, "utf8")) as RunResult;
    const s = merged.scenarios[0];
    expect(merged.version).toBe(2);
    expect(s.generators).toBe(2);
    expect(s.operations.ok).toBe(240);
    expect(s.throughput).toBe(40);
    expect(s.pool).toEqual({ size: 4, maxWaiting: 0, meanAcquireMs: 0 });
    // version 1 kept no per-second histograms: none in the merge either
    expect(s.histograms.seconds).toBeUndefined();
    expect(s.timeSeries.reduce((a, p) => a + p.ops, 0)).toBe(240);
    expect((await runCli(["gate", out])).code).toBe(0);
  });
});
