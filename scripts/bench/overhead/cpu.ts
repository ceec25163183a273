import { readdirSync, readFileSync } from "node:fs";

/**
 * Client CPU, for CPU per operation in bench:overhead. On Linux only (elsewhere
 * null, and the figures are omitted): this process's own CPU (all its threads,
 * user + system) from getrusage through `process.cpuUsage()`, to the
 * microsecond; its reaped children's (pgbench's) from `/proc/self/stat`
 * (cutime + cstime), in clock ticks of 10 ms.
 */
export interface CpuSample {
  selfUs: number;
  childrenUs: number;
}

/** USER_HZ: what /proc counts its times in (100 on every Linux architecture Node runs on). */
const TICK_US = 10_000;

export function cpuSample(): CpuSample | null {
  if (process.platform !== "linux") return null;
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return null;
  }
  const u = process.cpuUsage();
  return { selfUs: u.user + u.system, childrenUs: childrenTicks(stat) * TICK_US };
}

/** cutime + cstime (fields 16 and 17) of a /proc/<pid>/stat line, in ticks. */
export function childrenTicks(stat: string): number {
  // the command name (field 2) is in parentheses and may hold spaces: count from its end
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so field n is rest[n - 3]
  return Number(rest[13]) + Number(rest[14]);
}

/**
 * CPU time of a running process, all its threads, in nanoseconds: the first
 * field of each /proc/<pid>/task/<tid>/schedstat (time on a CPU). Null when
 * unreadable (not Linux, process gone).
 */
export function processCpuNs(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    return ns;
  } catch {
    return null;
  }
}

/** CPU microseconds per operation between two samples, or null when unknown. */
export function cpuPerOp(
  before: CpuSample | null,
  after: CpuSample | null,
  who: "self" | "children",
  ops: number,
): number | null {
  if (!before || !after || ops <= 0) return null;
  const us = who === "self" ? after.selfUs - before.selfUs : after.childrenUs - before.childrenUs;
  return us / ops;
}
