import { Worker } from "node:worker_threads";
import { DEFAULT_CHUNK_BYTES } from "./copy.ts";
import { Dataset } from "./dataset-core.ts";
import type { TableName } from "./ids.ts";
import { loadPoolValues } from "./pool-loader.ts";
import type { PoolValues } from "./pools.ts";
import type { ScaleConfig } from "./scale.ts";

export interface JobMessage {
  type: "job";
  job: number;
  table: TableName;
  from: number;
  to: number;
  chunkBytes: number;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "chunk"; job: number; buffer: ArrayBuffer; offset: number; length: number }
  | { type: "done"; job: number; rows: number; bytes: number }
  | { type: "error"; job: number; message: string };

export interface PoolOptions {
  /** worker threads (default: 2) */
  workers?: number;
  /** the faker pools as plain lists (default: built by loadPoolValues in a throwaway thread) */
  pools?: PoolValues;
}

export interface StreamOptions {
  /** rows [from, to) (default: the whole table) */
  from?: number;
  to?: number;
  /** target size of each Buffer (default 64 KB) */
  chunkBytes?: number;
  /** rows per job handed to a worker (default: about 2 MB of COPY text) */
  rowsPerJob?: number;
  /** jobs generated ahead of the consumer (bounds memory; default 2 per worker) */
  jobsAhead?: number;
}

interface JobState {
  chunks: Buffer[];
  done: boolean;
  error?: string;
  wake?: () => void;
}

/** Rough COPY bytes per row, to size jobs (measured at small scale, seed 1). */
const BYTES_PER_ROW: Record<TableName, number> = {
  career_levels: 200,
  badges: 160,
  users: 330,
  restaurants: 560,
  dishes: 300,
  dish_rankings: 230,
  user_badges: 170,
  user_activity_points: 200,
  follows: 140,
  reviews: 330,
  comments: 170,
};

const YOUNG_GEN_MB = 8;
const WORKER_URL = new URL("./worker.ts", import.meta.url);
/**
 * A worker's entry must be JavaScript: under Node 20 a `.ts` entry is resolved
 * before `--import tsx` has registered its hooks in the new thread (checked:
 * ERR_UNKNOWN_FILE_EXTENSION). So the thread registers tsx, then imports worker.ts.
 */
const TSX_API = import.meta.resolve("tsx/esm/api");
const BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;

/**
 * Worker threads that generate COPY chunks. Several streams (tables) may run at
 * once; each yields its Buffers in row order, so its output is byte-identical to
 * `ds.table(t).copy(from, to)` in one thread. Jobs go to whichever worker is idle.
 */
export class GeneratorPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { msg: JobMessage; state: JobState }[] = [];
  private readonly running = new Map<number, JobState>();
  private readonly ready: Promise<unknown>;
  private nextJob = 0;
  private closed = false;
  private failure?: Error;
  /** counts come from the parent's own Dataset (built lazily) */
  private local?: Dataset;

  constructor(
    readonly config: ScaleConfig,
    opts: PoolOptions = {},
  ) {
    const n = Math.max(1, opts.workers ?? 2);
    this.ready = (opts.pools ? Promise.resolve(opts.pools) : loadPoolValues(config.seed))
      .then((pools) => this.start(n, pools))
      .then(() => this.pump());
    this.ready.catch((e) => this.fail(e));
  }

  private start(n: number, pools: PoolValues): Promise<unknown> {
    if (this.closed) return Promise.resolve();
    const config = this.config;
    const readies: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(BOOT, {
        eval: true,
        workerData: { config, pools },
        // a small young generation keeps each thread's footprint down (rows are short-lived)
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GEN_MB },
      });
      this.workers.push(w);
      readies.push(
        new Promise((resolve, reject) => {
          const onMsg = (m: WorkerReply) => {
            if (m.type === "ready") {
              w.off("message", onMsg);
              w.on("message", (r: WorkerReply) => this.onReply(w, r));
              this.idle.push(w);
              resolve();
            }
          };
          w.on("message", onMsg);
          w.once("error", reject);
        }),
      );
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (!this.closed && code !== 0)
          this.fail(new Error(`generator worker exited with code ${code}`));
      });
    }
    return Promise.all(readies);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const s of this.running.values()) {
      s.error ??= e.message;
      s.wake?.();
    }
    for (const q of this.queue) {
      q.state.error ??= e.message;
      q.state.wake?.();
    }
  }

  private onReply(w: Worker, r: WorkerReply): void {
    if (r.type === "ready") return;
    const s = this.running.get(r.job);
    if (!s) return;
    if (r.type === "chunk") {
      s.chunks.push(Buffer.from(r.buffer, r.offset, r.length));
    } else {
      if (r.type === "error") s.error = r.message;
      s.done = true;
      this.running.delete(r.job);
      this.idle.push(w);
      this.pump();
    }
    s.wake?.();
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const { msg, state } = this.queue.shift()!;
      this.running.set(msg.job, state);
      w.postMessage(msg);
    }
  }

  private submit(msg: JobMessage): JobState {
    const state: JobState = { chunks: [], done: false };
    this.queue.push({ msg, state });
    this.pump();
    return state;
  }

  /** Resolves once every worker has started (call before timing a stream). */
  started(): Promise<unknown> {
    return this.ready;
  }

  /** Row count of a table for this pool's config. */
  count(table: TableName): number {
    this.local ??= new Dataset(this.config);
    return this.local.count(table);
  }

  /** COPY text of rows [from, to) of `table`, in order, generated by the workers. */
  async *stream(table: TableName, opts: StreamOptions = {}): AsyncGenerator<Buffer> {
    if (this.closed) throw new Error("GeneratorPool is closed");
    await this.ready;
    const from = opts.from ?? 0;
    const to = opts.to ?? this.count(table);
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const perJob =
      opts.rowsPerJob ?? Math.max(256, Math.floor((2 * 1024 * 1024) / BYTES_PER_ROW[table]));
    const ahead = Math.max(1, opts.jobsAhead ?? this.workers.length * 2);
    const pending: JobState[] = [];
    let next = from;
    const fill = () => {
      while (pending.length < ahead && next < to) {
        const end = Math.min(to, next + perJob);
        pending.push(
          this.submit({ type: "job", job: this.nextJob++, table, from: next, to: end, chunkBytes }),
        );
        next = end;
      }
    };
    fill();
    while (pending.length > 0) {
      const s = pending[0];
      while (s.chunks.length > 0 || !s.done) {
        if (s.error) throw new Error(`generating ${table}: ${s.error}`);
        if (s.chunks.length === 0) {
          await new Promise<void>((resolve) => {
            s.wake = resolve;
          });
          s.wake = undefined;
          continue;
        }
        yield s.chunks.shift()!;
      }
      if (s.error) throw new Error(`generating ${table}: ${s.error}`);
      pending.shift();
      fill();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
