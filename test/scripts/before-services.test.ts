import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CLEAN_STORE_ENV, type CliResult, runCli } from "../helpers/cli.ts";

/**
 * Issue 12, items 3, 4, 7 and 10: bad input and flags that would do nothing
 * are refused in one line with exit code 2 before any service starts. Each
 * case runs with the embedded services down, in a BELLYFED_HOME of its own
 * (a folder the postgres user can enter, so a start would succeed): after it,
 * that home holds no service state.
 */

const root = mkdtempSync(join(tmpdir(), "bb-before-services-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const K6 = fileURLToPath(new URL("../../scripts/k6-params.ts", import.meta.url));

function runK6(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", K6, ...args], {
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

let n = 0;
async function refused(
  args: string[],
  message: RegExp,
  extraEnv: Record<string, string> = {},
  k6 = false,
): Promise<void> {
  const home = join(root, `home${n++}`);
  const env = { ...CLEAN_STORE_ENV, BELLYFED_HOME: home, ...extraEnv };
  const r = k6 ? await runK6(args, env) : await runCli(args, env);
  const what = `${Object.keys(extraEnv).join(" ")} ${args.join(" ")}`;
  expect(r.stderr, what).toMatch(message);
  expect(r.code, what).toBe(2);
  expect(r.stderr.trim().split("\n"), what).toHaveLength(1);
  expect(r.stderr, what).not.toMatch(/started|already running|\n\s+at /);
  // nothing started: no state, no data folder
  expect(existsSync(home) ? readdirSync(home) : [], what).toEqual([]);
}

describe.concurrent("validated before any service starts (services down)", () => {
  it("run: a seed out of range, an unknown index set, BELLYFED_PG_CLIENT", async () => {
    await refused(
      ["run", "best-dishes", "--seed", "99999999999"],
      /--seed 99999999999 is out of range/,
    );
    await refused(["run", "best-dishes", "--index-set", "nope"], /unknown index set 'nope'/);
    await refused(["run", "best-dishes"], /BELLYFED_PG_CLIENT="foo" is not a client/, {
      BELLYFED_PG_CLIENT: "foo",
    });
  }, 120_000);

  it("tune: a DynamoDB-only scenario, seed, scale, BELLYFED_PG_CLIENT, --proposed set missing", async () => {
    await refused(["tune", "--scenario", "trending"], /--scenario trending reads only DynamoDB/);
    await refused(["tune", "--seed", "99999999999"], /--seed 99999999999 is out of range/);
    await refused(["tune", "--scale", "huge"], /--scale 'huge' is unknown/);
    await refused(["tune"], /BELLYFED_PG_CLIENT="foo"/, { BELLYFED_PG_CLIENT: "foo" });
    await refused(
      ["tune", "--ab", "--proposed", "not-there"],
      /schema\/index-sets\/not-there.sql does not exist; .*bellyfed-bench tune --save-set --proposed not-there/,
    );
  }, 120_000);

  it("schema: a bad --table-prefix, reset with no terminal to ask at; no subcommand is bad input, as for services", async () => {
    await refused(
      ["schema", "reset", "--table-prefix", "a b"],
      /--table-prefix 'a b' may hold only/,
    );
    await refused(["schema", "reset"], /no terminal to ask at; pass --yes to confirm/);
    await refused(
      ["schema"],
      /schema: expected one of apply, status, reset; see 'bellyfed-bench schema --help'/,
    );
    await refused(["services"], /services: expected one of up, down, status, env/);
  }, 120_000);

  it("k6:params: --help works; bad flags and input are one line", async () => {
    const help = await runK6(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run k6:params -- /);
    for (const flag of ["--scale", "--seed", "--out-dir"]) expect(help.stdout).toContain(flag);
    await refused(
      ["--bogus"],
      /unknown option '--bogus' \(see 'npm run k6:params -- --help'\)/,
      {},
      true,
    );
    await refused(["--scale", "huge"], /--scale 'huge' is unknown/, {}, true);
    await refused(
      ["--seed", "99999999999"],
      /--seed '99999999999' is not a whole number from 0/,
      {},
      true,
    );
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    await refused(["--out-dir", file], /--out-dir .*a-file is a file, not a folder/, {}, true);
    await refused([], /BELLYFED_PG_CLIENT="foo"/, { BELLYFED_PG_CLIENT: "foo" }, true);
  }, 120_000);
});

describe.concurrent("flags that would do nothing in their context are refused (services down)", () => {
  it("schema apply: provisioned billing needs both --rcu and --wcu; no hidden 5/5 default", async () => {
    await refused(
      ["schema", "apply", "--billing", "provisioned"],
      /--billing provisioned needs --rcu N and --wcu N .*no default/,
    );
    await refused(
      ["schema", "apply", "--billing", "provisioned", "--rcu", "100"],
      /--billing provisioned needs --wcu N/,
    );
    await refused(["schema", "apply", "--wcu", "5"], /--rcu and --wcu apply to provisioned tables/);
    await refused(
      ["schema", "apply", "--only", "pg", "--billing", "provisioned", "--rcu", "1", "--wcu", "1"],
      /--billing applies to DynamoDB, which --only pg leaves out/,
    );
    await refused(
      ["schema", "apply", "--only", "dynamo", "--index-set", "seed"],
      /--index-set applies to PostgreSQL, which --only dynamo leaves out/,
    );
    await refused(
      ["schema", "status", "--only", "pg", "--table-prefix", "x"],
      /--table-prefix applies to DynamoDB/,
    );
  }, 120_000);

  it("load, gate, services, tune", async () => {
    await refused(
      ["load", "--only", "dynamo", "--index-set", "seed"],
      /--index-set applies to the PostgreSQL load/,
    );
    await refused(
      ["load", "--only", "dynamo", "--lanes", "4"],
      /--lanes applies to the PostgreSQL load/,
    );
    await refused(
      ["gate", "x.json", "--tolerance", "5%"],
      /--tolerance applies to the comparison with a baseline/,
    );
    await refused(
      ["gate", "x.json", "--seed", "3"],
      /--seed applies to the comparison with a baseline/,
    );
    await refused(
      ["services", "status", "--pg-port", "5555"],
      /--pg-port applies to 'services up' only/,
    );
    await refused(
      ["services", "env", "--docker"],
      /--docker applies to 'services up' and 'services down' only/,
    );
    await refused(
      ["tune", "--duration", "5s"],
      /--duration is the A\/B's duration per pattern; add --ab/,
    );
    await refused(
      ["tune", "--proposed", "tuned"],
      /--proposed names the saved set --ab measures or --save-set writes/,
    );
    await refused(
      ["tune", "--no-dynamo", "--traffic", "5"],
      /--traffic sizes the DynamoDB key analysis/,
    );
    await refused(
      ["tune", "--no-dynamo", "--scenario", "profile", "--scenario", "trending"],
      /--scenario trending reads only DynamoDB, which --no-dynamo skips/,
    );
  }, 120_000);
});
