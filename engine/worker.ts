import { parentPort, workerData } from "node:worker_threads";
import { type GeneratorPlan, prepareGenerator, runGenerator, snapshotOf } from "./generator.ts";
import { loadScenario } from "./load-scenario.ts";
import type { StopFlag } from "./models/index.ts";
import type { Recorder } from "./recorder.ts";
import type { FromWorker, ToWorker } from "./worker-messages.ts";

/**
 * A load-generator worker thread: imports the scenario module, opens its own
 * stores (through the plan's store factory), runs setup, says "ready", starts
 * at the parent's t0, posts a progress message every second (with its
 * cumulative histograms when thresholds may abort the run) and its outcome at
 * the end. A "cancel" message stops it early, as the bounds would.
 */
const port = parentPort!;
const { scenarioUrl, plan, snapshots } = workerData as {
  scenarioUrl: string;
  plan: GeneratorPlan;
  snapshots: boolean;
};
const post = (m: FromWorker) => port.postMessage(m);
const stop: StopFlag = { stopped: false };

async function main(): Promise<void> {
  const scenario = await loadScenario(scenarioUrl);
  const prepared = await prepareGenerator(scenario, plan);
  const go = new Promise<ToWorker>((resolve) => {
    port.on("message", (m: ToWorker) => {
      if (m.type === "cancel") stop.stopped = true;
      resolve(m);
    });
  });
  post({ type: "ready" });
  const msg = await go;
  if (msg.type !== "go") return;
  let recorder: Recorder | undefined;
  const timer = setInterval(() => {
    if (!recorder) return;
    const m: FromWorker = { type: "progress", ...recorder.liveStats() };
    if (snapshots) m.snapshot = snapshotOf(recorder);
    post(m);
  }, 1000);
  try {
    const outcome = await runGenerator(prepared, msg.t0Us, stop, (r) => {
      recorder = r;
    });
    post({ type: "done", outcome });
  } finally {
    clearInterval(timer);
  }
}

main().then(
  () => port.close(),
  (e: unknown) => {
    const err = e as { message?: string; exitCode?: number };
    post({ type: "error", message: String(err?.message ?? e), exitCode: err?.exitCode });
    port.close();
  },
);
