import pg from "pg";
import { createRng } from "../core/rng.ts";
import { loadScenario } from "../engine/load-scenario.ts";
import type { Scenario, ScenarioContext } from "../engine/scenario.ts";
import { createDynamoStore } from "../stores/dynamo.ts";
import { createPgStore, pgClientConfig, type Statement } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";

/**
 * The PostgreSQL access patterns, as the scenarios define them: setup() reads
 * the parameter pools from the loaded data, sample() draws parameters skewed
 * like real traffic, explain() names the statements one operation runs.
 */

export interface PatternSource {
  name: string;
  url: string;
}

export interface SampledStatement {
  statement: Statement;
  params: unknown[];
}

/** Every registered scenario that touches PostgreSQL and defines explain() (write scenarios only when named: they change the data). */
export async function postgresPatterns(names: string[] = []): Promise<PatternSource[]> {
  const { SCENARIOS } = (await import("../scenarios/index.ts")) as {
    SCENARIOS: Record<string, { module: URL; stores: string[]; writes?: boolean }>;
  };
  const picked =
    names.length > 0 ? names : Object.keys(SCENARIOS).filter((n) => !SCENARIOS[n].writes);
  const out: PatternSource[] = [];
  for (const n of picked) {
    const e = SCENARIOS[n];
    if (!e) continue;
    if (e.stores.includes("postgres")) out.push({ name: n, url: e.module.href });
  }
  return out;
}

/**
 * Draws `samples` operations of a scenario with a seeded generator and
 * returns, per operation, the statements explain() lists. The scenario's
 * stores are opened for setup and closed before returning.
 */
export async function sampleStatements(
  source: PatternSource,
  endpoints: Endpoints,
  data: { scale: string; seed: number },
  samples: number,
): Promise<SampledStatement[][]> {
  const scenario: Scenario = await loadScenario(source.url);
  if (!scenario.explain) return [];
  const pgStore = scenario.stores.includes("postgres") ? createPgStore(endpoints.pg, 2) : undefined;
  const dynamo = scenario.stores.includes("dynamodb")
    ? createDynamoStore(endpoints.dynamo, 4)
    : undefined;
  const ctx: ScenarioContext = {
    endpoints,
    pg: pgStore,
    dynamo,
    data,
    workerIndex: 0,
    workerCount: 1,
    connections: 2,
  };
  try {
    const state = await scenario.setup(ctx);
    const rng = createRng(data.seed, 0x7475); // "tu": a stream of its own
    const out: SampledStatement[][] = [];
    for (let i = 0; i < samples; i++)
      out.push(scenario.explain(state, scenario.sample(state, rng)));
    await scenario.teardown?.(state);
    return out;
  } finally {
    dynamo?.close();
    await pgStore?.close();
  }
}

/** A plain client on the bench database (for EXPLAIN and catalog reads). */
export async function connect(endpoints: Endpoints): Promise<pg.Client> {
  const client = new pg.Client({
    ...pgClientConfig(endpoints.pg),
    application_name: "bellyfed-bench tune",
  });
  client.on("error", () => {});
  await client.connect();
  return client;
}
