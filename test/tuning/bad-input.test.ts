import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

/** Bad flags: one line naming the problem and the fix, exit 2, nothing written. */
const dir = mkdtempSync(join(tmpdir(), "bb-tune-bad-"));
const blocker = join(dir, "blocker");
writeFileSync(blocker, "a file where a folder would go\n");

const cases: Array<[string[], RegExp]> = [
  [["--scenario", "nope"], /--scenario 'nope' is unknown; known: .*best-dishes/],
  [["--samples", "0"], /--samples must be greater than zero/],
  [["--duration", "soon"], /--duration 'soon' is not a duration/],
  [["--index-set", "missing"], /unknown index set 'missing'; available: .*seed/],
  [["--proposed", "Bad Name"], /--proposed 'Bad Name' may hold only/],
  [
    ["--markdown", `${blocker}/report.md`],
    /--markdown .*blocker is a file, so no folder can be made there/,
  ],
  [["--bogus"], /tune: unknown option '--bogus'.*--help/],
  [
    ["--ab", "--proposed", "not-there"],
    /--proposed not-there: schema\/index-sets\/not-there.sql does not exist; drop --proposed to measure this session's proposal, or save one first: bellyfed-bench tune --save-set --proposed not-there/,
  ],
];

it("rejects each bad flag with one line and exit code 2, writing nothing", async () => {
  // the cases run at the same time, each with its own --out file
  const outs = cases.map((_, i) => join(dir, `findings-${i}.json`));
  const results = await Promise.all(
    cases.map(([args], i) => runCli(["tune", ...args, "--out", outs[i]])),
  );
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i];
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    expect(r.stderr, args.join(" ")).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outs[i]), args.join(" ")).toBe(false);
  }
}, 120_000);

it("prints its help", async () => {
  const r = await runCli(["tune", "--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Usage: bellyfed-bench tune");
  for (const flag of [
    "--scenario",
    "--index-set",
    "--samples",
    "--ab",
    "--duration",
    "--out",
    "--markdown",
    "--html",
    "--traffic",
  ])
    expect(r.stdout).toContain(flag);
});
