import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "../../load/index.ts";
import leaderboards, { type LeaderboardsState } from "../../scenarios/leaderboards.ts";
import {
  ATTR,
  applyDynamoTables,
  dropDynamoTables,
  leaderboardOrderKey,
  resolveVariant,
} from "../../schema/index.ts";
import { createDynamoClient, createDynamoStore, type DynamoStore } from "../../stores/dynamo.ts";
import type { Endpoints } from "../../stores/types.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * `leaderboards-by-entity` (keyed by city#cuisine and restaurant, ordered by
 * an LSI on the score): loaded from the same PostgreSQL data, every
 * leaderboard the scenario reads lists the same restaurants in the same order
 * with the same scores as the design's rank-keyed table.
 */
let s: Scratch;
let byEntity: Endpoints;
const opened: DynamoStore[] = [];

async function state(endpoints: Endpoints): Promise<{ st: LeaderboardsState; d: DynamoStore }> {
  const d = createDynamoStore(endpoints.dynamo, 8);
  opened.push(d);
  const st = await leaderboards.setup({
    endpoints,
    dynamo: d,
    data: { scale: "tiny", seed: 7 },
    workerIndex: 0,
    workerCount: 1,
    connections: 2,
  });
  return { st, d };
}

beforeAll(async () => {
  s = await scratchStores("variant_leaderboards");
  await load({ scale: "tiny", seed: 7, endpoints: s, progressOut: null });
  byEntity = { ...s, dynamo: { ...s.dynamo, tablePrefix: `${s.dynamo.tablePrefix}be_` } };
  const client = createDynamoClient(byEntity.dynamo);
  try {
    await applyDynamoTables(client, {
      prefix: byEntity.dynamo.tablePrefix,
      variant: await resolveVariant("leaderboards-by-entity"),
    });
  } finally {
    client.destroy();
  }
  await load({ scale: "tiny", seed: 7, endpoints: byEntity, only: "dynamo", progressOut: null });
}, 600_000);

afterAll(async () => {
  for (const o of opened) o.close();
  const client = createDynamoClient(byEntity.dynamo);
  await dropDynamoTables(client, { prefix: byEntity.dynamo.tablePrefix }).catch(() => {});
  client.destroy();
  await s?.cleanup();
});

it("every leaderboard read from the score-order LSI equals the rank-keyed read", async () => {
  const design = await state(s);
  const entity = await state(byEntity);
  const designQs = design.st.queries.values;
  const entityQs = entity.st.queries.values;
  expect(entityQs.length).toBe(designQs.length);
  expect(designQs.length).toBeGreaterThan(5);
  expect(entityQs[0].IndexName).toBe("ScoreOrderIndex");
  expect(designQs[0].IndexName).toBeUndefined();
  let rows = 0;
  for (let i = 0; i < designQs.length; i++) {
    const a = (await design.d.query(designQs[i])).Items ?? [];
    const b = (await entity.d.query(entityQs[i])).Items ?? [];
    const view = (items: typeof a) =>
      items.map((x) => `${x[ATTR.entityId]} ${x[ATTR.score]} ${x[ATTR.entityName]}`);
    expect(view(b)).toEqual(view(a));
    rows += a.length;
  }
  expect(rows).toBeGreaterThan(designQs.length);
  // tied scores order by restaurant id, as the design ranks them; a higher score first
  expect(leaderboardOrderKey("1.5", "r-a") < leaderboardOrderKey("1.5", "r-b")).toBe(true);
  expect(leaderboardOrderKey("1.5001", "r-z") < leaderboardOrderKey("1.5", "r-a")).toBe(true);
  expect(leaderboardOrderKey("120.25", "r-z") < leaderboardOrderKey("9.75", "r-a")).toBe(true);
});
