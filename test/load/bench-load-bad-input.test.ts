import { describe, expect, it } from "vitest";
import { runBench } from "../helpers/cli.ts";

/** bench:load refuses flags it cannot honour: one line, exit 2, nothing written. */
const bench = (args: string[]) => runBench("load", args);

// each case writes (or not) its own file: they run at the same time
describe.concurrent("bench:load bad input", () => {
  it("--skip-pg without a complete load of that scale and seed names the load to run", async () => {
    const r = await bench(["--skip-pg", "--scale", "tiny", "--seed", "987654321"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/--skip-pg: .* holds no complete load of tiny seed 987654321/);
    expect(r.lines[0]).toMatch(/bellyfed-bench load --scale tiny --seed 987654321 --only pg/);
    expect(r.stdout).toBe("");
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("--skip-pg with --skip-dynamo leaves nothing to measure", async () => {
    const r = await bench(["--skip-pg", "--skip-dynamo"]);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([
      "bellyfed-bench: --skip-pg and --skip-dynamo leave nothing to measure; drop one of them",
    ]);
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("--dynamo-rounds must be a positive integer", async () => {
    const r = await bench(["--skip-pg", "--dynamo-rounds", "0"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/dynamo-rounds/);
    expect(r.wrote).toBe(false);
  }, 60_000);
});
