import { loadScenario } from "../../../engine/load-scenario.ts";
import type { Scenario } from "../../../engine/scenario.ts";
import { SCENARIOS } from "../../../scenarios/index.ts";
import { createDynamoStore, type DynamoStore } from "../../../stores/dynamo.ts";
import { createPgStore, type PgStore } from "../../../stores/postgres.ts";
import type { Endpoints } from "../../../stores/types.ts";
import { TINY } from "./tiny-data.ts";

export interface Opened<S = unknown, P = unknown> {
  scenario: Scenario<S, P>;
  state: S;
  pg: PgStore;
  dynamo: DynamoStore;
  close(): Promise<void>;
}

/** A registered scenario, set up the way the engine does it (stores opened, setup run). */
export async function openScenario<S = unknown, P = unknown>(
  name: string,
  endpoints: Endpoints,
): Promise<Opened<S, P>> {
  const entry = SCENARIOS[name];
  if (!entry) throw new Error(`no scenario ${name}`);
  const scenario = (await loadScenario(entry.module.href)) as unknown as Scenario<S, P>;
  const pg = createPgStore(endpoints.pg, 2);
  const dynamo = createDynamoStore(endpoints.dynamo, 4);
  const state = await scenario.setup({
    endpoints,
    pg,
    dynamo,
    data: { ...TINY },
    workerIndex: 0,
    workerCount: 1,
    connections: 2,
  });
  return {
    scenario,
    state,
    pg,
    dynamo,
    async close() {
      await scenario.teardown?.(state);
      dynamo.close();
      await pg.close();
    },
  };
}
