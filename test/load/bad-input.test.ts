import { describe, expect, it } from "vitest";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent("load: bad input gets one line and exit code 2", () => {
  const cases: [string[], RegExp][] = [
    [["--scale", "huge"], /unknown scale 'huge'; use one of tiny, small, medium, large/],
    [["--seed", "1.5"], /--seed '1.5' is not a whole number/],
    [["--seed", "-3"], /--seed -3 is out of range/],
    [["--seed", "12345678901"], /--seed 12345678901 is out of range/],
    [["--rows", "users=-5"], /rows for users must be greater than zero/],
    [["--rows", "users=99999999999"], /rows for users 99999999999 is too large/],
    [["--rows", "planets=5"], /unknown table 'planets'/],
    [["--only", "mysql"], /--only 'mysql' is not a store/],
    [["--index-set", "nope"], /unknown index set 'nope'; available: /],
    [["--colour"], /--colour/],
    [["status", "--only", "x"], /--only 'x' is not a store/],
  ];
  for (const [args, message] of cases) {
    it(`load ${args.join(" ")}`, async () => {
      const r = await runCli(["load", ...args]);
      expect(r.code).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    });
  }

  it("an unreachable PostgreSQL", async () => {
    const r = await runCli(["load", "--scale", "tiny"], {
      ...CLEAN_STORE_ENV,
      PGHOST: "127.0.0.1",
      PGPORT: "1",
      PGUSER: "postgres",
      PGDATABASE: "nowhere",
    });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/cannot reach .*127\.0\.0\.1:1/);
  });
});
