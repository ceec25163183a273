import { describe, expect, it } from "vitest";
import { jsonProblem, UsageError } from "../../core/errors.ts";
import { type FlagSpec, helpText, parseDuration, parseFlags } from "../../scripts/lib/args.ts";

/** The CLI's flag parsing: what a user sees for a typo, in --help, and for a file that is not JSON. */
const SPEC: FlagSpec = {
  duration: { type: "string", description: "measured time", default: "30s" },
  out: { type: "string", description: "result file" },
  rate: { type: "string", description: "operations per second" },
  scale: { type: "string", description: "data scale", default: "small" },
  quiet: { type: "boolean", description: "no progress" },
};

function message(argv: string[]): string {
  try {
    parseFlags("run", argv, SPEC, true);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("parsed without error");
}

describe("flags", () => {
  it("a misspelt flag names the nearest one", () => {
    expect(message(["--duraton", "5s"])).toBe(
      "run: unknown option '--duraton'; did you mean --duration? (see 'bellyfed-bench run --help')",
    );
    expect(message(["--quite"])).toMatch(/did you mean --quiet\?/);
    expect(message(["--dur", "5s"])).toMatch(/did you mean --duration\?/);
  });

  it("a flag like no other gets no guess", () => {
    expect(message(["--bogus"])).toBe(
      "run: unknown option '--bogus' (see 'bellyfed-bench run --help')",
    );
  });

  it("--help names what each value is", () => {
    const help = helpText("bellyfed-bench run", "Runs.", SPEC);
    expect(help).toMatch(/--duration DURATION\s+measured time \(default: 30s\)/);
    expect(help).toMatch(/--out FILE\s+result file/);
    expect(help).toMatch(/--rate N\s+operations per second/);
    expect(help).toMatch(/--scale SCALE\s+data scale/);
    expect(help).toMatch(/--quiet\s+no progress/);
    expect(help).not.toMatch(/VALUE/);
  });

  it("zero durations and numbers are reported alike", () => {
    expect(() => parseDuration("timeout", "0")).toThrow(
      "--timeout must be greater than zero (got 0)",
    );
  });

  it("a JSON error is one line, its quotes closed", () => {
    let err: unknown;
    try {
      JSON.parse("not json at all\nsecond line\n");
    } catch (e) {
      err = e;
    }
    const line = jsonProblem(err);
    expect(line).not.toMatch(/\n/);
    expect((line.match(/"/g) ?? []).length % 2).toBe(0);
    expect(line.length).toBeLessThanOrEqual(120);
  });
});
