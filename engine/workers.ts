import { Worker } from "node:worker_threads";
import type { GeneratorOutcome, GeneratorPlan } from "./generator.ts";
import type { LiveStats } from "./live.ts";
import type { FromWorker, ToWorker } from "./worker-messages.ts";

const BOOT = new URL("./worker-boot.mjs", import.meta.url);

/**
 * Runs one scenario on several worker threads, one plan each: every worker
 * prepares (connections, setup), then all start at the same epoch time t0
 * (100 ms after the last one is ready). Returns the outcomes in plan order.
 * A worker's failure terminates the others and rejects.
 */
export async function runOnWorkers(
  scenarioUrl: string,
  plans: GeneratorPlan[],
  live?: (stats: () => LiveStats) => void,
): Promise<GeneratorOutcome[]> {
  const workers = plans.map(
    (plan) => new Worker(BOOT, { workerData: { scenarioUrl, plan }, stdout: false }),
  );
  const latest: LiveStats[] = plans.map(() => ({
    ok: 0,
    errors: 0,
    dropped: 0,
    p99Ms: 0,
    warmupOk: 0,
    warmupErrors: 0,
  }));
  const startLive = () =>
    live?.(() => ({
      ok: latest.reduce((s, l) => s + l.ok, 0),
      errors: latest.reduce((s, l) => s + l.errors, 0),
      dropped: latest.reduce((s, l) => s + l.dropped, 0),
      // an approximation for the live line only: the worst worker's recent p99
      p99Ms: Math.max(...latest.map((l) => l.p99Ms)),
      warmupOk: latest.reduce((s, l) => s + l.warmupOk, 0),
      warmupErrors: latest.reduce((s, l) => s + l.warmupErrors, 0),
    }));
  let readyCount = 0;
  try {
    return await new Promise<GeneratorOutcome[]>((resolve, reject) => {
      const outcomes: GeneratorOutcome[] = new Array(plans.length);
      let doneCount = 0;
      workers.forEach((w, i) => {
        w.on("message", (m: FromWorker) => {
          if (m.type === "ready") {
            if (++readyCount === workers.length) {
              const t0Us = (performance.timeOrigin + performance.now() + 100) * 1000;
              for (const x of workers) x.postMessage({ type: "go", t0Us } satisfies ToWorker);
              startLive();
            }
          } else if (m.type === "progress") {
            const { type: _, ...stats } = m;
            latest[i] = stats;
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
