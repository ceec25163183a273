/**
 * What `npm test` needs from the system beyond npm's packages, checked before
 * the tests start (npm runs this as `pretest`): Chromium (the HTML report is
 * opened in it), Debian's PostgreSQL 15 with hypopg (the index-tuning test
 * compares hypothetical and real indexes) and Java (DynamoDB Local). As root
 * with apt-get, the missing packages are installed; otherwise one line names
 * them and the command that installs them, and the tests do not start (exit 2).
 *
 * For its own test, the checked files are looked for under
 * BELLYFED_TEST_DEPS_SYSROOT (default /), and whether it runs as root can be
 * forced with BELLYFED_TEST_DEPS_AS=user; apt-get and java are found on PATH.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface TestDep {
  /** the Debian package that brings it */
  pkg: string;
  /** present on this machine */
  present: (env: DepsEnv) => boolean;
}

export interface DepsEnv {
  sysroot: string;
  path: string;
  javaHome?: string;
}

/** Where the tests look: test/reports/html-browser.test.ts and test/tuning/pg15.ts. */
export const CHROMIUM = "/usr/bin/chromium";
export const PG15_POSTGRES = "/usr/lib/postgresql/15/bin/postgres";
export const HYPOPG_CONTROL = "/usr/share/postgresql/15/extension/hypopg.control";

function onPath(command: string, path: string): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

export const TEST_DEPS: TestDep[] = [
  { pkg: "chromium", present: (e) => existsSync(join(e.sysroot, CHROMIUM)) },
  { pkg: "postgresql-15", present: (e) => existsSync(join(e.sysroot, PG15_POSTGRES)) },
  { pkg: "postgresql-15-hypopg", present: (e) => existsSync(join(e.sysroot, HYPOPG_CONTROL)) },
  {
    pkg: "default-jre-headless",
    present: (e) =>
      (e.javaHome !== undefined && existsSync(join(e.javaHome, "bin", "java"))) ||
      onPath("java", e.path),
  },
];

export type Plan =
  | { action: "none" }
  | { action: "install"; packages: string[] }
  | { action: "tell"; packages: string[]; line: string };

/** What to do about the missing packages: nothing, install them, or say how to. */
export function planTestDeps(
  missing: string[],
  { root, aptGet }: { root: boolean; aptGet: boolean },
): Plan {
  if (missing.length === 0) return { action: "none" };
  const list = missing.join(" ");
  if (root && aptGet) return { action: "install", packages: missing };
  const line = aptGet
    ? `npm test needs the Debian packages ${list}; install them with: sudo apt-get update && sudo apt-get install -y ${list}`
    : `npm test needs the Debian packages ${list} and this machine has no apt-get; run the tests in Debian, e.g.: docker run --rm -v "$PWD":/w -v /w/node_modules -w /w node:22-bookworm sh -c 'npm ci && npm test'`;
  return { action: "tell", packages: missing, line };
}

function depsEnv(): DepsEnv {
  return {
    sysroot: process.env.BELLYFED_TEST_DEPS_SYSROOT ?? "/",
    path: process.env.PATH ?? "",
    javaHome: process.env.JAVA_HOME,
  };
}

export function missingTestDeps(env: DepsEnv = depsEnv()): string[] {
  return TEST_DEPS.filter((d) => !d.present(env)).map((d) => d.pkg);
}

function install(packages: string[]): string | undefined {
  process.stderr.write(`npm test: installing ${packages.join(" ")} (apt-get)\n`);
  const apt = (args: string[]) =>
    spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", "-qq", ...args], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  const update = apt(["update"]);
  if (update.status !== 0) return `apt-get update failed (exit ${update.status})`;
  const add = apt(["install", "-y", ...packages]);
  if (add.status !== 0) return `apt-get install failed (exit ${add.status})`;
  return undefined;
}

function main(): number {
  const env = depsEnv();
  const missing = missingTestDeps(env);
  const root = process.env.BELLYFED_TEST_DEPS_AS !== "user" && process.getuid?.() === 0;
  const plan = planTestDeps(missing, { root, aptGet: onPath("apt-get", env.path) });
  if (plan.action === "none") return 0;
  if (plan.action === "tell") {
    process.stderr.write(`${plan.line}\n`);
    return 2;
  }
  const failed = install(plan.packages);
  const still = missingTestDeps(env);
  if (failed || still.length > 0) {
    const list = (still.length > 0 ? still : plan.packages).join(" ");
    process.stderr.write(
      `npm test could not install ${list}${failed ? ` (${failed})` : ""}; run: apt-get update && apt-get install -y ${list}\n`,
    );
    return 2;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main();
}
