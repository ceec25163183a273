import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { paths } from "./paths.ts";

/** What `services up` started, so later commands can find and reuse it. */
export interface ServicesState {
  postgres?: { pid: number; port: number; dataDir: string; version: string; startedAt: string };
  dynamodb?: {
    pid: number;
    port: number;
    kind: "jar" | "dynalite";
    dataDir: string;
    version: string;
    startedAt: string;
  };
}

export function readState(): ServicesState {
  try {
    return JSON.parse(readFileSync(paths.state(), "utf8")) as ServicesState;
  } catch {
    return {};
  }
}

export function writeState(state: ServicesState): void {
  const file = paths.state();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * A lock so two commands starting at once (a test run and a bench, say) do not
 * start two servers. A lock older than two minutes is taken to be stale.
 */
export async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = paths.lock();
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000)
          rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock}; remove it if no other bellyfed-bench runs`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
