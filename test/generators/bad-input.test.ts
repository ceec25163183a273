import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { createDataset, parseRowOverrides, resolveScale } from "../../generators/index.ts";

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg.split("\n")).toHaveLength(1);
    return msg;
  }
  throw new Error("expected a UsageError");
}

describe("bad input is refused with one line naming the field and the fix", () => {
  it("unknown scale", () => {
    expect(usage(() => resolveScale({ scale: "huge" }))).toMatch(
      /unknown scale 'huge'.*tiny, small, medium, large/,
    );
  });

  it("seeds that are not whole numbers in range", () => {
    expect(usage(() => resolveScale({ seed: "abc" }))).toMatch(
      /--seed 'abc' is not a whole number/,
    );
    expect(usage(() => resolveScale({ seed: "1.5" }))).toMatch(/--seed/);
    expect(usage(() => resolveScale({ seed: 2.5 }))).toMatch(/--seed/);
    expect(usage(() => resolveScale({ seed: -1 }))).toMatch(/--seed -1 is out of range/);
    expect(usage(() => resolveScale({ seed: 2 ** 32 }))).toMatch(/out of range/);
  });

  it("negative, zero, huge or non-integer row counts, and tables that cannot be sized", () => {
    expect(usage(() => resolveScale({ overrides: { users: -5 } }))).toMatch(
      /rows for users must be greater than zero/,
    );
    expect(usage(() => resolveScale({ overrides: { follows: 0 } }))).toMatch(/rows for follows/);
    expect(usage(() => resolveScale({ overrides: { users: 1e12 } }))).toMatch(
      /too large; the most allowed/,
    );
    expect(usage(() => resolveScale({ overrides: { reviews: "12.5" } }))).toMatch(
      /not a whole number/,
    );
    expect(usage(() => resolveScale({ overrides: { restaurants: 3 } }))).toMatch(/at least 21/);
    expect(usage(() => resolveScale({ overrides: { badges: 10 } }))).toMatch(
      /fixed reference data/,
    );
    expect(usage(() => resolveScale({ overrides: { user_activity_points: 10 } }))).toMatch(
      /follows from/,
    );
    expect(usage(() => resolveScale({ overrides: { nosuch: 10 } }))).toMatch(
      /unknown table 'nosuch'/,
    );
    expect(usage(() => resolveScale({ scale: "tiny", overrides: { follows: 1e6 } }))).toMatch(
      /quarter of users/,
    );
    expect(usage(() => parseRowOverrides("users:10"))).toMatch(/not table=count/);
    expect(usage(() => resolveScale({ windowDays: 0 }))).toMatch(/--window-days/);
    expect(usage(() => resolveScale({ epoch: "yesterday" }))).toMatch(
      /--epoch 'yesterday' is not a date/,
    );
  });

  it("valid overrides resize tables: parents exactly, children approximately", () => {
    expect(parseRowOverrides("users=1000, follows=20000")).toEqual({ users: 1000, follows: 20000 });
    const ds = createDataset({ scale: "tiny", overrides: { users: 1000, follows: 20000 } });
    expect(ds.count("users")).toBe(1000);
    expect(ds.count("follows")).toBeGreaterThan(17000);
    expect(ds.count("follows")).toBeLessThan(23000);
  });

  it("the bench script exits 2 with one line on stderr and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "gen-bad-"));
    const out = join(dir, "out.json");
    const r = spawnSync(
      "npx",
      ["tsx", "scripts/bench/generate.ts", "--scale", "nope", "--out", out],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/unknown scale 'nope'/);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });
});
