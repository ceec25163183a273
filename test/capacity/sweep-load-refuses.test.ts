import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSweep } from "../../capacity/sweep.ts";
import { UsageError } from "../../core/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "bb-sweep-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** loadSweep refuses what is not a capacity sweep it can read, in one line naming the fix. */
describe("loading a file that is not a capacity sweep", () => {
  it("is a one-line UsageError naming what is wrong", async () => {
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const cases: Array<[string, RegExp]> = [
      [
        file("run.json", '{"format":"bellyfed-bench/result","version":2}'),
        /is not a capacity sweep result/,
      ],
      [
        file("future.json", '{"kind":"bellyfed-capacity-sweep","version":99,"scenarios":[]}'),
        /of version 99/,
      ],
      [file("broken.json", "{"), /is not valid JSON/],
      [join(dir, "missing.json"), /cannot be read \(ENOENT\)/],
    ];
    for (const [path, message] of cases) {
      const e = await loadSweep(path).catch((x: unknown) => x);
      expect(e, path).toBeInstanceOf(UsageError);
      expect((e as Error).message, path).toMatch(message);
      expect((e as Error).message, path).not.toContain("\n");
    }
  });
});
