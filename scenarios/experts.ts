/**
 * Access pattern 5: expert discovery.
 *
 * First DynamoDB: a Query on InfluenceScoreIndex of BellyfedUserPopularity,
 * the constant "ALL" partition, highest influence_score first, 20 users (a
 * page). Then PostgreSQL: those users' details in one statement
 * (user_id = ANY($1)), with career level, badge count and #1 rankings.
 *
 * Sampled: which page of the expert list is read. Most people look at the
 * first page, some scroll on; the start keys of pages 2..5 are read in setup.
 *
 * Under the `influence-sharded` schema variant (schema apply --dynamo-variant
 * influence-sharded) the index's key is ALL#0..N-1: a page is a
 * scatter-gather, the N shards queried in parallel from each one's cursor and
 * their items merged by score (the cursors of pages 2..5 come from setup).
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { UsageError } from "../core/errors.ts";
import type { Scenario } from "../engine/scenario.ts";
import {
  ATTR,
  appliedVariant,
  INFLUENCE_SCORE_INDEX,
  POPULARITY_PARTITION_VALUE,
  USER_POPULARITY_TABLE,
} from "../schema/index.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { LOAD_HINT } from "./lib/pools.ts";

export const EXPERTS_PER_PAGE = 20;
/** how often each page of the expert list is read (page 1 first) */
export const PAGE_WEIGHTS = [60, 20, 10, 6, 4] as const;

export const EXPERT_DETAILS: Statement = {
  name: "bellyfed_expert_details",
  text: `SELECT u.user_id, u.username, u.display_name, u.profile_image_url, u.bio, u.location,
       cl.level_name, coalesce(b.n, 0)::int AS badge_count, coalesce(f.n, 0)::int AS first_places
  FROM users u
  LEFT JOIN career_levels cl ON cl.career_level_id = u.career_level_id
  LEFT JOIN (SELECT user_id, count(*) AS n FROM user_badges
              WHERE user_id = ANY($1::uuid[]) GROUP BY user_id) b ON b.user_id = u.user_id
  LEFT JOIN (SELECT user_id, count(*) AS n FROM dish_rankings
              WHERE user_id = ANY($1::uuid[]) AND rank = 1 GROUP BY user_id) f ON f.user_id = u.user_id
 WHERE u.user_id = ANY($1::uuid[])`,
};

export function expertsQuery(
  dynamo: DynamoStore,
  startKey?: Record<string, unknown>,
  partition: string = POPULARITY_PARTITION_VALUE,
  limit: number = EXPERTS_PER_PAGE,
): QueryCommandInput {
  return {
    TableName: dynamo.table(USER_POPULARITY_TABLE),
    IndexName: INFLUENCE_SCORE_INDEX,
    KeyConditionExpression: "#p = :all",
    ExpressionAttributeNames: { "#p": ATTR.popularityPartition },
    ExpressionAttributeValues: { ":all": partition },
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: startKey,
  };
}

type Item = Record<string, unknown>;

/** Highest influence_score first (the index's order across shards). */
const byScore = (a: Item, b: Item) =>
  Number(b[ATTR.influenceScore]) - Number(a[ATTR.influenceScore]);

/** The index key of an item: the ExclusiveStartKey that continues after it. */
function startAfter(item: Item): Item {
  return {
    [ATTR.userId]: item[ATTR.userId],
    [ATTR.popularityPartition]: item[ATTR.popularityPartition],
    [ATTR.influenceScore]: item[ATTR.influenceScore],
  };
}

/**
 * Scatter-gather setup: the first `pages` pages of the expert list merged from
 * the shards, and for each page the per-shard queries that read it (each
 * shard from after its last item on the pages before).
 */
export async function shardedPages(
  dynamo: DynamoStore,
  partitions: readonly string[],
  pages: number,
): Promise<{ queries: QueryCommandInput[][]; ids: string[][] }> {
  const depth = pages * EXPERTS_PER_PAGE;
  const perShard = await Promise.all(
    partitions.map(async (p) => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const out = await dynamo.doc.send(
          new QueryCommand(expertsQuery(dynamo, start, p, depth - items.length)),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start && items.length < depth);
      return items;
    }),
  );
  const merged = perShard
    .flatMap((items, shard) => items.map((item) => ({ item, shard })))
    .sort((a, b) => byScore(a.item, b.item));
  const queries: QueryCommandInput[][] = [];
  const ids: string[][] = [];
  const last: (Item | undefined)[] = partitions.map(() => undefined);
  for (let page = 0; page < pages; page++) {
    const slice = merged.slice(page * EXPERTS_PER_PAGE, (page + 1) * EXPERTS_PER_PAGE);
    if (slice.length === 0) break;
    queries.push(partitions.map((p, s) => expertsQuery(dynamo, last[s] && startAfter(last[s]), p)));
    ids.push(slice.map((x) => String(x.item[ATTR.userId])));
    for (const x of slice) last[x.shard] = x.item;
  }
  return { queries, ids };
}

