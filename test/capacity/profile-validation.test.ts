/**
 * `capacity report --profile FILE`: a wrong, negative, missing or misspelt
 * field (or an unknown scenario) is one line naming it and how to fix it,
 * exit 2, and nothing written; JSON and YAML are both read.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCapacityReport } from "../../scripts/commands/capacity-report.ts";
import { captured } from "./fixtures/capture.ts";
import { fixtureSweep } from "./fixtures/sweep.ts";

const dir = mkdtempSync(join(tmpdir(), "capacity-profile-"));
const sweep = join(dir, "sweep.json");
writeFileSync(sweep, JSON.stringify(fixtureSweep()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = {
  users: [1_000_000],
  dailyActiveShare: 0.2,
  operations: { "best-dishes": 6, "rank-dish": 0.5 },
  peakToAverage: 3,
  monthlyGrowth: 0.03,
  monthsAhead: 12,
};

async function run(
  profile: unknown,
  yaml = false,
): Promise<{ code: number; err: string; out: string; wrote: boolean }> {
  const file = join(dir, yaml ? "p.yaml" : "p.json");
  writeFileSync(file, yaml ? stringify(profile) : JSON.stringify(profile));
  const target = join(dir, "out.json");
  rmSync(target, { force: true });
  const { result, out, err } = await captured(() =>
    runCapacityReport(["--from", sweep, "--profile", file, "--out", target]),
  );
  return { code: result, err, out, wrote: existsSync(target) };
}

function expectRefused(r: Awaited<ReturnType<typeof run>>, text: string) {
  expect(r.code).toBe(2);
  expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  expect(r.err).toContain(text);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.out).toBe("");
  expect(r.wrote).toBe(false);
}

describe("capacity report --profile validation", () => {
  it("accepts a good profile, JSON or YAML", async () => {
    for (const yaml of [false, true]) {
      const r = await run(GOOD, yaml);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.wrote).toBe(true);
    }
  });

  it("wrong type: names the field, the type it needs and an example", async () => {
    const r = await run({ ...GOOD, dailyActiveShare: "20%" }, true);
    expectRefused(
      r,
      `'dailyActiveShare' must be a number, not string "20%", e.g. dailyActiveShare: 0.2`,
    );
  });

  it("negative: names the field, its value and the bound", async () => {
    expectRefused(
      await run({ ...GOOD, peakToAverage: -2 }),
      "'peakToAverage' is -2; it must be at least 1",
    );
    expectRefused(
      await run({ ...GOOD, monthlyGrowth: -0.1 }),
      "'monthlyGrowth' is -0.1; it must be at least 0",
    );
    expectRefused(
      await run({ ...GOOD, operations: { "best-dishes": -1 } }),
      "'operations.best-dishes' is -1; it must be at least 0",
    );
  });

  it("missing: names the field and how to add it", async () => {
    const { monthsAhead: _, ...rest } = GOOD;
    expectRefused(await run(rest), "'monthsAhead' is missing; add it, e.g. monthsAhead: 12");
  });

  it("misspelt: names the misspelling and the field meant", async () => {
    const { dailyActiveShare, ...rest } = GOOD;
    expectRefused(
      await run({ ...rest, dailyActivShare: dailyActiveShare }, true),
      "unknown field 'dailyActivShare'; did you mean 'dailyActiveShare'?",
    );
    expectRefused(
      await run({ ...GOOD, operations: { "best-dish": 6 } }),
      "'operations.best-dish' is not a scenario; did you mean 'best-dishes'?",
    );
  });
});
