import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Queryable } from "../stores/markers.ts";
import type { PgTarget } from "../stores/types.ts";

/**
 * PostgreSQL's CPU time from /proc, when the server runs on this machine:
 * user + system time of the postmaster and every process it started
 * (backends, WAL writer, checkpointer, autovacuum, ...). Processes that exit
 * between two readings are kept: the postmaster's cutime/cstime take them in
 * once it has reaped them, so the total only grows.
 */

export interface LocalServer {
  postmasterPid: number;
}

/** Where the server's CPU can be read from /proc: the postmaster's pid, or why not (one line). */
export type LocalCheck = { ok: true; server: LocalServer } | { ok: false; why: string };

/** A loopback address, or a Unix socket's directory: the server is on this machine. */
const onThisMachine = (host: string) =>
  ["localhost", "::1", "[::1]"].includes(host) || host.startsWith("127.") || host.startsWith("/");

/** Fields of /proc/PID/stat after the command name, from field 3 (state) on. */
function statFields(pid: number | string): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
};

/**
 * Finds the postmaster of the server `q` is connected to: the parent of its
 * backend, when the server is on a loopback address, /proc shows that
 * backend as a postgres process, and (where the role may read it) the
 * postmaster's working directory is the server's data directory (a server in
 * a container has pids of its own namespace: they do not match).
 */
export async function findLocalServer(q: Queryable, target: PgTarget): Promise<LocalCheck> {
  if (!onThisMachine(target.host))
    return { ok: false, why: `PostgreSQL at ${target.host} is not on this machine` };
  const r = await q.query("SELECT pg_backend_pid() AS pid");
  const backend = Number(r.rows[0].pid);
  const fields = statFields(backend);
  if (fields === null || comm(backend) !== "postgres")
    return {
      ok: false,
      why: `backend ${backend} is not a postgres process in this machine's /proc`,
    };
  const postmaster = Number(fields[1]);
  if (comm(postmaster) !== "postgres")
    return { ok: false, why: `the parent of backend ${backend} is not a postgres process` };
  const dir = await q
    .query("SELECT current_setting('data_directory') AS d")
    .then((x) => String(x.rows[0].d))
    .catch(() => null);
  if (dir !== null) {
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(`/proc/${postmaster}/cwd`);
    } catch {
      // another user's process: the pid checks above stand
    }
    if (cwd !== null && cwd !== dir)
      return { ok: false, why: `process ${postmaster} runs in ${cwd}, not in ${dir}` };
  }
  return { ok: true, server: { postmasterPid: postmaster } };
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc's CPU times (getconf CLK_TCK; 100 when it cannot be asked). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time used so far by the server, ms: the postmaster's own and its reaped
 * children's, plus every live child's. Differences of two readings are the
 * server's CPU between them.
 */
export function serverCpuMs(server: LocalServer): number {
  const pm = server.postmasterPid;
  const own = statFields(pm);
  if (own === null) throw new Error(`PostgreSQL's postmaster (pid ${pm}) is gone`);
  // utime, stime, cutime, cstime: fields 14-17, indices 11-14 from field 3
  const sum = (f: string[]) => Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  let ticks = sum(own);
  const parent = String(pm);
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const f = statFields(name);
    if (f !== null && f[1] === parent) ticks += sum(f);
  }
  return (ticks * 1000) / clockTicks();
}