/** One scatter-gather page: the shards' queries in parallel, the top EXPERTS_PER_PAGE by score. */
export async function scatterGather(
  dynamo: DynamoStore,
  queries: QueryCommandInput[],
): Promise<Item[]> {
  const outs = await Promise.all(queries.map((q) => dynamo.query(q)));
  const all: Item[] = [];
  for (const out of outs) for (const item of out.Items ?? []) all.push(item);
  return all.sort(byScore).slice(0, EXPERTS_PER_PAGE);
}

export interface ExpertRow {
  user_id: string;
  username: string;
  level_name: string | null;
  badge_count: number;
  first_places: number;
}

export interface ExpertsState {
  dynamo: DynamoStore;
  pg: PgStore;
  /** per page: its Query; the user ids it returned in setup (for explain) */
  pages: WeightedPool<QueryCommandInput>;
  setupIds: string[][];
  /** influence-sharded: per page the shards' queries (a scatter-gather); null: one Query */
  shardPages: QueryCommandInput[][] | null;
}

const scenario: Scenario<ExpertsState, number> = {
  name: "experts",
  description:
    "expert discovery: top users by influence (DynamoDB InfluenceScoreIndex), then their details (PostgreSQL)",
  stores: ["dynamodb", "postgres"],

  async setup(ctx) {
    const dynamo = ctx.dynamo!;
    const variant = await appliedVariant(dynamo.raw, ctx.endpoints.dynamo.tablePrefix);
    if (variant.influencePartitions.length > 1) {
      const sharded = await shardedPages(dynamo, variant.influencePartitions, PAGE_WEIGHTS.length);
      if (sharded.queries.length === 0)
        throw new UsageError(
          `experts: DynamoDB table ${dynamo.table(USER_POPULARITY_TABLE)} is empty; ${LOAD_HINT}`,
        );
      return {
        dynamo,
        pg: ctx.pg!,
        // the pool draws a page index; each page's first shard query stands for it
        pages: new WeightedPool(
          sharded.queries.map((q) => q[0]),
          PAGE_WEIGHTS.slice(0, sharded.queries.length),
        ),
        setupIds: sharded.ids,
        shardPages: sharded.queries,
      };
    }
    const partition = variant.influencePartitions[0];
    const queries: QueryCommandInput[] = [];
    const setupIds: string[][] = [];
    let start: Record<string, unknown> | undefined;
    for (let p = 0; p < PAGE_WEIGHTS.length; p++) {
      const query = expertsQuery(dynamo, start, partition);
      const out = await dynamo.doc.send(new QueryCommand(query));
      if (!out.Items?.length) break;
      queries.push(query);
      setupIds.push(out.Items.map((i) => String(i[ATTR.userId])));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    if (queries.length === 0)
      throw new UsageError(
        `experts: DynamoDB table ${dynamo.table(USER_POPULARITY_TABLE)} is empty; ${LOAD_HINT}`,
      );
    return {
      dynamo,
      pg: ctx.pg!,
      pages: new WeightedPool(queries, PAGE_WEIGHTS.slice(0, queries.length)),
      setupIds,
      shardPages: null,
    };
  },

  sample: (state, rng) => state.pages.index(rng),

  async operation(state, page) {
    const items = state.shardPages
      ? await scatterGather(state.dynamo, state.shardPages[page])
      : ((await state.dynamo.query(state.pages.values[page])).Items ?? []);
    const ids = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) ids[i] = items[i][ATTR.userId] as string;
    await state.pg.query<ExpertRow>(EXPERT_DETAILS, [ids]);
  },

  explain: (state, page) => [{ statement: EXPERT_DETAILS, params: [state.setupIds[page]] }],
};

export default scenario;
