import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  Dataset,
  type PoolValues,
  poolValues,
  type ScaleConfig,
  type TableName,
} from "../generators/core.ts";
import { poolsFor } from "../generators/pool-builder.ts";
import type { FromLane, LaneInit, LaneTask } from "./lane-messages.ts";

const BOOT = new URL("./lane-boot.mjs", import.meta.url);
const CACHE = new URL("../.bellyfed/cache/", import.meta.url);

/**
 * A lane's young generation: its garbage is short-lived row state, so a small
 * one costs no measurable speed and takes ~10 MB less per lane than V8's
 * default (peak RSS at small, 2 lanes, generation only: 212-217 MB against
 * 232-242 MB).
 */
const LANE_YOUNG_GEN_MB = 8;

let entry: Promise<URL> | undefined;

/**
 * The lane's entry. A worker that registers tsx gets its own loader-hooks
 * thread and compiles every module again: about 90 MB per lane. So the lane
 * (lane-worker.ts and the generators it imports) is bundled once with esbuild
 * (tsx's own compiler) into plain JavaScript under .bellyfed/cache/, keyed by
 * a hash of the output, and started without tsx: about 30 MB per lane. Should
 * esbuild be unavailable, the tsx boot file is used.
 */
export function laneEntry(): Promise<URL> {
  entry ??= (async () => {
    try {
      const esbuild = await import("esbuild");
      const out = await esbuild.build({
        entryPoints: [fileURLToPath(new URL("./lane-worker.ts", import.meta.url))],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        write: false,
        external: ["pg", "pg-copy-streams", "pg-native", "pg-cloudflare"],
        logLevel: "silent",
      });
      const text = out.outputFiles[0].text;
      const hash = createHash("sha256").update(text).digest("hex").slice(0, 16);
      const file = new URL(`lane-${hash}.mjs`, CACHE);
      if (!existsSync(file)) {
        mkdirSync(CACHE, { recursive: true });
        const tmp = new URL(`lane-${hash}.${process.pid}.tmp`, CACHE);
        writeFileSync(tmp, text);
        renameSync(tmp, file);
      }
      return file;
    } catch {
      return BOOT;
    }
  })();
  return entry;
}

let shared: { key: string; dataset: Dataset; pools: PoolValues } | undefined;

/**
 * The main thread's Dataset of `config`, its pools and every group index
 * built, kept for the next call with the same config (one at a time). Lanes
 * get its pools and its World's tables (SharedArrayBuffers: one copy in the
 * process however many lanes) instead of building their own.
 */
export function sharedDataset(config: ScaleConfig): { dataset: Dataset; pools: PoolValues } {
  const key = JSON.stringify(config);
  if (shared?.key !== key) {
    shared = undefined; // the previous one can go before the next is built
    const p = poolsFor(config.seed);
    const dataset = new Dataset(config, p);
    dataset.world.share(); // builds every group index here, once
    shared = { key, dataset, pools: poolValues(p) };
  }
  return shared;
}

export interface TaskResult {
  table: TableName;
  rows: number;
  bytes: number;
  ms: number;
}

export interface LaneRunOptions {
  lanes: number;
  init: LaneInit;
  tasks: Omit<LaneTask, "type" | "id">[];
  onProgress?: (table: TableName, rows: number, bytes: number) => void;
  /** a task ran to its end */
  onTaskDone?: (table: TableName, r: TaskResult) => void;
  signal?: AbortSignal;
}

/**
 * Runs tasks (row ranges of tables) on `lanes` worker threads, in order, each
 * lane taking the next task when it finishes one. The first failure (or an
 * abort) terminates every lane, which closes their connections: the server
 * rolls back the COPYs in flight.
 */
export async function runLanes(opts: LaneRunOptions): Promise<TaskResult[]> {
  const queue = opts.tasks.map((t, id) => ({ ...t, type: "task" as const, id }));
  const results: TaskResult[] = [];
  const n = Math.max(1, Math.min(opts.lanes, queue.length));
  const workers: Worker[] = [];
  const url = await laneEntry();
  let init = opts.init;
  if (!(init.pools && init.world) && queue.some((t) => !t.sourceFile)) {
    const { dataset, pools } = sharedDataset(init.config);
    init = { ...init, pools, world: dataset.world.share() };
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let running = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      if (opts.signal) {
        if (opts.signal.aborted) return fail(opts.signal.reason as Error);
        opts.signal.addEventListener("abort", () => fail(opts.signal!.reason as Error), {
          once: true,
        });
      }
      const feed = (w: Worker) => {
        if (failed) return;
        if (next < queue.length) {
          running++;
          w.postMessage(queue[next++]);
        } else if (running === 0) resolve();
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(url, {
          workerData: init,
          stdout: false,
          resourceLimits: { maxYoungGenerationSizeMb: LANE_YOUNG_GEN_MB },
        });
        workers.push(w);
        w.on("message", (m: FromLane) => {
          if (m.type === "ready") feed(w);
          else if (m.type === "progress") opts.onProgress?.(m.table, m.rows, m.bytes);
          else if (m.type === "done") {
            running--;
            const r = { table: m.table, rows: m.rows, bytes: m.bytes, ms: m.ms };
            results.push(r);
            opts.onTaskDone?.(m.table, r);
            feed(w);
            if (next >= queue.length && running === 0) resolve();
          } else if (m.type === "error") {
            const e = new Error(m.message) as Error & { code?: string };
            e.code = m.code;
            fail(e);
          }
        });
        w.on("error", (e) => fail(e));
        w.on("exit", (code) => {
          if (code !== 0) fail(new Error(`a loader lane stopped (exit code ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
  return results;
}
