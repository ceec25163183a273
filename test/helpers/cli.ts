import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/bellyfed-bench.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], env, timeoutMs);
}

/**
 * Runs a command in a child process and gives its exit code and output
 * without blocking (unlike spawnSync, several can run at once).
 */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
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
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * Runs a benchmark script (`scripts/bench/NAME.ts`) with `--out` to a fresh
 * file: its exit code, its stderr's lines (npm's warnings aside), its stdout,
 * and whether it wrote the file (bad-input tests: one line, exit 2, nothing written).
 */
export async function runBench(name: string, args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), `bench-${name}-`)), "out.json");
  const r = await runProcess("npx", ["tsx", `scripts/bench/${name}.ts`, ...args, "--out", out]);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
  return { status: r.code, lines, stdout: r.stdout, wrote: existsSync(out) };
}

/** Environment with every store variable removed, so the embedded services are used. */
export const CLEAN_STORE_ENV: Record<string, undefined> = {
  DATABASE_URL: undefined,
  PGHOST: undefined,
  PGPORT: undefined,
  PGUSER: undefined,
  PGDATABASE: undefined,
  PGPASSWORD: undefined,
  AWS_ENDPOINT_URL_DYNAMODB: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_REGION: undefined,
  BELLYFED_DYNAMODB: undefined,
};
