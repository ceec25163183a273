import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { missingTestDeps, planTestDeps } from "../../scripts/test-deps.ts";

/**
 * `npm test` checks what it needs from the system first (scripts/test-deps.ts,
 * npm's pretest): as root with apt-get it installs what is missing; otherwise
 * one line names the packages and the command, and the tests do not start.
 */
const PROJECT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "bellyfed-deps-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(env: Record<string, string | undefined>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/test-deps.ts"], {
      cwd: PROJECT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("npm test's system packages", () => {
  it("all present on this machine: nothing said, the tests start", async () => {
    expect(missingTestDeps()).toEqual([]);
    const r = await check({});
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("missing, not root: one line with the sudo apt-get command, exit 2, nothing installed", async () => {
    const r = await check({
      BELLYFED_TEST_DEPS_SYSROOT: scratch, // an empty system: no Chromium, no PostgreSQL 15
      BELLYFED_TEST_DEPS_AS: "user",
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    // Java is on PATH here, so only the three file-checked packages are missing
    expect(r.stderr).toBe(
      "npm test needs the Debian packages chromium postgresql-15 postgresql-15-hypopg; install them with: sudo apt-get update && sudo apt-get install -y chromium postgresql-15 postgresql-15-hypopg\n",
    );
  });

  it("missing, no apt-get (even as root): one line naming the packages and a Debian container, exit 2", async () => {
    const bin = join(scratch, "bin");
    mkdirSync(bin); // the sysroot still has none of the checked files
    symlinkSync(process.execPath, join(bin, "node"));
    const r = await check({
      BELLYFED_TEST_DEPS_SYSROOT: scratch,
      PATH: bin, // node only: no apt-get, no java
      JAVA_HOME: undefined,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      `npm test needs the Debian packages chromium postgresql-15 postgresql-15-hypopg default-jre-headless and this machine has no apt-get; run the tests in Debian, e.g.: docker run --rm -v "$PWD":/w -v /w/node_modules -w /w node:22-bookworm sh -c 'npm ci && npm test'`,
    ]);
  });

  it("plans an install only as root with apt-get", () => {
    expect(planTestDeps([], { root: false, aptGet: false })).toEqual({ action: "none" });
    expect(planTestDeps(["chromium"], { root: true, aptGet: true })).toEqual({
      action: "install",
      packages: ["chromium"],
    });
    expect(planTestDeps(["chromium"], { root: true, aptGet: false }).action).toBe("tell");
    expect(planTestDeps(["chromium"], { root: false, aptGet: true }).action).toBe("tell");
  });
});
