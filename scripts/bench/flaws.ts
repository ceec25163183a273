/**
 * `npm run bench:flaws`: the design's two write flaws measured, and their
 * fixes (DynamoDB schema variants) measured on the same write run.
 *
 * 1. InfluenceScoreIndex: every user's item sits on the one "ALL" key, so
 *    every popularity update lands on one GSI partition (1,000 WCU/s at most).
 *    Measured: the GSI's write units per write transaction (rank-dish,
 *    follow, review) and so per second at their default rates, design
 *    against `influence-sharded` (ALL#0..N-1; the hottest shard), and the
 *    read cost of `experts` (one Query against a scatter-gather over N shards).
 * 2. BellyfedLeaderboards keyed by rank: a ranking that moves a restaurant
 *    rewrites every item whose rank shifts. Measured: items written and write
 *    units per ranking write, design against `leaderboards-by-entity`.
 *
 * The DynamoDB side follows PostgreSQL the way the projector does (one
 * definition of each read model: the loader's SQL, recomputed, never
 * incremented): the write transactions run one at a time, mixed in
 * proportion to their default rates, and after each the read models are
 * recomputed and the items that changed are written to each variant's tables
 * (own prefixes: flaws_design_, flaws_sharded_, flaws_entity_) with
 * ReturnConsumedCapacity=INDEXES. So the units per transaction are exact
 * (nothing coalesced); the per-second figures are those units times the
 * default rates, and the ceilings come from stores/dynamo-limits.ts.
 * DynamoDB Local never throttles: the ceilings are projections.
 *
 *   npm run bench:flaws [-- --scale small --ops 300 --shards 8 --out results/flaws.json]
 */
