import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** bench:load refuses flags it cannot honour: one line, exit 2, nothing written. */
function bench(args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), "bench-load-bad-")), "out.json");
  const r = spawnSync("npx", ["tsx", "scripts/bench/load.ts", ...args, "--out", out], {
    encoding: "utf8",
  });
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
  return { status: r.status, lines, stdout: r.stdout, wrote: existsSync(out) };
}

describe("bench:load bad input", () => {
  it("--skip-pg without a complete load of that scale and seed names the load to run", () => {
    const r = bench(["--skip-pg", "--scale", "tiny", "--seed", "987654321"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/--skip-pg: .* holds no complete load of tiny seed 987654321/);
    expect(r.lines[0]).toMatch(/bellyfed-bench load --scale tiny --seed 987654321 --only pg/);
    expect(r.stdout).toBe("");
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("--skip-pg with --skip-dynamo leaves nothing to measure", () => {
    const r = bench(["--skip-pg", "--skip-dynamo"]);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([
      "bellyfed-bench: --skip-pg and --skip-dynamo leave nothing to measure; drop one of them",
    ]);
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("--dynamo-rounds must be a positive integer", () => {
    const r = bench(["--skip-pg", "--dynamo-rounds", "0"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/dynamo-rounds/);
    expect(r.wrote).toBe(false);
  }, 60_000);
});
