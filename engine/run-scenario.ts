import type { Endpoints } from "../stores/types.ts";
import {
  type GeneratorOutcome,
  type GeneratorPlan,
  prepareGenerator,
  runGenerator,
} from "./generator.ts";
import type { LiveStats } from "./live.ts";
import { loadScenario } from "./load-scenario.ts";
import { mergeOutcomes } from "./merge-outcomes.ts";
import { type Bounds, splitIterations, splitModel } from "./models/index.ts";
import type { LoadModel } from "./result.ts";
import type { Scenario } from "./scenario.ts";
import { runOnWorkers } from "./workers.ts";

export interface ScenarioRunOptions {
  model: LoadModel;
  bounds: Bounds;
  /** load-generator threads; 1 runs on this thread */
  workers: number;
  /** connections to each store, in total (split across workers) */
  connections: number;
  data: { scale: string; seed: number };
  endpoints?: Endpoints;
}

export interface ScenarioRun {
  outcome: GeneratorOutcome;
  generators: number;
}

/**
 * Runs one scenario with one or more load generators and merges what they
 * measured. On one generator the scenario runs on this thread (a Scenario
 * object or a module URL); on several, each worker thread imports the module
 * by URL and gets an even share of VUs, rate, iterations and connections.
 */
export async function runScenario(
  source: { url: string; scenario?: Scenario } | { url?: string; scenario: Scenario },
  opts: ScenarioRunOptions,
  live?: (stats: () => LiveStats) => void,
): Promise<ScenarioRun> {
  const count = generatorCount(opts);
  const plans: GeneratorPlan[] = [];
  for (let i = 0; i < count; i++) {
    const bounds: Bounds = {
      ...opts.bounds,
      iterations: splitIterations(opts.bounds.iterations, i, count),
    };
    plans.push({
      model: splitModel(opts.model, i, count),
      bounds,
      phase: i / count,
      workerIndex: i,
      workerCount: count,
      connections: Math.max(1, splitIterations(opts.connections, i, count)),
      data: opts.data,
      endpoints: opts.endpoints,
    });
  }
  if (count === 1) {
    const scenario = source.scenario ?? (await loadScenario(source.url!));
    const prepared = await prepareGenerator(scenario, plans[0]);
    const t0Us = (performance.timeOrigin + performance.now() + 20) * 1000;
    const outcome = await runGenerator(prepared, t0Us, (r) => live?.(() => r.liveStats()));
    return { outcome, generators: 1 };
  }
  if (!source.url) throw new Error("running on worker threads needs the scenario's module URL");
  const outcomes = await runOnWorkers(source.url, plans, live);
  return { outcome: mergeOutcomes(outcomes), generators: count };
}

/** No more generators than there are VUs (closed) or iterations to share. */
export function generatorCount(
  opts: Pick<ScenarioRunOptions, "workers" | "model" | "bounds">,
): number {
  let n = Math.max(1, Math.floor(opts.workers));
  if (opts.model.type === "closed") n = Math.min(n, opts.model.vus);
  if (Number.isFinite(opts.bounds.iterations)) n = Math.min(n, Math.max(1, opts.bounds.iterations));
  return n;
}