import {
  type AttributeValue,
  type ConsumedCapacity,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { createRng } from "../../core/rng.ts";
import type { Rng, Scenario, ScenarioContext } from "../../engine/scenario.ts";
import { load } from "../../load/index.ts";
import {
  itemKey,
  type LeaderboardRow,
  leaderboardItem,
  type PopularityRow,
  popularityItem,
  READ_MODELS,
} from "../../load/read-models.ts";
import { dataNowIso, resolveRequest } from "../../load/request.ts";
import experts, { type ExpertsState, scatterGather } from "../../scenarios/experts.ts";
import { SCENARIOS, WRITE_SCENARIOS } from "../../scenarios/index.ts";
import {
  applyDynamoTables,
  DESIGN_VARIANT,
  type DynamoVariant,
  dropDynamoTables,
  INFLUENCE_SCORE_INDEX,
  LEADERBOARD_ORDER_INDEX,
  LEADERBOARDS_TABLE,
  leaderboardType,
  markDataChanged,
  readVariantName,
  resolveVariant,
  USER_POPULARITY_TABLE,
} from "../../schema/index.ts";
import { createDynamoClient, createDynamoStore } from "../../stores/dynamo.ts";
import {
  PARTITION_RCU,
  PARTITION_WCU,
  partitionPressure,
  scatterGatherReads,
} from "../../stores/dynamo-limits.ts";
import { createPgStore, type PgStore, pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { Endpoints } from "../../stores/types.ts";
import { helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  ops: {
    type: "string" as const,
    description: "write transactions followed one at a time",
    default: "300",
  },
  shards: {
    type: "string" as const,
    description: "InfluenceScoreIndex shards of the sharded variant",
    default: "8",
  },
  scenarios: {
    type: "string" as const,
    description: "write scenarios, comma-separated, each at its default rate",
    default: "rank-dish,follow,review",
  },
  reads: {
    type: "string" as const,
    description: "experts reads per variant for the read cost",
    default: "200",
  },
  database: {
    type: "string" as const,
    description: "PostgreSQL database the run loads and writes (on the harness's server)",
    default: "bellyfed_flaws",
  },
  out: { type: "string" as const, description: "write the figures as JSON to FILE" },
};

type Item = Record<string, AttributeValue>;

const units = (c: { WriteCapacityUnits?: number; CapacityUnits?: number } | undefined) =>
  c?.WriteCapacityUnits ?? c?.CapacityUnits ?? 0;

/** Write units of one answer: the table's and each index's. */
function split(cc: ConsumedCapacity | undefined): {
  table: number;
  indexes: Record<string, number>;
} {
  const indexes: Record<string, number> = {};
  for (const [k, v] of Object.entries(cc?.GlobalSecondaryIndexes ?? {})) indexes[k] = units(v);
  for (const [k, v] of Object.entries(cc?.LocalSecondaryIndexes ?? {})) indexes[k] = units(v);
  return { table: units(cc?.Table) || units(cc), indexes };
}

/** Runs `tasks` with at most `n` at a time. */
async function pooled(tasks: Array<() => Promise<void>>, n = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
}

interface Tally {
  puts: number;
  deletes: number;
  tableWcu: number;
  indexWcu: Record<string, number>;
}
const tally = (): Tally => ({ puts: 0, deletes: 0, tableWcu: 0, indexWcu: {} });

async function put(
  client: DynamoDBClient,
  table: string,
  item: Item,
  t: Tally,
): Promise<Record<string, number>> {
  const out = await client.send(
    new PutItemCommand({ TableName: table, Item: item, ReturnConsumedCapacity: "INDEXES" }),
  );
  const s = split(out.ConsumedCapacity);
  t.puts++;
  t.tableWcu += s.table;
  for (const [k, v] of Object.entries(s.indexes)) t.indexWcu[k] = (t.indexWcu[k] ?? 0) + v;
  return s.indexes;
}

async function del(client: DynamoDBClient, table: string, key: Item, t: Tally): Promise<void> {
  const out = await client.send(
    new DeleteItemCommand({ TableName: table, Key: key, ReturnConsumedCapacity: "INDEXES" }),
  );
  const s = split(out.ConsumedCapacity);
  t.deletes++;
  t.tableWcu += s.table;
  for (const [k, v] of Object.entries(s.indexes)) t.indexWcu[k] = (t.indexWcu[k] ?? 0) + v;
}

// ------------------------------------------------------------ read models

const model = (table: string) => READ_MODELS.find((m) => m.table === table)!;

type Popularity = Map<string, PopularityRow>;
type Boards = Map<string, LeaderboardRow[]>;

async function readPopularity(c: pg.Client): Promise<Popularity> {
  // the loader's own query and parameters (every key), so the sync's keyed SQL fits too
  const m = model(USER_POPULARITY_TABLE);
  const rows = (await c.query<PopularityRow>(m.sql, m.params(""))).rows;
  return new Map(rows.map((r) => [r.user_id, r]));
}

async function readBoards(c: pg.Client): Promise<Boards> {
  const m = model(LEADERBOARDS_TABLE);
  const rows = (await c.query<LeaderboardRow>(m.sql, m.params(""))).rows;
  const out: Boards = new Map();
  for (const r of rows) {
    const t = leaderboardType(r.city, r.cuisine);
    const list = out.get(t);
    if (list) list.push(r);
    else out.set(t, [r]);
  }
  return out;
}

const samePopularity = (a: PopularityRow | undefined, b: PopularityRow) =>
  !!a &&
  a.follower_count === b.follower_count &&
  a.ranking_count === b.ranking_count &&
  a.review_count === b.review_count &&
  a.influence_score === b.influence_score;

const sameEntry = (a: LeaderboardRow | undefined, b: LeaderboardRow) =>
  !!a &&
  a.entity_id === b.entity_id &&
  a.score === b.score &&
  a.ranking_count === b.ranking_count &&
  a.entity_name === b.entity_name;

// ------------------------------------------------------------ the write run

interface Writer {
  name: string;
  rate: number;
  scenario: Scenario<unknown, unknown>;
  state: unknown;
  pgStore: PgStore;
  rng: Rng;
}

/** Each write scenario set up as `run` sets it up (its pools read from the data). */
async function setupWriters(
  endpoints: Endpoints,
  names: string[],
  data: { scale: string; seed: number },
): Promise<Writer[]> {
  return Promise.all(
    names.map(async (name, i) => {
      const entry = SCENARIOS[name];
      const scenario = (await import(String(entry.module))).default as Scenario<unknown, unknown>;
      const pgStore = createPgStore(endpoints.pg, 2);
      const ctx: ScenarioContext = {
        endpoints,
        pg: pgStore,
        data,
        workerIndex: 0,
        workerCount: 1,
        connections: 2,
      };
      const state = await scenario.setup(ctx);
      const rng = createRng(data.seed, 0x666c6177 + i); // "flaw"
      return { name, rate: entry.load.rate ?? 10, scenario, state, pgStore, rng };
    }),
  );
}

/** The order of `n` operations mixing the writers in proportion to their rates (smooth weighted round robin). */
export function schedule(rates: number[], n: number): number[] {
  const total = rates.reduce((a, b) => a + b, 0);
  const current = rates.map(() => 0);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let best = 0;
    for (let i = 0; i < rates.length; i++) {
      current[i] += rates[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    out.push(best);
  }
  return out;
}

// ------------------------------------------------------------ main

interface Prefixes {
  design: string;
  sharded: string;
  entity: string;
}

async function prepare(
  base: Endpoints,
  prefixes: Prefixes,
  sharded: DynamoVariant,
  entity: DynamoVariant,
  data: { scale: string; seed: number },
  say: (l: string) => void,
): Promise<void> {
  // PostgreSQL once (kept between runs: the writes of earlier runs stay), then each
  // variant's read models rebuilt from it under its prefix
  await load({ ...data, endpoints: base, only: "pg", progressOut: null, command: "bench:flaws" });
  const client = createDynamoClient(base.dynamo, 8);
  try {
    for (const [prefix, variant] of [
      [prefixes.design, DESIGN_VARIANT],
      [prefixes.sharded, sharded],
      [prefixes.entity, entity],
    ] as const) {
      const recorded = (await readVariantName(client, prefix)) ?? "design";
      // another variant's tables under this prefix (another --shards): start over
      if (recorded !== variant.name) await dropDynamoTables(client, { prefix });
      await applyDynamoTables(client, { prefix, variant });
      const endpoints = { ...base, dynamo: { ...base.dynamo, tablePrefix: prefix } };
      const t = Date.now();
      await load({ ...data, endpoints, only: "dynamo", reload: true, progressOut: null });
      say(
        `  ${variant.name}: read models loaded under prefix ${prefix} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    client.destroy();
  }
}

async function expertsCost(
  endpoints: Endpoints,
  reads: number,
  data: { scale: string; seed: number },
) {
  const dynamo = createDynamoStore(endpoints.dynamo, 16);
  const pgStore = createPgStore(endpoints.pg, 2);
  try {
    const st = (await experts.setup({
      endpoints,
      dynamo,
      pg: pgStore,
      data,
      workerIndex: 0,
      workerCount: 1,
      connections: 2,
    })) as ExpertsState;
    const before = dynamo.capacity().readUnits;
    const rng = createRng(data.seed, 0x657870); // "exp"
    let items = 0;
    const t0 = performance.now();
    for (let i = 0; i < reads; i++) {
      const page = experts.sample(st, rng);
      const got = st.shardPages
        ? await scatterGather(dynamo, st.shardPages[page])
        : ((await dynamo.query(st.pages.values[page])).Items ?? []);
      items += got.length;
    }
    const ms = performance.now() - t0;
    const rcu = dynamo.capacity().readUnits - before;
    const queriesPerRead = st.shardPages ? st.shardPages[0].length : 1;
    return {
      reads,
      queriesPerRead,
      rcuPerRead: rcu / reads,
      rcuPerShardQuery: rcu / reads / queriesPerRead,
      itemsPerRead: items / reads,
      meanMsLocal: ms / reads,
    };
  } finally {
    dynamo.close();
    await pgStore.close();
  }
}

const f = (n: number, d = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

runMain(async (argv) => {
  const { values } = parseFlags("bench:flaws", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:flaws [-- options]", "The design's write flaws (InfluenceScoreIndex's one key, leaderboards keyed by rank) and their fixes (influence-sharded, leaderboards-by-entity), measured on one write run.", spec)}\n`,
    );
    return 0;
  }
  const scale = String(values.scale ?? "small");
  const ops = parsePositiveInt("ops", String(values.ops ?? "300"), 100_000);
  const shards = parsePositiveInt("shards", String(values.shards ?? "8"), 256);
  if (shards < 2)
    throw new UsageError(
      `--shards ${shards}: the sharded variant needs 2 to 256 shards, e.g. --shards 8`,
    );
  const reads = parsePositiveInt("reads", String(values.reads ?? "200"), 1_000_000);
  const database = String(values.database ?? "bellyfed_flaws");
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
    throw new UsageError(
      `--database '${database}' must be a lowercase PostgreSQL name (letters, digits, '_'), e.g. --database bellyfed_flaws`,
    );
  const names = String(values.scenarios ?? "rank-dish,follow,review")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !WRITE_SCENARIOS.includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--scenarios '${values.scenarios}': ${unknown.length ? `${unknown.join(", ")} ${unknown.length === 1 ? "is not a write scenario" : "are not write scenarios"}` : "no scenario given"}; use some of ${WRITE_SCENARIOS.join(", ")}, e.g. --scenarios rank-dish,follow,review`,
    );
  const out = values.out === undefined ? undefined : checkOutputPath("out", String(values.out));
  const sharded = await resolveVariant(`influence-sharded:${shards}`);
  const entity = await resolveVariant("leaderboards-by-entity");
  const { config } = resolveRequest({ scale, seed: 1 });
  const data = { scale, seed: config.seed };
  const say = (l: string) => process.stdout.write(`${l}\n`);

  const base = await resolveEndpoints();
  // the run's own database on the harness's server: it loads once and keeps the writes
  const admin = new pg.Client(pgClientConfig(base.pg));
  await admin.connect();
  try {
    const has = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (has.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const endpoints: Endpoints = {
    ...base,
    pg: { ...base.pg, database, description: `${base.pg.description} [${database}]` },
  };
  const bp = base.dynamo.tablePrefix;
  const prefixes: Prefixes = {
    design: `${bp}flaws_design_`,
    sharded: `${bp}flaws_sharded_`,
    entity: `${bp}flaws_entity_`,
  };
  say(
    `bench:flaws: ${scale} data in ${endpoints.pg.description}; DynamoDB ${base.dynamo.description}`,
  );
  await prepare(endpoints, prefixes, sharded, entity, data, say);

  const pgc = new pg.Client(pgClientConfig(endpoints.pg));
  await pgc.connect();
  const client = createDynamoClient(base.dynamo, 32);
  const nowIso = dataNowIso(config);
  const popTable = (p: string) => `${p}${USER_POPULARITY_TABLE}`;
  const lbTable = (p: string) => `${p}${LEADERBOARDS_TABLE}`;
  const writers = await setupWriters(endpoints, names, data);
  try {
    await markDataChanged(pgc, "bench:flaws");
    let popularity = await readPopularity(pgc);
    let boards = await readBoards(pgc);
    const order = schedule(
      writers.map((w) => w.rate),
      ops,
    );
    say(
      `write run: ${ops} transactions of ${writers.map((w) => `${w.name} (${w.rate}/s)`).join(", ")} mixed by their default rates, one at a time, each followed by the read models' recompute and the writes of the items that changed`,
    );
    interface PerScenario {
      ok: number;
      failed: number;
      firstError: string | null;
      allWcu: number;
      shardWcu: number;
      popItems: number;
      design: Tally;
      entity: Tally;
    }
    const per = new Map<string, PerScenario>(
      writers.map((w) => [
        w.name,
        {
          ok: 0,
          failed: 0,
          firstError: null,
          allWcu: 0,
          shardWcu: 0,
          popItems: 0,
          design: tally(),
          entity: tally(),
        },
      ]),
    );
    const perShard = new Map<string, number>(sharded.influencePartitions.map((v) => [v, 0]));
    const t0 = performance.now();
    let done = 0;
    for (const i of order) {
      if (done > 0 && done % 50 === 0)
        process.stderr.write(
          `  ${done}/${ops} transactions followed, ${f((performance.now() - t0) / 1000)} s\n`,
        );
      done++;
      const w = writers[i];
      const acc = per.get(w.name)!;
      try {
        await w.scenario.operation(w.state, w.scenario.sample(w.state, w.rng));
        acc.ok++;
      } catch (e) {
        acc.failed++;
        acc.firstError ??= String((e as Error).message ?? e).split("\n")[0];
        continue;
      }
      const tasks: Array<() => Promise<void>> = [];
      const pop = await readPopularity(pgc);
      const designPop = tally();
      for (const [id, row] of pop) {
        if (samePopularity(popularity.get(id), row)) continue;
        acc.popItems++;
        tasks.push(async () => {
          await put(client, popTable(prefixes.design), popularityItem(row), designPop);
        });
        tasks.push(async () => {
          const ix = await put(
            client,
            popTable(prefixes.sharded),
            popularityItem(row, sharded),
            tally(),
          );
          const shard = sharded.influencePartition(id);
          const u = ix[INFLUENCE_SCORE_INDEX] ?? 0;
          perShard.set(shard, (perShard.get(shard) ?? 0) + u);
          acc.shardWcu += u;
        });
      }
      popularity = pop;
      // only dish_rankings feed the leaderboards
      const lbs = w.name === "rank-dish" ? await readBoards(pgc) : boards;
      for (const type of lbs === boards ? [] : new Set([...boards.keys(), ...lbs.keys()])) {
        const was = boards.get(type) ?? [];
        const now = lbs.get(type) ?? [];
        // keyed by rank: every position whose holder or figures changed
        for (let k = 0; k < Math.max(was.length, now.length); k++) {
          const n = now[k];
          if (n && !sameEntry(was[k], n))
            tasks.push(async () => {
              await put(client, lbTable(prefixes.design), leaderboardItem(n, nowIso), acc.design);
            });
          else if (!n) {
            const item = leaderboardItem(was[k], nowIso);
            tasks.push(() =>
              del(client, lbTable(prefixes.design), itemKey(LEADERBOARDS_TABLE, item), acc.design),
            );
          }
        }
        // keyed by entity: only the restaurants whose figures changed, and those that left
        const wasBy = new Map(was.map((r) => [r.entity_id, r]));
        const nowIds = new Set(now.map((r) => r.entity_id));
        for (const n of now) {
          const o = wasBy.get(n.entity_id);
          if (
            o &&
            o.score === n.score &&
            o.ranking_count === n.ranking_count &&
            o.entity_name === n.entity_name
          )
            continue;
          tasks.push(async () => {
            await put(
              client,
              lbTable(prefixes.entity),
              leaderboardItem(n, nowIso, entity),
              acc.entity,
            );
          });
        }
        for (const o of was) {
          if (nowIds.has(o.entity_id)) continue;
          const item = leaderboardItem(o, nowIso, entity);
          tasks.push(() =>
            del(
              client,
              lbTable(prefixes.entity),
              itemKey(LEADERBOARDS_TABLE, item, entity),
              acc.entity,
            ),
          );
        }
      }
      boards = lbs;
      await pooled(tasks);
      acc.allWcu += designPop.indexWcu[INFLUENCE_SCORE_INDEX] ?? 0;
    }
    const seconds = (performance.now() - t0) / 1000;

    // ---------------------------------------------------------- reads
    say(`experts read cost: ${reads} reads each (pages drawn as the scenario draws them)`);
    const at = (p: string): Endpoints => ({
      ...endpoints,
      dynamo: { ...base.dynamo, tablePrefix: p },
    });
    const readBefore = await expertsCost(at(prefixes.design), reads, data);
    const readAfter = await expertsCost(at(prefixes.sharded), reads, data);

    // ---------------------------------------------------------- figures
    const scen = [...per.entries()].map(([name, a]) => {
      const w = writers.find((x) => x.name === name)!;
      return {
        name,
        rate: w.rate,
        ok: a.ok,
        failed: a.failed,
        firstError: a.firstError,
        popularityItemsPerWrite: a.ok ? a.popItems / a.ok : 0,
        allWcuPerWrite: a.ok ? a.allWcu / a.ok : 0,
        shardWcuPerWrite: a.ok ? a.shardWcu / a.ok : 0,
      };
    });
    // per second at the default rates: each scenario's rate times its measured units per write
    const mixRate = scen.reduce((t, x) => t + x.rate, 0);
    const allPerS = scen.reduce((t, x) => t + x.rate * x.allWcuPerWrite, 0);
    const shardTotalPerS = scen.reduce((t, x) => t + x.rate * x.shardWcuPerWrite, 0);
    const shardSum = [...perShard.values()].reduce((a, b) => a + b, 0);
    const hottestShare = shardSum ? Math.max(...perShard.values()) / shardSum : 0;
    const hottestPerS = shardTotalPerS * hottestShare;
    const ceilingAt = (wcuPerS: number) =>
      wcuPerS > 0 ? (PARTITION_WCU * mixRate) / wcuPerS : null;
    const rankings = per.get("rank-dish")?.ok ?? 0;
    const lbDesign = per.get("rank-dish")?.design ?? tally();
    const lbEntity = per.get("rank-dish")?.entity ?? tally();
    const lbWcu = (t: Tally) => t.tableWcu + Object.values(t.indexWcu).reduce((a, b) => a + b, 0);
    const lbFigures = (t: Tally, variant: string) => ({
      variant,
      puts: t.puts,
      deletes: t.deletes,
      itemsPerRankingWrite: rankings ? (t.puts + t.deletes) / rankings : 0,
      wcu: lbWcu(t),
      wcuPerRankingWrite: rankings ? lbWcu(t) / rankings : 0,
      tableWcu: t.tableWcu,
      indexWcu: t.indexWcu,
    });
    const result = {
      kind: "bellyfed-bench/flaws",
      version: 1,
      date: new Date().toISOString(),
      data: { ...data, database },
      dynamodb: base.dynamo.description,
      writeRun: {
        transactions: ops,
        seconds,
        scenarios: scen,
        defaultRatesPerSecond: mixRate,
        note: "one transaction at a time, each followed by the read models' recompute (the loader's SQL) and the writes of the changed items: units per write are exact; per second = each scenario's default rate x its units per write",
      },
      influenceIndex: {
        partitionWcu: PARTITION_WCU,
        before: {
          variant: "design",
          keys: 1,
          wcuPerSecond: allPerS,
          pressure: partitionPressure({ rcuPerSecond: 0, wcuPerSecond: allPerS }),
          writesPerSecondAtCeiling: ceilingAt(allPerS),
        },
        after: {
          variant: sharded.name,
          keys: shards,
          perShardWcu: Object.fromEntries(perShard),
          hottestShardShare: hottestShare,
          hottestShardWcuPerSecond: hottestPerS,
          pressure: partitionPressure({ rcuPerSecond: 0, wcuPerSecond: hottestPerS }),
          writesPerSecondAtCeiling: ceilingAt(hottestPerS),
        },
      },
      expertsRead: {
        partitionRcu: PARTITION_RCU,
        before: {
          ...readBefore,
          readsPerSecondAtCeiling: PARTITION_RCU / Math.max(readBefore.rcuPerRead, 1e-9),
        },
        after: {
          ...readAfter,
          rcuPerReadFromArithmetic: scatterGatherReads(shards, readAfter.rcuPerShardQuery),
          // every logical read queries every shard: each shard's partition takes the whole read rate
          readsPerSecondAtCeiling: PARTITION_RCU / Math.max(readAfter.rcuPerShardQuery, 1e-9),
        },
      },
      leaderboards: {
        rankingWrites: rankings,
        before: lbFigures(lbDesign, "design"),
        after: { ...lbFigures(lbEntity, entity.name), orderIndex: LEADERBOARD_ORDER_INDEX },
      },
    };

    for (const x of scen)
      say(
        `  ${x.name}: ${x.ok} written${x.failed ? ` (+${x.failed} failed: ${x.firstError})` : ""}, ${f(x.popularityItemsPerWrite, 2)} popularity items and ${f(x.allWcuPerWrite, 2)} InfluenceScoreIndex WCU per write`,
      );
    say(`  ${ops} transactions followed in ${f(seconds)} s`);
    const ib = result.influenceIndex.before;
    const ia = result.influenceIndex.after;
    const eb = result.expertsRead.before;
    const ea = result.expertsRead.after;
    const lb = result.leaderboards.before;
    const la = result.leaderboards.after;
    const pct = (x: number) => `${f(x * 100)}%`;
    const atCeil = (x: number | null) =>
      x === null ? "-" : `${Math.round(x).toLocaleString("en-US")} writes/s`;
    const rows: string[][] = [
      ["", "before (design)", `after (${sharded.name} / ${entity.name})`],
      ["InfluenceScoreIndex keys", "1 (ALL)", `${shards} (ALL#0..${shards - 1})`],
      [
        `  WCU/s on the hottest key at ${mixRate} writes/s`,
        `${f(ib.wcuPerSecond)} (${pct(ib.pressure.wcuShare)} of 1,000)`,
        `${f(ia.hottestShardWcuPerSecond)} (${pct(ia.pressure.wcuShare)} of 1,000; hottest shard ${pct(ia.hottestShardShare)} of the index's units)`,
      ],
      [
        "  write rate (same mix) at 1,000 WCU/s on it",
        atCeil(ib.writesPerSecondAtCeiling),
        atCeil(ia.writesPerSecondAtCeiling),
      ],
      ["experts read: queries per read", "1", String(ea.queriesPerRead)],
      [
        "  RCU per read",
        f(eb.rcuPerRead, 2),
        `${f(ea.rcuPerRead, 2)} (${ea.queriesPerRead} x ${f(ea.rcuPerShardQuery, 2)})`,
      ],
      [
        "  reads/s at 3,000 RCU/s per partition",
        Math.round(eb.readsPerSecondAtCeiling).toLocaleString("en-US"),
        Math.round(ea.readsPerSecondAtCeiling).toLocaleString("en-US"),
      ],
      ["  mean ms per read (DynamoDB Local; noisy)", f(eb.meanMsLocal, 2), f(ea.meanMsLocal, 2)],
      [
        `leaderboard items written per ranking write (${rankings})`,
        f(lb.itemsPerRankingWrite, 2),
        f(la.itemsPerRankingWrite, 2),
      ],
      [
        "  WCU per ranking write (table + index)",
        `${f(lb.wcuPerRankingWrite, 2)} (${f(lb.tableWcu / Math.max(rankings, 1), 2)} + 0)`,
        `${f(la.wcuPerRankingWrite, 2)} (${f(la.tableWcu / Math.max(rankings, 1), 2)} + ${f((la.wcu - la.tableWcu) / Math.max(rankings, 1), 2)})`,
      ],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const r of rows) say(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    if (out) {
      writeOutputFile(out, `${JSON.stringify(result, null, 2)}\n`);
      say(`wrote ${out}`);
    }
    return 0;
  } finally {
    for (const w of writers) {
      await w.scenario.teardown?.(w.state);
      await w.pgStore.close();
    }
    client.destroy();
    await pgc.end().catch(() => {});
  }
});
