import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type AttributeValue, BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { median } from "../../core/median.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { type Dataset, TABLES, type TableName } from "../../generators/index.ts";
import type { Item } from "../../load/batch-writer.ts";
import { loadDynamo, resetDynamoTables } from "../../load/dynamo-loader.ts";
import { runLanes, sharedDataset } from "../../load/lanes.ts";
import { streamRows } from "../../load/pg-cursor.ts";
import {
  DEFAULT_LANES,
  LANE_SESSION,
  loadPostgres,
  prepareForBulkLoad,
} from "../../load/pg-loader.ts";
import { type CopyTask, planTasks } from "../../load/plan.ts";
import { LoadProgress } from "../../load/progress.ts";
import { READ_MODELS } from "../../load/read-models.ts";
import { dataNowIso, resolveRequest } from "../../load/request.ts";
import {
  dropDynamoMarkerTable,
  dropDynamoTables,
  loadIndexSet,
  readPgMarker,
} from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { PgTarget } from "../../stores/types.ts";
import { type FlagSpec, helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

/**
 * bench:load — the loader against the limits it can reach, on a scratch
 * database and DynamoDB prefix (dropped at the end):
 * - PostgreSQL: the loader's COPY phase (rows generated on worker threads and
 *   streamed) against a plain COPY of the same rows from files (written
 *   first), with the same lanes, tables and session; rounds alternate.
 * - DynamoDB: the loader (SQL aggregates streamed into BatchWriteItem) against
 *   a bare BatchWriteItem loop of the same items, same concurrency.
 * - peak RSS of this process (main thread and lanes) during the load; with
 *   --probe-rss SCALE also the generation lanes at a large scale on samples.
 */

const FLAGS: FlagSpec = {
  scale: { type: "string", description: "Scale preset", default: "small" },
  seed: { type: "string", description: "Seed", default: "1" },
  lanes: { type: "string", description: "COPY lanes", default: String(DEFAULT_LANES) },
  rounds: {
    type: "string",
    description: "Alternating rounds of plain COPY and loader COPY",
    default: "2",
  },
  "dynamo-concurrency": {
    type: "string",
    description: "BatchWriteItem requests in flight",
    default: "16",
  },
  "dynamo-rounds": {
    type: "string",
    description: "Alternating rounds of DynamoDB loader and bare loop (order flips each round)",
    default: "2",
  },
  "skip-dynamo": { type: "boolean", description: "Measure PostgreSQL only" },
  "skip-pg": {
    type: "boolean",
    description:
      "Measure DynamoDB only, reading the aggregates from the configured database's complete load of this scale and seed (load it first)",
  },
  "dynamo-endpoint": {
    type: "string",
    description: "DynamoDB endpoint URL to measure instead of the configured one",
  },
  "probe-rss": {
    type: "string",
    description: "Also measure generation RSS at this scale (e.g. large) on sampled ranges",
  },
  out: { type: "string", description: "Write the figures as JSON to FILE" },
};

interface Phase {
  wallMs: number;
  tables: Record<string, { rows: number; bytes: number; laneMs: number }>;
}

class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout;
  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
  }
  sample(): void {
    const r = process.memoryUsage.rss();
    if (r > this.peak) this.peak = r;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak / 1048576;
  }
}

async function withClient<T>(t: PgTarget, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(pgClientConfig(t));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function copyRound(
  target: PgTarget,
  config: Dataset["config"],
  lanes: number,
  tasks: (CopyTask & { sourceFile?: string })[],
): Promise<Phase> {
  await withClient(target, prepareForBulkLoad);
  const tables: Phase["tables"] = {};
  const t0 = performance.now();
  await runLanes({
    lanes,
    init: { config, pg: target, session: LANE_SESSION, chunkBytes: 256 * 1024 },
    tasks,
    onTaskDone: (table, r) => {
      tables[table] ??= { rows: 0, bytes: 0, laneMs: 0 };
      const f = tables[table];
      f.rows += r.rows;
      f.bytes += r.bytes;
      f.laneMs += r.ms;
    },
  });
  return { wallMs: performance.now() - t0, tables };
}

/**
 * The bare loop: the same items, BatchWriteItem of 25, `concurrency` in
 * flight, unprocessed items resent. Its requests ask for
 * ReturnConsumedCapacity=INDEXES like the loader's (the loader must sum
 * capacity per table and GSI): DynamoDB Local spends about 15-20% more time
 * on a request that asks for it, which a loop without it would count against
 * the loader.
 */
async function bareLoop(
  client: ReturnType<typeof createDynamoClient>,
  batches: { table: string; items: Item[] }[],
  concurrency: number,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        let pending: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> = {
          [b.table]: b.items.map((Item) => ({ PutRequest: { Item } })),
        };
        for (;;) {
          const out = await client.send(
            new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: "INDEXES" }),
          );
          const left = out.UnprocessedItems ?? {};
          if (Object.values(left).every((r) => r.length === 0)) break;
          pending = left as typeof pending;
        }
      }
    }),
  );
  return performance.now() - t0;
}

