import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * CPU affinity for a benchmark's processes (Linux, `taskset` from
 * util-linux): bench:freshness --pin puts PostgreSQL on a core of its own and
 * the projector and DynamoDB Local on the others, as if PostgreSQL ran on a
 * machine of its own (as Aurora does), so the question "is the recompute the
 * bottleneck?" is not answered by three servers taking turns on two cores.
 */

/** Why pinning cannot work here (one line), or null. */
export function cannotPin(): string | null {
  if (process.platform !== "linux") return `it needs Linux (this is ${process.platform})`;
  if (availableParallelism() < 2)
    return `it needs at least 2 cores (this machine has ${availableParallelism()})`;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
  } catch {
    return "it needs taskset (util-linux: apt-get install util-linux)";
  }
  return null;
}

/** The pid and every live child of it (a postmaster's backends and workers). */
export function withChildren(pid: number): number[] {
  const out = [pid];
  const parent = String(pid);
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, "utf8");
      if (s.slice(s.lastIndexOf(")") + 2).split(" ")[1] === parent) out.push(Number(name));
    } catch {
      // gone since the listing
    }
  }
  return out;
}

/** Sets the CPUs (a taskset list, e.g. "1" or "0-1") of every thread of these processes. */
export function pin(pids: readonly number[], cpus: string): void {
  for (const pid of pids)
    try {
      execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
    } catch {
      // a backend that exited meanwhile
    }
}

/** The last core for one side, the others for the rest, and every core. */
export function coreSplit(): { alone: string; rest: string; all: string } {
  const n = availableParallelism();
  return {
    alone: String(n - 1),
    rest: n === 2 ? "0" : `0-${n - 2}`,
    all: `0-${n - 1}`,
  };
}
