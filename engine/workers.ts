import { Worker } from "node:worker_threads";
import type { GeneratorOutcome, GeneratorPlan, GeneratorSnapshot } from "./generator.ts";
import type { LiveStats } from "./live.ts";
import type { FromWorker, ToWorker } from "./worker-messages.ts";

const BOOT = new URL("./worker-boot.mjs", import.meta.url);

export interface WorkersOptions {
  live?: (stats: () => LiveStats) => void;
  /** workers send their cumulative histograms every second (for abortOnFail thresholds) */
  snapshots?: boolean;
  /** awaited once every worker is ready, before the start time is chosen */
  beforeStart?: () => Promise<void>;
  /** the common start time, and a function that cancels every worker */
  onStart?: (t0Us: number, cancel: () => void) => void;
  /** every worker's latest snapshot, once all have sent one and on each new round */
  onSnapshots?: (snapshots: GeneratorSnapshot[]) => void;
}

/**
 * Runs one scenario on several worker threads, one plan each: every worker
 * prepares (connections, setup), then all start at the same epoch time t0
 * (100 ms after the last one is ready, and after `beforeStart`). Returns the outcomes in plan order.
 * A worker's failure terminates the others and rejects; cancel() stops them
 * all early (each still sends its outcome).
 */
export async function runOnWorkers(
  scenarioUrl: string,
  plans: GeneratorPlan[],
  opts: WorkersOptions = {},
): Promise<GeneratorOutcome[]> {
  const workers = plans.map(
    (plan) =>
      new Worker(BOOT, {
        workerData: { scenarioUrl, plan, snapshots: opts.snapshots === true },
        stdout: false,
      }),
  );
  const latest: LiveStats[] = plans.map(() => ({
    ok: 0,
    errors: 0,
    dropped: 0,
    p99Ms: 0,
    warmupOk: 0,
    warmupErrors: 0,
  }));
  const snapshots: Array<GeneratorSnapshot | undefined> = plans.map(() => undefined);
  const startLive = () =>
    opts.live?.(() => ({
      ok: latest.reduce((s, l) => s + l.ok, 0),
      errors: latest.reduce((s, l) => s + l.errors, 0),
      dropped: latest.reduce((s, l) => s + l.dropped, 0),
      // an approximation for the live line only: the worst worker's recent p99
      p99Ms: Math.max(...latest.map((l) => l.p99Ms)),
      warmupOk: latest.reduce((s, l) => s + l.warmupOk, 0),
      warmupErrors: latest.reduce((s, l) => s + l.warmupErrors, 0),
    }));
  const cancel = () => {
    for (const w of workers) w.postMessage({ type: "cancel" } satisfies ToWorker);
  };
  let readyCount = 0;
  try {
    return await new Promise<GeneratorOutcome[]>((resolve, reject) => {
      const outcomes: GeneratorOutcome[] = new Array(plans.length);
      let doneCount = 0;
      workers.forEach((w, i) => {
        w.on("message", (m: FromWorker) => {
          if (m.type === "ready") {
            if (++readyCount === workers.length) {
              const go = () => {
                const t0Us = (performance.timeOrigin + performance.now() + 100) * 1000;
                for (const x of workers) x.postMessage({ type: "go", t0Us } satisfies ToWorker);
                startLive();
                opts.onStart?.(t0Us, cancel);
              };
              if (opts.beforeStart) opts.beforeStart().then(go, reject);
              else go();
            }
          } else if (m.type === "progress") {
            const { type: _, snapshot, ...stats } = m;
            latest[i] = stats;
            if (snapshot) {
              snapshots[i] = snapshot;
              // evaluate once per round: when the last worker of the round reports
              if (i === workers.length - 1 && snapshots.every((s) => s !== undefined))
                opts.onSnapshots?.(snapshots as GeneratorSnapshot[]);
            }
          } else if (m.type === "done") {
            outcomes[i] = m.outcome;
            if (++doneCount === workers.length) resolve(outcomes);
          } else if (m.type === "error") {
            const err = new Error(m.message) as Error & { exitCode?: number };
            if (m.exitCode !== undefined) err.exitCode = m.exitCode;
            reject(err);
          }
        });
        w.on("error", reject);
        w.on("exit", (code) => {
          if (outcomes[i] === undefined)
            reject(new Error(`load-generator worker ${i} exited (code ${code}) before finishing`));
        });
      });
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
