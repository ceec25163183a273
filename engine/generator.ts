import { nowUs } from "../core/clock.ts";
import { encodeHistogram } from "../core/histogram.ts";
import type { CapacityUsage, LoadModel, PoolFigures } from "../core/result.ts";
import { createRng } from "../core/rng.ts";
import { closeStores, loadStoreFactory, type Stores } from "../stores/factory.ts";
import type { Endpoints } from "../stores/types.ts";
import { ClientMonitor } from "./client-monitor.ts";
import { type Bounds, runModel, type StopFlag } from "./models/index.ts";
import { type Outcome, Recorder } from "./recorder.ts";
import type { Scenario, ScenarioContext, ScenarioFigures } from "./scenario.ts";

/** One load generator's share of a scenario run (plain data: it is sent to worker threads). */
export interface GeneratorPlan {
  model: LoadModel;
  bounds: Bounds;
  /** arrival phase of this generator (open models), 0 <= phase < 1 */
  phase: number;
  workerIndex: number;
  workerCount: number;
  /** connections this generator opens to each store */
  connections: number;
  data: { scale: string; seed: number };
  /** absent only for scenarios that touch no store (synthetic tests) */
  endpoints?: Endpoints;
  /** module URL of the store factory (stores/factory.ts); absent: the default stores */
  storesUrl?: string;
}

export interface GeneratorOutcome extends Outcome {
  capacity?: CapacityUsage;
  pool?: PoolFigures;
  /** the scenario's own figures (Scenario.figures) */
  figures?: ScenarioFigures;
}

export interface PreparedGenerator {
  scenario: Scenario;
  plan: GeneratorPlan;
  state: unknown;
  stores: Stores;
}

/**
 * What a running generator shows the thread that watches it (every second,
 * off the hot path): the progress line's figures, and, when thresholds may
 * abort the run, the cumulative histograms they are evaluated on.
 */
export interface GeneratorSnapshot {
  ok: number;
  okInWindow: number;
  errors: number;
  dropped: number;
  latency: string;
  serviceTime: string;
  wait: string;
}

export function snapshotOf(r: Recorder): GeneratorSnapshot {
  return {
    ok: r.ok,
    okInWindow: r.okInWindow,
    errors: r.errorCount,
    dropped: r.dropped,
    latency: encodeHistogram(r.latency.toHistogram()),
    serviceTime: encodeHistogram(r.serviceTime.toHistogram()),
    wait: encodeHistogram(r.wait.toHistogram()),
  };
}

/** Opens the stores the scenario lists (through the store factory) and runs its setup (before the clock starts). */
export async function prepareGenerator(
  scenario: Scenario,
  plan: GeneratorPlan,
): Promise<PreparedGenerator> {
  if (scenario.stores.length > 0 && !plan.endpoints)
    throw new Error(`scenario ${scenario.name} needs endpoints for its stores`);
  const factory = await loadStoreFactory(plan.storesUrl);
  const stores: Stores =
    scenario.stores.length === 0
      ? {}
      : await factory({
          kinds: scenario.stores,
          endpoints: plan.endpoints as Endpoints,
          connections: plan.connections,
          workerIndex: plan.workerIndex,
        });
  const ctx: ScenarioContext = {
    endpoints: plan.endpoints as Endpoints,
    pg: stores.pg,
    dynamo: stores.dynamo,
    data: plan.data,
    workerIndex: plan.workerIndex,
    workerCount: plan.workerCount,
    connections: plan.connections,
  };
  try {
    const state = await scenario.setup(ctx);
    return { scenario, plan, state, stores };
  } catch (e) {
    await closeStores(stores);
    throw e;
  }
}

/**
 * Runs the prepared generator from epoch time `t0Us` (the caller picks it so
 * all generators start together) until its bounds or `stop`, then collects
 * the stores' figures (warm-up operations left out), tears down and closes the
 * stores. `onStart` receives the recorder (live progress, snapshots).
 */
export async function runGenerator(
  g: PreparedGenerator,
  t0Us: number,
  stop: StopFlag,
  onStart?: (recorder: Recorder) => void,
): Promise<GeneratorOutcome> {
  const { scenario, plan, state } = g;
  const measureStartUs = t0Us + plan.bounds.warmupMs * 1000;
  const recorder = new Recorder(measureStartUs, measureStartUs + plan.bounds.durationMs * 1000);
  const monitor = new ClientMonitor(measureStartUs);
  const rng = createRng(plan.data.seed, plan.workerIndex);
  const op = () => scenario.operation(state, scenario.sample(state, rng));
  onStart?.(recorder);
  const waitMs = (t0Us - nowUs()) / 1000;
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  monitor.start();
  try {
    await runModel(plan.model, plan.bounds, { op, recorder, t0Us, stop }, plan.phase);
    const outcome: GeneratorOutcome = recorder.outcome(monitor.stop());
    const capacity = g.stores.dynamo?.capacity();
    const pool = g.stores.pg?.figures();
    if (capacity) outcome.capacity = structuredClone(capacity);
    if (pool) outcome.pool = pool;
    if (scenario.figures) {
      const end = Number.isFinite(outcome.measureEndUs) ? outcome.measureEndUs : outcome.lastEndUs;
      outcome.figures = await scenario.figures(state, { startUs: measureStartUs, endUs: end });
    }
    return outcome;
  } finally {
    monitor.stop();
    await releaseGenerator(g);
  }
}

/** Runs the scenario's teardown, then closes its stores (also when teardown throws). */
export async function releaseGenerator(g: PreparedGenerator): Promise<void> {
  try {
    await g.scenario.teardown?.(g.state);
  } finally {
    await closeStores(g.stores);
  }
}
