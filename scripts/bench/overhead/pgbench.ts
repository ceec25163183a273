import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { redact, UsageError } from "../../../core/errors.ts";
import type { PgTarget } from "../../../stores/types.ts";

/** pgbench: the given binary, else Debian's (package postgresql-15, not the client package) or one on PATH. */
export function findPgbench(given?: string): string | null {
  if (given) {
    if (!existsSync(given))
      throw new UsageError(`--pgbench ${given} does not exist; give the path of a pgbench binary`);
    return given;
  }
  for (const p of [
    "/usr/lib/postgresql/15/bin/pgbench",
    "/usr/bin/pgbench",
    "/usr/local/bin/pgbench",
  ])
    if (existsSync(p)) return p;
  return null;
}

export function pgbenchConn(t: PgTarget): string[] {
  return ["-h", t.host, "-p", String(t.port), "-U", t.user, t.database];
}

/** Runs a command to its end; resolves with its stdout and stderr, rejects with its last error line. */
export function exec(
  cmd: string,
  args: string[],
  target: PgTarget,
  onSpawn?: (pid: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (target.password) env.PGPASSWORD = target.password;
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    child.on("close", (code) => {
      if (code === 0) resolve(out + err);
      else
        reject(new Error(`${cmd} exited ${code}: ${redact(err.trim().split("\n").pop() ?? "")}`));
    });
  });
}

/** "number of transactions actually processed: N" from pgbench's report. */
export function pgbenchProcessed(text: string): number {
  const m = /number of transactions actually processed: (\d+)/.exec(text);
  if (!m) throw new Error(`could not read pgbench's transaction count: ${text.slice(-300)}`);
  return Number(m[1]);
}
