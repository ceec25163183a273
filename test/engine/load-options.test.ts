import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { resolveLoad } from "../../engine/models/index.ts";
import { parseStages } from "../../engine/options.ts";
import { parseDuration } from "../../scripts/lib/args.ts";
import { runCli } from "../helpers/cli.ts";

const ctx = { timeoutMs: 2000, connections: 8 };
const openDefault = { rate: 500 };

describe("load options that would do nothing are refused, naming what they need", () => {
  const cases: Array<[Parameters<typeof resolveLoad>[0], string]> = [
    [{ startRate: 50 }, "--start-rate is the ramping model's first rate and needs --stages"],
    [
      { thinkTimeMs: 10 },
      "--think-time is the closed model's pause between a VU's operations and needs --vus",
    ],
    [{ vus: 4, maxInFlight: 10 }, "--max-in-flight caps open models' arrivals"],
    [{ model: "closed", maxInFlight: 10 }, "--max-in-flight caps open models' arrivals"],
    [{ rate: 10, vus: 2 }, "not both"],
    [{ stages: [{ durationMs: 1000, target: 5 }], rate: 3 }, "not both"],
    [{ model: "open", vus: 3 }, "--vus does nothing with the open model"],
    [{ model: "closed", rate: 3 }, "--rate does nothing with the closed model"],
  ];
  for (const [flags, message] of cases) {
    it(JSON.stringify(flags), () => {
      expect(() => resolveLoad(flags, openDefault, ctx)).toThrow(UsageError);
      expect(() => resolveLoad(flags, openDefault, ctx)).toThrow(message);
    });
  }

  it("an empty stage is refused, not skipped", () => {
    expect(() => parseStages("10s:100,,5s:50", parseDuration)).toThrow(
      "has an empty stage (number 2)",
    );
    expect(() => parseStages("10s:100,5s:50,", parseDuration)).toThrow("empty stage (number 3)");
    expect(parseStages("10s:100, 5s:50", parseDuration)).toHaveLength(2);
  });

  it("what the flags leave out comes from the scenario's default, with one in-flight rule", () => {
    expect(resolveLoad({}, openDefault, ctx)).toEqual({
      type: "open",
      rate: 500,
      maxInFlight: 1000,
    });
    expect(resolveLoad({ maxInFlight: 7 }, openDefault, ctx)).toMatchObject({ maxInFlight: 7 });
    expect(resolveLoad({ vus: 3, thinkTimeMs: 5 }, openDefault, ctx)).toEqual({
      type: "closed",
      vus: 3,
      thinkTimeMs: 5,
    });
    expect(resolveLoad({ model: "closed" }, openDefault, ctx)).toEqual({
      type: "closed",
      vus: 8,
      thinkTimeMs: 0,
    });
    expect(
      resolveLoad({ stages: [{ durationMs: 1000, target: 50 }], startRate: 10 }, openDefault, ctx),
    ).toMatchObject({ type: "ramping", startRate: 10, maxInFlight: 100 });
  });

  it("from the CLI: one line, exit 2, before any service starts", async () => {
    const home = { BELLYFED_HOME: "/nonexistent/bellyfed-home-never-created" };
    for (const [args, message] of [
      [["best-dishes", "--start-rate", "50"], "--start-rate is the ramping model's first rate"],
      [["best-dishes", "--rate", "1e9"], "lower the rate to at most 64,000,000"],
      [["best-dishes", "--rate", "3e6", "--workers", "2"], "add threads with --workers 3"],
      [["best-dishes", "--stages", "10s:100,,5s:50"], "empty stage"],
    ] as Array<[string[], string]>) {
      const r = await runCli(["run", ...args, "--quiet"], home, 60_000);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain("started");
    }
  });
});
