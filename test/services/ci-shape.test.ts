import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * CI runs exactly the README's test command, on the machine's Node and on
 * Node 24, and the example workflows test Node 20, 22 and 24, as the README says.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const commands = (script: string) =>
  script
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));

describe("CI and the README agree", () => {
  it("the README's test command is npm test, which checks the system packages first", () => {
    const quick = read("README.md").split("## Quick start")[1].split("\n## ")[0];
    const block = /```sh\n([\s\S]*?)```/.exec(quick)?.[1] ?? "";
    expect(block.split("\n").filter((l) => /^npm test\b/.test(l))).toHaveLength(1);
    const pkg = JSON.parse(read("package.json"));
    expect(pkg.scripts.pretest).toBe("tsx scripts/test-deps.ts");
    expect(pkg.scripts.test).toBe("vitest run");
  });

  it(".ci/run runs that command, then the same on Node 24, and installs nothing itself", () => {
    const run = commands(read(".ci/run"));
    const tests = run.filter((l) => /\bnpm test$/.test(l));
    expect(tests).toEqual(["npm test", "npx -y -p node@24 npm test"]);
    expect(run.join("\n")).not.toMatch(/apt-get/);
  });

  it("the workflows test Node 20, 22 and 24, and the README says so", () => {
    for (const wf of [".github/workflows/test.yml", ".github/workflows/bench.yml"]) {
      expect(read(wf)).toMatch(/matrix:\n\s+node: \[20, 22, 24\]/);
    }
    expect(read(".github/workflows/test.yml")).toMatch(/run: npm test$/m);
    expect(read("README.md")).toMatch(/Tested on Node 20, 22 and 24/);
  });
});
