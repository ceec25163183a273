import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PgTarget } from "../../stores/types.ts";

/**
 * Debian's PostgreSQL 15 (package postgresql-15, installed by `npm test`'s
 * pretest), started in a temporary folder on a free loopback port, as the
 * postgres user when the tests run as root: for what the embedded PostgreSQL
 * 18.4 has not (hypopg) or has otherwise (wal_level=replica, for the sync's
 * outbox fallback).
 */
export const PG15_BIN = "/usr/lib/postgresql/15/bin";
export const PG15_INSTALL = "apt-get install -y postgresql-15";

export interface Pg15Options {
  /** files that must exist (an extension's control file) and the command installing them */
  requires?: { file: string; install: string }[];
  /** server settings (-c name=value) */
  settings?: Record<string, string>;
}

export interface Pg15 {
  target: PgTarget;
  /** a fast shutdown and a start on the same data and port (connections are cut) */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ids(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid, gid };
}

export async function startPg15(opts: Pg15Options = {}): Promise<Pg15> {
  if (!existsSync(`${PG15_BIN}/postgres`))
    throw new Error(`PostgreSQL 15 is not installed; run: ${PG15_INSTALL}`);
  for (const r of opts.requires ?? [])
    if (!existsSync(r.file)) throw new Error(`${r.file} is missing; run: ${r.install}`);
  const who = ids();
  const dir = mkdtempSync(join(tmpdir(), "bb-pg15-"));
  if (who) chownSync(dir, who.uid, who.gid);
  const data = join(dir, "data");
  const init = spawnSync(
    `${PG15_BIN}/initdb`,
    ["-D", data, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C"],
    { ...who, encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  // settings go to postgresql.conf (not -c), so ALTER SYSTEM and a restart can change them
  const conf = Object.entries(opts.settings ?? {}).map(([k, v]) => `${k} = '${v}'\n`);
  appendFileSync(join(data, "postgresql.conf"), conf.join(""));
  const port = await freePort();
  const launch = () =>
    spawn(
      `${PG15_BIN}/postgres`,
      [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
      ],
      { ...who, stdio: "ignore" },
    );
  let child = launch();
  const target: PgTarget = {
    source: "env",
    host: "127.0.0.1",
    port,
    user: "postgres",
    database: "postgres",
    description: `Debian PostgreSQL 15 at 127.0.0.1:${port}`,
  };
  const ready = async () => {
    for (let i = 0; i < 100; i++) {
      const c = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
      c.on("error", () => {});
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error("PostgreSQL 15 did not start");
  };
  const shutdown = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
  };
  await ready();
  return {
    target,
    async restart() {
      await shutdown();
      child = launch();
      await ready();
    },
    async stop() {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
