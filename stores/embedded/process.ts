import { type SpawnOptions, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";

/** True while a process with this pid exists. */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Starts a server that outlives this process: detached, output to a log file.
 * Rejects (instead of crashing the process) when the spawn itself fails, e.g.
 * when the binary cannot be executed by the user it runs as.
 */
export function spawnDetached(
  command: string,
  args: string[],
  logFile: string,
  options: Pick<SpawnOptions, "uid" | "gid" | "env" | "cwd"> = {},
): Promise<number> {
  const fd = openSync(logFile, "a");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", fd, fd] });
    child.once("error", (e) => {
      closeSync(fd);
      reject(e);
    });
    child.once("spawn", () => {
      closeSync(fd);
      child.unref();
      resolve(child.pid ?? 0);
    });
  });
}

/**
 * Polls `check` until it is true, the process dies, `failed` says it failed
 * (e.g. its log says the bind failed while the process lives on), or the time
 * runs out.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  {
    pid,
    timeoutMs,
    intervalMs = 100,
    failed,
  }: { pid?: number; timeoutMs: number; intervalMs?: number; failed?: () => boolean },
): Promise<"ready" | "died" | "failed" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return "ready";
    if (pid !== undefined && !isAlive(pid)) return "died";
    if (failed?.()) return "failed";
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return "timeout";
}

/** Sends a signal and waits for the process to exit (SIGKILL after the grace period). */
export async function stopProcess(
  pid: number,
  signal: NodeJS.Signals,
  graceMs = 15_000,
): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const outcome = await waitUntil(async () => !isAlive(pid), { timeoutMs: graceMs });
  if (outcome !== "ready" && isAlive(pid)) process.kill(pid, "SIGKILL");
}

/** The size of a log file now (0 when missing): where this start's lines will begin. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What a log file gained since `offset` (a server's output since it was started). */
export function logSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString("utf8");
  } catch {
    return "";
  }
}

/** The last lines of a log file (since `offset`), for error messages. */
export function logTail(file: string, lines = 5, offset = 0): string[] {
  return logSince(file, offset).trimEnd().split("\n").slice(-lines);
}
