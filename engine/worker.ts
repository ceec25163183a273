import { parentPort, workerData } from "node:worker_threads";
import { type GeneratorPlan, prepareGenerator, runGenerator } from "./generator.ts";
import { loadScenario } from "./load-scenario.ts";
import type { Recorder } from "./recorder.ts";
import type { FromWorker, ToWorker } from "./worker-messages.ts";

/**
 * A load-generator worker thread: imports the scenario module, opens its own
 * connections, runs setup, says "ready", starts at the parent's t0, posts a
 * progress message every second and its outcome at the end.
 */
const port = parentPort!;
const { scenarioUrl, plan } = workerData as { scenarioUrl: string; plan: GeneratorPlan };
const post = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  const scenario = await loadScenario(scenarioUrl);
  const prepared = await prepareGenerator(scenario, plan);
  const go = new Promise<ToWorker>((resolve) => port.once("message", resolve));
  post({ type: "ready" });
  const msg = await go;
  if (msg.type !== "go") return;
  let recorder: Recorder | undefined;
  const timer = setInterval(() => {
    if (recorder) post({ type: "progress", ...recorder.liveStats() });
  }, 1000);
  try {
    const outcome = await runGenerator(prepared, msg.t0Us, (r) => {
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
