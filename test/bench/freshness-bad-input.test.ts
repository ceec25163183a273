import { describe, expect, it } from "vitest";
import { runBench } from "../helpers/cli.ts";

/** bench:freshness refuses flags it cannot honour: one line, exit 2, nothing printed or written. */
const bench = (args: string[]) => runBench("freshness", args);

describe.concurrent("bench:freshness bad input", () => {
  it("--pin without the throughput part names the command that pins it", async () => {
    const r = await bench(["--pin", "--parts", "freshness"]);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([
      "bellyfed-bench: --pin pins the throughput part, which --parts freshness leaves out; e.g. npm run bench:freshness -- --parts throughput --pin",
    ]);
    expect(r.stdout).toBe("");
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("--rounds must be a whole number", async () => {
    const r = await bench(["--rounds", "0"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /--rounds "0" is not a whole number >= 1; e\.g\. npm run bench:freshness -- --rounds 5/,
    );
    expect(r.stdout).toBe("");
    expect(r.wrote).toBe(false);
  }, 60_000);

  it("an unknown part is named with the parts there are", async () => {
    const r = await bench(["--parts", "latency"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /--parts: unknown part 'latency' \(the parts: freshness, throughput, rss\)/,
    );
    expect(r.wrote).toBe(false);
  }, 60_000);
});
