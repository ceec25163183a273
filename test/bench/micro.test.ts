import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveScale, TABLES } from "../../generators/core.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import { generatorFigures } from "../../scripts/bench/micro/generators.ts";
import { samplerFigures } from "../../scripts/bench/micro/samplers.ts";
import type { Scratch } from "../helpers/stores.ts";
import { TINY, tinyStores } from "../scenarios/helpers/tiny-data.ts";

/**
 * bench:micro's figures beyond the engine: every scenario's real sampler on
 * the state its setup() reads from loaded stores, and every table's generator.
 * (The figures themselves are for the benchmark to print, not asserted here.)
 */
describe("bench:micro samplers and generators", () => {
  let scratch: Scratch;
  beforeAll(async () => {
    scratch = await tinyStores("micro");
  }, 600_000);
  afterAll(async () => {
    await scratch?.cleanup();
  });

  it("times the sampler of every scenario, each set up against the loaded stores", async () => {
    const figures = await samplerFigures(TINY, scratch, true);
    expect(figures.map((f) => f.scenario)).toEqual(Object.keys(SCENARIOS));
    for (const f of figures) {
      expect(Number.isFinite(f.nsPerSample) && f.nsPerSample > 0, f.scenario).toBe(true);
      expect(f.samplesPerSec).toBe(Math.round(1e9 / f.nsPerSample));
      expect(f.setupMs).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);

  it("gives rows/s of every table's generator", async () => {
    const { tables } = await generatorFigures(resolveScale({ scale: "tiny", seed: 7 }), true);
    expect(tables.map((t) => t.table)).toEqual([...TABLES]);
    for (const t of tables) {
      expect(t.rows, t.table).toBeGreaterThan(0);
      expect(t.rowsPerSec, t.table).toBeGreaterThan(0);
      expect(t.bytesPerRow, t.table).toBeGreaterThan(10);
    }
  }, 120_000);
});

describe("bench:micro bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "micro-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an unknown scale: one line, exit 2, nothing written", () => {
    const out = join(dir, "micro.json");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/bench/micro.ts", "--scale", "huge", "--out", out],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown scale 'huge'; use one of tiny, small/);
    expect(existsSync(out)).toBe(false);
  });

  it("an --out under a file: refused before any benchmark runs", () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "a file where a folder would go\n");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/bench/micro.ts", "--out", join(blocker, "micro.json")],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /blocker is a file, so no folder can be made there; pick another path/,
    );
    // refused up front: no benchmark line was printed
    expect(r.stdout).toBe("");
  });
});
