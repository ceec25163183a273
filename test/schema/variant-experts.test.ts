import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "../../load/index.ts";
import experts, { type ExpertsState, scatterGather } from "../../scenarios/experts.ts";
import {
  ATTR,
  applyDynamoTables,
  dropDynamoTables,
  readVariantName,
  resolveVariant,
} from "../../schema/index.ts";
import { createDynamoClient, createDynamoStore, type DynamoStore } from "../../stores/dynamo.ts";
import { createPgStore, type PgStore } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * `influence-sharded` (InfluenceScoreIndex keyed ALL#0..N-1): loaded from the
 * same PostgreSQL data, experts' scatter-gather returns the design's top 100
 * (the same scores in the same order; the same users wherever a score is not
 * tied at the cut).
 */
let s: Scratch;
let sharded: Endpoints;
const opened: Array<DynamoStore | PgStore> = [];

async function expertsState(endpoints: Endpoints): Promise<ExpertsState> {
  const dynamo = createDynamoStore(endpoints.dynamo, 8);
  const pg = createPgStore(endpoints.pg, 2);
  opened.push(dynamo, pg);
  return experts.setup({
    endpoints,
    dynamo,
    pg,
    data: { scale: "tiny", seed: 5 },
    workerIndex: 0,
    workerCount: 1,
    connections: 2,
  });
}

beforeAll(async () => {
  s = await scratchStores("variant_experts");
  await load({ scale: "tiny", seed: 5, endpoints: s, progressOut: null });
  sharded = { ...s, dynamo: { ...s.dynamo, tablePrefix: `${s.dynamo.tablePrefix}sh_` } };
  const client = createDynamoClient(sharded.dynamo);
  try {
    await applyDynamoTables(client, {
      prefix: sharded.dynamo.tablePrefix,
      variant: await resolveVariant("influence-sharded:4"),
    });
    expect(await readVariantName(client, sharded.dynamo.tablePrefix)).toBe("influence-sharded:4");
  } finally {
    client.destroy();
  }
  await load({ scale: "tiny", seed: 5, endpoints: sharded, only: "dynamo", progressOut: null });
}, 600_000);

afterAll(async () => {
  for (const o of opened) await o.close();
  const client = createDynamoClient(sharded.dynamo);
  await dropDynamoTables(client, { prefix: sharded.dynamo.tablePrefix }).catch(() => {});
  client.destroy();
  await s?.cleanup();
});

it("experts by scatter-gather over 4 shards equals the design's single-key read", async () => {
  const design = await expertsState(s);
  const gathered = await expertsState(sharded);
  expect(design.shardPages).toBeNull();
  expect(gathered.shardPages?.[0]).toHaveLength(4);
  const ids = (st: ExpertsState) => st.setupIds.flat();
  expect(ids(gathered)).toHaveLength(ids(design).length);
  expect(ids(design).length).toBeGreaterThanOrEqual(60);

  // the scores, page by page, read in the hot path's way
  const dynamo = opened[0] as DynamoStore;
  const shardedDynamo = opened[2] as DynamoStore;
  const scoresOf = async (st: ExpertsState, d: DynamoStore) => {
    const out: number[][] = [];
    for (let p = 0; p < st.setupIds.length; p++) {
      const items = st.shardPages
        ? await scatterGather(d, st.shardPages[p])
        : ((await d.query(st.pages.values[p])).Items ?? []);
      out.push(items.map((i) => Number(i[ATTR.influenceScore])));
    }
    return out;
  };
  const designScores = await scoresOf(design, dynamo);
  const shardedScores = await scoresOf(gathered, shardedDynamo);
  expect(shardedScores).toEqual(designScores);

  // users above the last score shown are the same users (ties at the cut may differ)
  const flat = designScores.flat();
  const cut = flat[flat.length - 1];
  const above = (st: ExpertsState, scores: number[][]) =>
    st.setupIds
      .flat()
      .filter((_, i) => scores.flat()[i] > cut)
      .sort();
  expect(above(gathered, shardedScores)).toEqual(above(design, designScores));
  expect(above(design, designScores).length).toBeGreaterThan(0);
});