async function probeRss(
  scale: string,
  seed: string,
  lanes: number,
): Promise<Record<string, unknown>> {
  const { config } = resolveRequest({ scale, seed });
  const sampler = new RssSampler();
  const counts = sharedDataset(config).dataset.counts(); // the World the lanes share, built once
  const tasks: (CopyTask & { targetFile: string })[] = [];
  // 200k rows at the start, the middle and the end of every table, generated to /dev/null
  for (const table of TABLES) {
    const n = counts[table];
    for (const at of [0, Math.floor(n / 2), Math.max(0, n - 200_000)]) {
      const to = Math.min(n, at + 200_000);
      if (to > at) tasks.push({ table, from: at, to, targetFile: "/dev/null" });
    }
  }
  const t0 = performance.now();
  const done = await runLanes({
    lanes,
    init: { config, pg: null, session: [], chunkBytes: 256 * 1024 },
    tasks,
  });
  const ms = performance.now() - t0;
  const rows = done.reduce((a, r) => a + r.rows, 0);
  return {
    scale,
    users: config.users,
    expectedRows: counts,
    sampledRows: rows,
    generationRowsPerS: Math.round((rows * 1000) / ms),
    peakRssMb: Math.round(sampler.stop()),
  };
}

interface DynamoRounds {
  loader: Awaited<ReturnType<typeof loadDynamo>>[];
  bareMs: number[];
  /** "loader" / "bare" in the order they ran */
  order: string[];
}

