import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

const root = mkdtempSync(join(tmpdir(), "bb-sweep-bad-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * `capacity sweep` refuses bad input in one line, exit 2, before any service
 * starts (each case in a BELLYFED_HOME of its own, left empty).
 */
describe("capacity sweep on bad input", () => {
  it("says what is wrong in one line, exits 2 and starts nothing", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["capacity", "sweep", "nosuch"], /unknown scenario 'nosuch'/],
      [["capacity", "sweep", "trending"], /trending uses DynamoDB.*cost per operation only/],
      [
        ["capacity", "sweep", "--max-connections", "0"],
        /--max-connections must be greater than zero/,
      ],
      [
        ["capacity", "sweep", "--max-connections", "many"],
        /--max-connections 'many' is not a positive whole number/,
      ],
      [["capacity", "sweep", "--seed", "-1"], /--seed '-1' is not a whole number/],
      [["capacity", "sweep", "--out", root], /is a folder, not a file/],
      [["capacity", "swep"], /unknown subcommand 'swep'/],
    ];
    // the cases run at the same time, each in its own home
    const homes = cases.map((_, i) => join(root, `home${i}`));
    const results = await Promise.all(
      cases.map(([args], i) => runCli(args, { ...CLEAN_STORE_ENV, BELLYFED_HOME: homes[i] })),
    );
    for (const [i, [args, message]] of cases.entries()) {
      const [home, r] = [homes[i], results[i]];
      const what = args.join(" ");
      expect(r.stderr, what).toMatch(message);
      expect(r.code, what).toBe(2);
      expect(r.stderr.trim().split("\n"), what).toHaveLength(1);
      expect(existsSync(home) ? readdirSync(home) : [], what).toEqual([]);
    }
  });
});
