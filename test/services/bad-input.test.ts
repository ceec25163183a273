import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readState } from "../../stores/embedded/state.ts";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("services: bad input gets one line and exit code 2", () => {
  const homes: string[] = [];
  const freshHome = () => {
    const h = mkdtempSync(join(tmpdir(), "bellyfed-bad-"));
    homes.push(h);
    return h;
  };
  afterAll(async () => {
    for (const h of homes) {
      await runCli(["services", "down"], { ...CLEAN_STORE_ENV, BELLYFED_HOME: h });
      rmSync(h, { recursive: true, force: true });
    }
  });

  it("unknown subcommand and unknown flag", async () => {
    const sub = await runCli(["services", "upp"]);
    expect(sub.code).toBe(2);
    expectOneLine(sub.stderr);
    expect(sub.stderr).toMatch(/expected one of up, down, status, env/);
    const flag = await runCli(["services", "up", "--colour"]);
    expect(flag.code).toBe(2);
    expectOneLine(flag.stderr);
    expect(flag.stderr).toMatch(/--colour/);
    const cmd = await runCli(["servces"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command 'servces'/);
  });

  it("a taken port", async () => {
    const shared = readState().postgres?.port;
    expect(shared).toBeGreaterThan(0);
    const r = await runCli(["services", "up", "--pg-port", String(shared)], {
      ...CLEAN_STORE_ENV,
      BELLYFED_HOME: freshHome(),
    });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(new RegExp(`port ${shared} is taken; pass --pg-port`));
  });

  it("an unreachable DATABASE_URL, without printing its password", async () => {
    const r = await runCli(["services", "status"], {
      ...CLEAN_STORE_ENV,
      DATABASE_URL: "postgres://bench:s3cret-pw@127.0.0.1:1/nowhere",
    });
    expect(r.stdout).toMatch(/postgres\s+stopped\s+env/);
    expect(r.stdout + r.stderr).not.toMatch(/s3cret-pw/);
    const env = await runCli(["services", "env"], {
      ...CLEAN_STORE_ENV,
      DATABASE_URL: "postgres://bench:s3cret-pw@127.0.0.1:1/nowhere",
    });
    expect(env.code).toBe(2);
    expectOneLine(env.stderr);
    expect(env.stderr).toMatch(/cannot reach PostgreSQL bench@127\.0\.0\.1:1\/nowhere/);
    expect(env.stderr).not.toMatch(/s3cret-pw/);
  });

  it("a malformed DATABASE_URL", async () => {
    const r = await runCli(["services", "env"], { ...CLEAN_STORE_ENV, DATABASE_URL: "not a url" });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/DATABASE_URL is not a valid URL/);
  });

  it("an unwritable data folder", async () => {
    const r = await runCli(["services", "up"], {
      ...CLEAN_STORE_ENV,
      BELLYFED_HOME: "/etc/hostname/bellyfed",
    });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(
      /data folder \/etc\/hostname\/bellyfed is not writable.*BELLYFED_HOME/,
    );
  });

  it("no Java: falls back to dynalite and says transactions are unavailable", async () => {
    const shared = readState().postgres?.port;
    const r = await runCli(["services", "up"], {
      ...CLEAN_STORE_ENV,
      BELLYFED_HOME: freshHome(),
      // PostgreSQL from the environment (the shared embedded one), so only DynamoDB starts here
      DATABASE_URL: `postgres://postgres@127.0.0.1:${shared}/bellyfed`,
      PATH: "/nonexistent",
      JAVA_HOME: "",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no Java runtime found: using dynalite .*transactions unavailable/);
    expect(r.stdout).toMatch(/dynamodb: dynalite/);
  });
});

describe("services: a data folder the postgres user cannot enter", () => {
  it("is refused in one line when running as root (postgres then runs as the postgres user)", async () => {
    const { mkdtempSync: mk, rmSync: rm } = await import("node:fs");
    const home = mk(join(tmpdir(), "bellyfed-private-")); // mode 0700
    try {
      const r = await runCli(["services", "up"], {
        ...CLEAN_STORE_ENV,
        BELLYFED_HOME: home,
        BELLYFED_DYNAMODB: "dynalite",
      });
      if (process.getuid?.() === 0) {
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/the postgres user cannot reach .*bellyfed-private-/);
      } else {
        // not root: postgres runs as this user, who owns the folder
        expect(r.code, r.stderr).toBe(0);
      }
    } finally {
      await runCli(["services", "down"], { ...CLEAN_STORE_ENV, BELLYFED_HOME: home });
      rm(home, { recursive: true, force: true });
    }
  });
});
