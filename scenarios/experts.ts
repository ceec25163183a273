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
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { UsageError } from "../core/errors.ts";
import type { Scenario } from "../engine/scenario.ts";
import {
  ATTR,
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
): QueryCommandInput {
  return {
    TableName: dynamo.table(USER_POPULARITY_TABLE),
    IndexName: INFLUENCE_SCORE_INDEX,
    KeyConditionExpression: "#p = :all",
    ExpressionAttributeNames: { "#p": ATTR.popularityPartition },
    ExpressionAttributeValues: { ":all": POPULARITY_PARTITION_VALUE },
    ScanIndexForward: false,
    Limit: EXPERTS_PER_PAGE,
    ExclusiveStartKey: startKey,
  };
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
}

const scenario: Scenario<ExpertsState, number> = {
  name: "experts",
  description:
    "expert discovery: top users by influence (DynamoDB InfluenceScoreIndex), then their details (PostgreSQL)",
  stores: ["dynamodb", "postgres"],

  async setup(ctx) {
    const dynamo = ctx.dynamo!;
    const queries: QueryCommandInput[] = [];
    const setupIds: string[][] = [];
    let start: Record<string, unknown> | undefined;
    for (let p = 0; p < PAGE_WEIGHTS.length; p++) {
      const query = expertsQuery(dynamo, start);
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
    };
  },

  sample: (state, rng) => state.pages.index(rng),

  async operation(state, page) {
    const out = await state.dynamo.query(state.pages.values[page]);
    const items = out.Items ?? [];
    const ids = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) ids[i] = items[i][ATTR.userId] as string;
    await state.pg.query<ExpertRow>(EXPERT_DETAILS, [ids]);
  },

  explain: (state, page) => [{ statement: EXPERT_DETAILS, params: [state.setupIds[page]] }],
};

export default scenario;