/** The loader's items, built by the loader's own SQL and item functions, in batches of 25. */
async function sameItems(
  target: PgTarget,
  nowIso: string,
  prefix: string,
): Promise<{ table: string; items: Item[] }[]> {
  const batches: { table: string; items: Item[] }[] = [];
  await withClient(target, async (c) => {
    for (const m of READ_MODELS) {
      let cur: Item[] = [];
      await streamRows<never>(c, m.sql, m.params(nowIso.replace("Z", "")), (rows) => {
        for (const r of rows) {
          cur.push(m.toItem(r, nowIso));
          if (cur.length === 25) {
            batches.push({ table: `${prefix}${m.table}`, items: cur });
            cur = [];
          }
        }
      });
      if (cur.length) batches.push({ table: `${prefix}${m.table}`, items: cur });
    }
  });
  return batches;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags("bench:load", argv, FLAGS);
  for (const [k, spec] of Object.entries(FLAGS)) values[k] ??= spec.default;
  if (values.help === true) {
    process.stdout.write(
      `${helpText("npx tsx scripts/bench/load.ts [--scale small] [--out FILE]", "Loader throughput against plain COPY and a bare BatchWriteItem loop; peak RSS.", FLAGS)}\n`,
    );
    return 0;
  }
  // checked before the benchmark, so its figures are never lost to a bad path
  if (typeof values.out === "string") checkOutputPath("out", values.out);
  const { config, label } = resolveRequest({
    scale: values.scale as string,
    seed: values.seed as string,
  });
  const lanes = parsePositiveInt("lanes", values.lanes as string, 16);
  const rounds = parsePositiveInt("rounds", values.rounds as string, 10);
  const dynRounds = parsePositiveInt("dynamo-rounds", values["dynamo-rounds"] as string, 10);
  const dynConc = parsePositiveInt(
    "dynamo-concurrency",
    values["dynamo-concurrency"] as string,
    256,
  );
  const skipPg = values["skip-pg"] === true;
  const skipDynamo = values["skip-dynamo"] === true;
  if (skipPg && skipDynamo) {
    throw new UsageError("--skip-pg and --skip-dynamo leave nothing to measure; drop one of them");
  }
  const probe = values["probe-rss"] as string | undefined;
  if (probe !== undefined) resolveRequest({ scale: probe, seed: values.seed as string });

  const endpoints = await resolveEndpoints();
  const dynamoUrl = values["dynamo-endpoint"] as string | undefined;
  if (dynamoUrl !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(dynamoUrl)) {
      throw new UsageError(
        `--dynamo-endpoint '${dynamoUrl}' is not a URL; write it like http://127.0.0.1:8000`,
      );
    }
    endpoints.dynamo = {
      ...endpoints.dynamo,
      endpoint: dynamoUrl,
      description: `DynamoDB at ${dynamoUrl}`,
    };
  }
  if (skipPg) {
    // the DynamoDB part only reads PostgreSQL: reuse a complete load of this scale and seed
    const marker = await withClient(endpoints.pg, readPgMarker);
    const l = marker?.load;
    if (!(l && l.status === "complete" && l.scale === label && l.seed === config.seed)) {
      throw new UsageError(
        `--skip-pg: ${endpoints.pg.description} holds no complete load of ${label} seed ${config.seed}; run 'bellyfed-bench load --scale ${label} --seed ${config.seed} --only pg' first, or drop --skip-pg`,
      );
    }
  }
  const tag = randomBytes(3).toString("hex");
  const database = `bbbench_load_${tag}`;
  const target: PgTarget = skipPg
    ? endpoints.pg
    : {
        ...endpoints.pg,
        database,
        description: `${endpoints.pg.description} [scratch ${database}]`,
      };
  const prefix = `${endpoints.dynamo.tablePrefix}bbbench_${tag}_`;
  const dir = join(tmpdir(), `bbbench-load-${tag}`);
  if (!skipPg) await withClient(endpoints.pg, (c) => c.query(`CREATE DATABASE ${database}`));
  const dyn = createDynamoClient(endpoints.dynamo, Math.max(64, dynConc));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // the scratch database, tables and files go whatever happens (Ctrl-C included)
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    rmSync(dir, { recursive: true, force: true });
    if (!skipPg) {
      await withClient(endpoints.pg, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      ).catch(() => {});
    }
    await dropDynamoTables(dyn, { prefix, force: true }).catch(() => {});
    await dropDynamoMarkerTable(dyn, prefix).catch(() => {});
    dyn.destroy();
  };
  const onSignal = () => {
    log("bench:load: interrupted; dropping the scratch database and tables");
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    scale: label,
    seed: config.seed,
    lanes,
    rounds,
    dynamoRounds: dynRounds,
    pg: target.description,
    dynamo: endpoints.dynamo.description,
  };
  const nowIso = dataNowIso(config);
  const dynamo: DynamoRounds = { loader: [], bareMs: [], order: [] };
  const runLoader = async () => {
    log(`bench:load: DynamoDB read models (loader), round ${dynamo.loader.length + 1}`);
    const dp = new LoadProgress("items", process.stderr);
    try {
      dynamo.loader.push(
        await loadDynamo({
          client: dyn,
          prefix,
          pg: target,
          scale: label,
          seed: config.seed,
          nowIso,
          concurrency: dynConc,
          progress: dp,
        }),
      );
    } finally {
      dp.stop();
    }
    dynamo.order.push("loader");
  };
  try {
    if (!skipPg) await benchPostgres();
    if (!skipDynamo) await benchDynamo();
    report.maxRssWholeRunMb = Math.round(process.resourceUsage().maxRSS / 1024);
  } finally {
    await cleanup();
  }
  printReport(report);
  if (values.out) writeOutputFile(values.out as string, `${JSON.stringify(report, null, 2)}\n`);
  return 0;

  async function benchPostgres(): Promise<void> {
    // 1. the real load (copy, index set, FKs, VACUUM ANALYZE), with its peak RSS
    log(`bench:load: loading ${label} seed ${config.seed} into ${target.description}`);
    const sampler = new RssSampler();
    const progress = new LoadProgress("rows", process.stderr);
    const full = await loadPostgres({
      target,
      config,
      label,
      indexSet: loadIndexSet("seed"),
      lanes,
      progress,
    });
    progress.stop();
    // the loader's first run belongs to the whole load's peak RSS; its time is
    // not a round (a cold first run), the timed rounds come after a warm-up
    if (!skipDynamo) {
      await runLoader();
      dynamo.loader.length = 0;
      dynamo.order.length = 0;
    }
    const peakRssMb = sampler.stop();

    // 2. the same COPY text to files
    const tasks = planTasks(sharedDataset(config).dataset);
    mkdirSync(dir, { recursive: true });
    const files = tasks.map((t, i) => join(dir, `${i}-${t.table}.copy`));
    log(`bench:load: writing the COPY text of ${tasks.length} ranges to ${dir}`);
    await runLanes({
      lanes,
      init: { config, pg: null, session: [], chunkBytes: 256 * 1024 },
      tasks: tasks.map((t, i) => ({ ...t, targetFile: files[i] })),
    });

    // 3. alternating rounds: plain COPY from the files, the loader's COPY phase
    const loaderRounds: Phase[] = [
      {
        wallMs: full.copyMs,
        tables: Object.fromEntries(
          Object.entries(full.tables).map(([t, f]) => [
            t,
            { rows: f.rows, bytes: f.bytes, laneMs: f.laneMs },
          ]),
        ),
      },
    ];
    const plainRounds: Phase[] = [];
    for (let r = 0; r < rounds; r++) {
      log(`bench:load: round ${r + 1}/${rounds}: plain COPY from files`);
      plainRounds.push(
        await copyRound(
          target,
          config,
          lanes,
          tasks.map((t, i) => ({ ...t, sourceFile: files[i] })),
        ),
      );
      if (r < rounds - 1) {
        log(`bench:load: round ${r + 1}/${rounds}: loader COPY (generated)`);
        loaderRounds.push(await copyRound(target, config, lanes, tasks));
      }
    }
    rmSync(dir, { recursive: true, force: true });
    const totalRows = Object.values(full.tables).reduce((a, f) => a + f.rows, 0);
    const totalBytes = Object.values(full.tables).reduce((a, f) => a + f.bytes, 0);
    const loaderMs = median(loaderRounds.map((p) => p.wallMs));
    const plainMs = median(plainRounds.map((p) => p.wallMs));
    const perTable = TABLES.map((t: TableName) => {
      const rows = full.tables[t].rows;
      const bytes = full.tables[t].bytes;
      const lms = median(loaderRounds.map((p) => p.tables[t]?.laneMs ?? 0));
      const pms = median(plainRounds.map((p) => p.tables[t]?.laneMs ?? 0));
      return {
        table: t,
        rows,
        mb: bytes / 1e6,
        loaderRowsPerS: lms > 0 ? (rows * 1000) / lms : 0,
        loaderMBPerS: lms > 0 ? bytes / 1e3 / lms : 0,
        plainRowsPerS: pms > 0 ? (rows * 1000) / pms : 0,
        ratio: lms > 0 ? pms / lms : 0,
      };
    });
    const postMs =
      (full.phases.indexes ?? 0) + (full.phases["foreign keys"] ?? 0) + (full.phases.analyze ?? 0);
    report.postgres = {
      rows: totalRows,
      mb: totalBytes / 1e6,
      loaderCopyMs: loaderMs,
      plainCopyMs: plainMs,
      loaderRowsPerS: (totalRows * 1000) / loaderMs,
      loaderMBPerS: totalBytes / 1e3 / loaderMs,
      plainRowsPerS: (totalRows * 1000) / plainMs,
      plainMBPerS: totalBytes / 1e3 / plainMs,
      ratio: plainMs / loaderMs,
      target: 0.8,
      loaderRoundsMs: loaderRounds.map((p) => Math.round(p.wallMs)),
      plainRoundsMs: plainRounds.map((p) => Math.round(p.wallMs)),
      wholeLoadMs: full.durationMs,
      phasesMs: full.phases,
      afterCopyMs: postMs,
      perTable,
    };
    report.peakRssMb = Math.round(peakRssMb);
    report.peakRssTargetMb = 300;
    if (probe) {
      log(`bench:load: generation RSS probe at ${probe}`);
      report.rssProbe = await probeRss(probe, values.seed as string, lanes);
    }
  }

  async function benchDynamo(): Promise<void> {
    // 4. DynamoDB: loader rounds against a bare loop over the same items, same
    // concurrency and endpoint, from empty tables each time, after one untimed
    // warm-up pass (the first run in a process is 20-40% slower: JIT, sockets);
    // the order flips every round (L B, B L, L B, ...) so drift falls on both sides
    const batches = await sameItems(target, nowIso, prefix);
    const items = batches.reduce((a, b) => a + b.items.length, 0);
    log("bench:load: DynamoDB warm-up (untimed bare loop over the same items)");
    await resetDynamoTables(dyn, prefix);
    report.dynamoWarmupMs = Math.round(await bareLoop(dyn, batches, dynConc));
    const runBare = async () => {
      log(`bench:load: DynamoDB bare BatchWriteItem loop, round ${dynamo.bareMs.length + 1}`);
      await resetDynamoTables(dyn, prefix);
      dynamo.bareMs.push(await bareLoop(dyn, batches, dynConc));
      dynamo.order.push("bare");
    };
    for (let r = 0; r < dynRounds; r++) {
      const loaderFirst = r % 2 === 0;
      if (loaderFirst) await runLoader();
      await runBare();
      if (!loaderFirst) await runLoader();
    }
    const first = dynamo.loader[0];
    const loaderItems = Object.values(first.itemCounts).reduce((a, b) => a + b, 0);
    const loaderMs = median(dynamo.loader.map((l) => l.writeMs));
    const bareMs = median(dynamo.bareMs);
    const last = dynamo.loader[dynamo.loader.length - 1];
    report.dynamodb = {
      items: loaderItems,
      bareItems: items,
      concurrency: dynConc,
      rounds: dynRounds,
      order: dynamo.order,
      loaderMs,
      loaderRoundsMs: dynamo.loader.map((l) => l.writeMs),
      // the loader's SQL starts with its table reset: this span counts from the first query
      loaderQueryToEndMs: median(dynamo.loader.map((l) => l.queryToEndMs)),
      loaderItemsPerS: (loaderItems * 1000) / loaderMs,
      bareMs,
      bareRoundsMs: dynamo.bareMs.map(Math.round),
      bareItemsPerS: (items * 1000) / bareMs,
      // each round's loader and bare loop run back to back: the median of the
      // rounds' ratios is immune to load that drifts across rounds (on a quiet
      // machine it equals the ratio of the medians, printed too)
      ratio: median(
        dynamo.loader.map(
          (l, i) => (loaderItems * 1000) / l.writeMs / ((items * 1000) / dynamo.bareMs[i]),
        ),
      ),
      roundRatios: dynamo.loader.map(
        (l, i) => (loaderItems * 1000) / l.writeMs / ((items * 1000) / dynamo.bareMs[i]),
      ),
      ratioOfMedians: (loaderItems * 1000) / loaderMs / ((items * 1000) / bareMs),
      // the pessimistic view: the loader timed from its first query (its table reset included)
      ratioFromFirstQuery: median(
        dynamo.loader.map(
          (l, i) => (loaderItems * 1000) / l.queryToEndMs / ((items * 1000) / dynamo.bareMs[i]),
        ),
      ),
      target: 0.8,
      itemCounts: first.itemCounts,
      consumedWriteCapacity: last.capacity,
      requests: last.requests,
      retries: last.retries,
      throttles: last.throttles,
    };
  }
}

