import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * `npm run bench:cost` refuses bad input with one line naming what is wrong,
 * exit 2, before it reaches a store (nothing printed on stdout: the machine
 * and data lines come only after the stores are found).
 */
const SCRIPT = fileURLToPath(new URL("../../scripts/bench/cost.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [TSX, SCRIPT, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, lines: r.stderr.trim().split("\n") };
}

describe("bench:cost bad input", () => {
  it("names the bad rate, duration, scale or scenario in one line and exits 2", () => {
    const cases: Array<[string[], RegExp]> = [
      [["--rate", "0"], /--rate must be greater than zero \(got 0\)$/],
      [["--duration", "soon"], /--duration 'soon' is not a duration; write it like 30s/],
      [["--scale", "huge"], /--scale 'huge' is unknown; use one of tiny, small, medium, large$/],
      [
        ["nope"],
        /unknown scenario 'nope'; known: best-dishes, .* \(npx bellyfed-bench run --help\)$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(message);
    }
  }, 60_000);
});
