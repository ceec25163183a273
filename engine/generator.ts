import type { DynamoStore } from "../stores/dynamo.ts";
import type { PgStore } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import { type Bounds, runModel } from "./models/index.ts";
import { type Outcome, Recorder } from "./recorder.ts";
import type { CapacityUsage, LoadModel, PoolFigures } from "./result.ts";
import { createRng } from "./rng.ts";
import type { Scenario, ScenarioContext } from "./scenario.ts";

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
}

export interface GeneratorOutcome extends Outcome {
  capacity?: CapacityUsage;
  pool?: PoolFigures;
}

export interface PreparedGenerator {
  scenario: Scenario;
  plan: GeneratorPlan;
  state: unknown;
  pg?: PgStore;
  dynamo?: DynamoStore;
}

/** Opens the stores the scenario lists and runs its setup (before the clock starts). */
export async function prepareGenerator(
  scenario: Scenario,
  plan: GeneratorPlan,
): Promise<PreparedGenerator> {
  const needs = (kind: string) => scenario.stores.includes(kind as never);
  if ((needs("postgres") || needs("dynamodb")) && !plan.endpoints) {
    throw new Error(`scenario ${scenario.name} needs endpoints for its stores`);
  }
  // store modules load only when needed (the AWS SDK takes a while to import)
  const pg = needs("postgres")
    ? (await import("../stores/postgres.ts")).createPgStore(plan.endpoints!.pg, plan.connections)
    : undefined;
  const dynamo = needs("dynamodb")
    ? (await import("../stores/dynamo.ts")).createDynamoStore(
        plan.endpoints!.dynamo,
        plan.connections,
      )
    : undefined;
  const ctx: ScenarioContext = {
    endpoints: plan.endpoints as Endpoints,
    pg,
    dynamo,
    data: plan.data,
    workerIndex: plan.workerIndex,
    workerCount: plan.workerCount,
    connections: plan.connections,
  };
  try {
    const state = await scenario.setup(ctx);
    return { scenario, plan, state, pg, dynamo };
  } catch (e) {
    await closeStores(pg, dynamo);
    throw e;
  }
}

/**
 * Runs the prepared generator from epoch time `t0Us` (the caller picks it so
 * all generators start together), then collects the stores' figures, tears
 * down and closes the stores. `onStart` receives the recorder (live progress).
 */
export async function runGenerator(
  g: PreparedGenerator,
  t0Us: number,
  onStart?: (recorder: Recorder) => void,
): Promise<GeneratorOutcome> {
  const { scenario, plan, state } = g;
  const recorder = new Recorder(t0Us + plan.bounds.warmupMs * 1000);
  const rng = createRng(plan.data.seed, plan.workerIndex);
  const op = () => scenario.operation(state, scenario.sample(state, rng));
  onStart?.(recorder);
  const waitMs = t0Us / 1000 - (performance.timeOrigin + performance.now());
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  try {
    await runModel(plan.model, plan.bounds, { op, recorder, t0Us }, plan.phase);
    const figures = scenario.collect?.(state) ?? {};
    return { ...recorder.outcome(), ...figures };
  } finally {
    await releaseGenerator(g);
  }
}

/** Runs the scenario's teardown, then closes its stores (also when teardown throws). */
export async function releaseGenerator(g: PreparedGenerator): Promise<void> {
  try {
    await g.scenario.teardown?.(g.state);
  } finally {
    await closeStores(g.pg, g.dynamo);
  }
}

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    setTimeout(r, ms).unref();
  });

async function closeStores(pg?: PgStore, dynamo?: DynamoStore): Promise<void> {
  dynamo?.close();
  // a timed-out query may still hold a connection: do not wait for it forever
  if (pg) await Promise.race([pg.close().catch(() => {}), sleep(2000)]);
}