function printReport(r: Record<string, unknown>): void {
  const p = r.postgres as
    | (Record<string, number> & {
        perTable: Record<string, number | string>[];
        phasesMs: Record<string, number>;
      })
    | undefined;
  const f = (n: number, d = 0) =>
    n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  const out: string[] = [];
  const m = r.machine as Record<string, unknown>;
  out.push(`bench:load ${r.date}  ${m.cpus} cores (${m.cpu}), ${m.memoryGb} GiB, Node ${m.node}`);
  out.push(`scale ${r.scale} seed ${r.seed}, ${r.lanes} lanes, ${r.rounds} round(s); ${r.pg}`);
  if (p) {
    out.push("");
    out.push(
      `${"table".padEnd(21)} ${"rows".padStart(10)} ${"MB".padStart(7)} ${"loader rows/s".padStart(14)} ${"MB/s".padStart(6)} ${"plain rows/s".padStart(13)} ${"ratio".padStart(6)}`,
    );
    for (const t of p.perTable) {
      out.push(
        `${String(t.table).padEnd(21)} ${f(t.rows as number).padStart(10)} ${f(t.mb as number, 1).padStart(7)} ${f(t.loaderRowsPerS as number).padStart(14)} ${f(t.loaderMBPerS as number, 1).padStart(6)} ${f(t.plainRowsPerS as number).padStart(13)} ${f(t.ratio as number, 2).padStart(6)}`,
      );
    }
    out.push("(per table: rows per second of lane time; the lanes run tables side by side)");
    out.push(
      `${"total (wall)".padEnd(21)} ${f(p.rows).padStart(10)} ${f(p.mb, 1).padStart(7)} ${f(p.loaderRowsPerS).padStart(14)} ${f(p.loaderMBPerS, 1).padStart(6)} ${f(p.plainRowsPerS).padStart(13)} ${f(p.ratio, 2).padStart(6)}  target >= 0.80: ${p.ratio >= 0.8 ? "met" : "NOT met"}`,
    );
    out.push(
      `whole PostgreSQL load ${f(p.wholeLoadMs / 1000, 1)} s: ${Object.entries(p.phasesMs)
        .map(([k, v]) => `${k} ${f(v / 1000, 1)} s`)
        .join(", ")}`,
    );
    out.push(
      `peak RSS during the load ${r.peakRssMb} MB (target <= 300 MB: ${(r.peakRssMb as number) <= 300 ? "met" : "NOT met"}); whole run ${r.maxRssWholeRunMb} MB`,
    );
  }
  const d = r.dynamodb as Record<string, number> | undefined;
  if (d) {
    out.push(
      `DynamoDB: ${f(d.items)} items, loader ${f(d.loaderItemsPerS)} items/s, bare BatchWriteItem loop ${f(d.bareItemsPerS)} items/s, ratio ${f(d.ratio, 2)} (target >= 0.80: ${d.ratio >= 0.8 ? "met" : "NOT met"}), concurrency ${d.concurrency}`,
    );
    const rd = r.dynamodb as {
      loaderRoundsMs: number[];
      bareRoundsMs: number[];
      rounds: number;
      loaderQueryToEndMs: number;
      roundRatios: number[];
      ratioOfMedians: number;
      ratioFromFirstQuery: number;
    };
    out.push(
      `  ${rd.rounds} alternating round(s): loader ${rd.loaderRoundsMs.map((x) => f(x / 1000, 2)).join(" / ")} s, bare ${rd.bareRoundsMs.map((x) => f(x / 1000, 2)).join(" / ")} s`,
      `  ratio = median of the rounds' ratios ${rd.roundRatios.map((x) => f(x, 2)).join(" / ")}; ratio of the medians ${f(rd.ratioOfMedians, 2)}`,
      `  both timed from empty tables ready to the last write; the loader's SQL starts with its table reset (timed from its first query instead: median ${f(rd.loaderQueryToEndMs / 1000, 2)} s, ratio ${f(rd.ratioFromFirstQuery, 2)})`,
    );
    const cap = (
      r.dynamodb as { consumedWriteCapacity: { total: number; byResource: Record<string, number> } }
    ).consumedWriteCapacity;
    out.push(
      `  consumed write capacity ${f(cap.total)} units: ${Object.entries(cap.byResource)
        .map(([k, v]) => `${k.replace(/^.*bbbench_[0-9a-f]+_/, "")} ${f(v)}`)
        .join(", ")}`,
    );
  }
  const probe = r.rssProbe as Record<string, unknown> | undefined;
  if (probe) {
    out.push(
      `RSS probe ${probe.scale} (${f(probe.users as number)} users; ${f(probe.sampledRows as number)} rows generated from the start, middle and end of every table): peak ${probe.peakRssMb} MB, ${f(probe.generationRowsPerS as number)} rows/s`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

runMain(main);
