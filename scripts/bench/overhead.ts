/**
 * `npm run bench:overhead`: how much of the stores' speed the harness keeps.
 *
 * PostgreSQL: pgbench's select-only transaction (one prepared point query by
 * primary key) with the same number of connections for the same time,
 * through (1) `pgbench -S -M prepared` (when installed) with as many client
 * threads (`-j`) as the harness is tried with, (2) the harness engine (closed
 * model, one VU per connection, on 1..N worker threads) and (3) bare node-pg
 * and wire-client loops, for reference. The headline ratio is the harness's
 * best against pgbench's best; each harness row also shows the ratio to
 * pgbench with the same number of client threads. Runs in a scratch database the
 * benchmark creates, marks, fills with `pgbench -i` and drops.
 *
 * DynamoDB: a Query of one 10-item partition through a bare AWS SDK loop and
 * through the harness, same client settings and concurrency, on a table the
 * benchmark creates and deletes.
 *
 * Latency (`--only latency`): `pgbench -R` and the harness's open model at
 * the same rate on the same prepared statement, each drawing its parameter
 * from one weighted parameter table (scripts/bench/overhead/pg-weighted.ts),
 * in rounds that alternate which goes first; p50/p95/p99 from scheduled start
 * (pgbench's from its per-transaction log, in the same HdrHistogram as the
 * harness's), their ratios, and what the harness's tail was made of
 * (service time, event-loop delay, GC). `--hog N` runs N CPU-burning
 * processes beside it, as on a busy shared machine.
 *
 * Every contender's client CPU per operation is shown on Linux (this
 * process's getrusage, pgbench's from /proc/self/stat once reaped).
 *
 * Prints the rates and ratios (targets: >= 0.8 of pgbench, >= 0.95 of the
 * bare SDK loop, latency a figure only); `--out FILE` writes them as JSON.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import pg from "pg";
import { redact, UsageError } from "../../core/errors.ts";
import { median } from "../../core/median.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import type { LoadModel } from "../../core/result.ts";
import { runStep } from "../../engine/run-step.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { connectWire, WireConnection } from "../../stores/pg-wire/connection.ts";
import { type PgClientKind, pgClientConfig } from "../../stores/postgres.ts";
import type { Endpoints, PgTarget } from "../../stores/types.ts";
import {
  type FlagSpec,
  helpText,
  parseDuration,
  parseFlags,
  parsePositiveInt,
  parsePositiveNumber,
} from "../lib/args.ts";
import { runMain } from "../lib/main.ts";
import { type CpuSample, cpuPerOp, cpuSample } from "./overhead/cpu.ts";
import { OVERHEAD_KEYS, OVERHEAD_TABLE } from "./overhead/dynamo-query.ts";
import { type LatencyComparison, latencyComparison } from "./overhead/latency.ts";
import { paramTableSql } from "./overhead/pg-weighted.ts";
import { exec, findPgbench, pgbenchConn, pgbenchProcessed } from "./overhead/pgbench.ts";

const SPEC: FlagSpec = {
  duration: {
    type: "string",
    description: "time per measurement, whole seconds (pgbench -T)",
    default: "5s; 10s for latency",
  },
  connections: { type: "string", description: "PostgreSQL connections (pgbench -c)", default: "8" },
  workers: {
    type: "string",
    description: "harness worker-thread counts to try, e.g. 1,2",
    default: "1,2",
  },
  "dynamo-concurrency": {
    type: "string",
    description: "concurrent DynamoDB Queries",
    default: "16",
  },
  only: {
    type: "string",
    description: "postgres, dynamodb or latency (default: all three)",
  },
  rate: {
    type: "string",
    description: "latency comparison: operations per second (pgbench -R)",
    default: "300",
  },
  hog: {
    type: "string",
    description: "latency comparison: CPU-burning processes to run beside it (a busy machine)",
    default: "0",
  },
  pgbench: {
    type: "string",
    description: "pgbench binary",
    default: "/usr/lib/postgresql/15/bin/pgbench, else pgbench on PATH",
  },
  repeat: {
    type: "string",
    description:
      "rounds; contenders alternate within a round, figures and ratios are medians over rounds",
    default: "3",
  },
  out: { type: "string", description: "write the figures as JSON to FILE" },
};

const SCRATCH_DB = "bellyfed_bench_overhead";
const SCRATCH_MARK = "created by bellyfed-bench bench:overhead";
const PG_SCENARIO = new URL("./overhead/pg-point.ts", import.meta.url).href;
const DYNAMO_SCENARIO = new URL("./overhead/dynamo-query.ts", import.meta.url).href;

interface Figures {
  postgres?: {
    connections: number;
    durationS: number;
    rounds: number;
    /** pgbench's best rate over the thread counts tried (`-j`) */
    pgbenchTps: number | null;
    /** pgbench's rate per thread count (`-j N`, N = the harness's worker counts) */
    pgbenchByThreads: Array<{ threads: number; tps: number; cpuUsPerOp: number | null }>;
    pgbenchNote?: string;
    bareNodePgQps: number;
    bareWireQps: number;
    /** client CPU per operation (Linux; null elsewhere), medians over rounds */
    bareNodePgCpuUsPerOp: number | null;
    bareWireCpuUsPerOp: number | null;
    harness: Array<{
      path: string;
      workers: number;
      qps: number;
      cpuUsPerOp: number | null;
      /** against pgbench's best rate, whatever its thread count */
      ratioToPgbench: number | null;
      /** against pgbench with as many client threads as the harness has workers */
      ratioToPgbenchSameThreads: number | null;
      ratioToBare: number;
    }>;
    best: { path: string; workers: number; ratioToPgbench: number | null };
  };
  dynamodb?: {
    concurrency: number;
    durationS: number;
    rounds: number;
    bareSdkQps: number;
    harnessQps: number;
    ratio: number;
    harnessP50Ms: number;
  };
  latency?: LatencyComparison;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags("bench:overhead", argv, SPEC);
  if (values.help) {
    process.stdout.write(
      `${helpText("npx tsx scripts/bench/overhead.ts [options]", "Harness overhead against pgbench and a bare AWS SDK loop.", SPEC)}\n`,
    );
    return 0;
  }
  // checked before the benchmark, so its figures are never lost to a bad path
  if (typeof values.out === "string") checkOutputPath("out", values.out);
  const only = values.only as string | undefined;
  if (only !== undefined && only !== "postgres" && only !== "dynamodb" && only !== "latency")
    throw new UsageError(`--only '${only}' is unknown; use postgres, dynamodb or latency`);
  const durationText = values.duration as string | undefined;
  const durationMs = parseDuration("duration", durationText ?? "5s");
  const latencyMs = parseDuration("duration", durationText ?? "10s");
  if (durationMs % 1000 !== 0)
    throw new UsageError(
      `--duration ${durationText} is not whole seconds, which pgbench -T needs; write it like --duration 5s`,
    );
  const rate = parsePositiveNumber("rate", (values.rate as string) ?? "300", 100_000);
  const hogs = parseCount("hog", (values.hog as string) ?? "0", 64);
  const connections = parsePositiveInt("connections", (values.connections as string) ?? "8", 1000);
  const workerCounts = [
    ...new Set(
      ((values.workers as string) ?? "1,2")
        .split(",")
        .map((w) => parsePositiveInt("workers", w, 64)),
    ),
  ];
  const concurrency = parsePositiveInt(
    "dynamo-concurrency",
    (values["dynamo-concurrency"] as string) ?? "16",
    1000,
  );
  const repeat = parsePositiveInt("repeat", (values.repeat as string) ?? "3", 20);
  const pgbench = findPgbench(values.pgbench as string | undefined);
  const runs = (what: string) => only === undefined || only === what;
  if (runs("latency") && !pgbench && only === "latency")
    throw new UsageError(
      "--only latency compares with pgbench, which is not installed; run apt-get install postgresql-15 (Debian puts pgbench there) or give --pgbench PATH",
    );

  if (!existsSync(new URL("./overhead/pg-point.ts", import.meta.url)))
    throw new Error("scripts/bench/overhead/ is missing");
  const { resolveEndpoints } = await import("../../stores/services.ts");
  const endpoints = await resolveEndpoints();
  const figures: Figures = {};
  if (runs("postgres"))
    figures.postgres = await postgresOverhead(
      endpoints,
      pgbench,
      connections,
      durationMs,
      workerCounts,
      repeat,
    );
  if (runs("dynamodb"))
    figures.dynamodb = await dynamoOverhead(endpoints, concurrency, durationMs, repeat);
  if (runs("latency")) {
    if (pgbench)
      figures.latency = await withScratch(endpoints.pg, pgbench, (scratch) =>
        latencyComparison({
          endpoints,
          scratch,
          pgbench,
          rate,
          connections,
          durationMs: latencyMs,
          rounds: repeat,
          hogs,
          log,
        }),
      );
    else
      log(
        "latency comparison left out: pgbench is not installed (Debian: apt-get install postgresql-15)",
      );
  }

  const out: string[] = [
    `bench:overhead on ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} CPUs), Node ${process.version}`,
    "",
  ];
  const p = figures.postgres;
  if (p) {
    out.push(
      `PostgreSQL, prepared point SELECT (pgbench -S), ${p.connections} connections, ${p.durationS}s each, median of ${p.rounds} alternating rounds`,
    );
    if (p.pgbenchTps === null)
      out.push(`  ${"pgbench -S -M prepared".padEnd(41)} n/a (${p.pgbenchNote})`);
    for (const { threads, tps, cpuUsPerOp } of p.pgbenchByThreads)
      out.push(
        `  ${`pgbench -S -M prepared -j ${threads} (${threads} thread${threads === 1 ? "" : "s"})`.padEnd(41)} ${fmt(tps)} tps${cpu(cpuUsPerOp)}`,
      );
    out.push(
      `  ${"bare node-pg loop".padEnd(41)} ${fmt(p.bareNodePgQps)} qps${cpu(p.bareNodePgCpuUsPerOp)}${p.pgbenchTps ? `  (${(p.bareNodePgQps / p.pgbenchTps).toFixed(2)} of pgbench's best)` : ""}`,
    );
    out.push(
      `  ${"bare wire-client loop".padEnd(41)} ${fmt(p.bareWireQps)} qps${cpu(p.bareWireCpuUsPerOp)}${p.pgbenchTps ? `  (${(p.bareWireQps / p.pgbenchTps).toFixed(2)} of pgbench's best)` : ""}`,
    );
    for (const h of p.harness) {
      out.push(
        `  harness ${`(${h.path} client, ${h.workers} worker${h.workers === 1 ? "" : "s"})`.padEnd(32)} ${fmt(h.qps)} qps${cpu(h.cpuUsPerOp)}  (${h.ratioToPgbench === null ? "-" : h.ratioToPgbench.toFixed(2)} of pgbench's best${h.ratioToPgbenchSameThreads === null ? "" : `, ${h.ratioToPgbenchSameThreads.toFixed(2)} of -j ${h.workers}`}, ${h.ratioToBare.toFixed(2)} of its bare loop)`,
      );
    }
    if (p.best.ratioToPgbench !== null)
      out.push(
        `  ratio harness/pgbench: ${p.best.ratioToPgbench.toFixed(2)} (harness's best: ${p.best.path}, ${p.best.workers} worker${p.best.workers === 1 ? "" : "s"}; pgbench's best thread count) ${p.best.ratioToPgbench >= 0.8 ? "✓" : "✗"} target >= 0.8`,
      );
    const same = p.harness
      .filter((h) => h.path === p.best.path && h.ratioToPgbenchSameThreads !== null)
      .map(
        (h) =>
          `${h.workers} worker${h.workers === 1 ? "" : "s"} vs -j ${h.workers}: ${h.ratioToPgbenchSameThreads?.toFixed(2)}`,
      );
    if (same.length > 0)
      out.push(`  same client threads (${p.best.path} client): ${same.join(", ")}`);
    if (p.harness[0]?.cpuUsPerOp !== null && p.harness[0]?.cpuUsPerOp !== undefined)
      out.push(
        "  CPU/op: the client's CPU (user + system, all threads) over its whole run per operation",
      );
    out.push("");
  }
  const d = figures.dynamodb;
  if (d) {
    out.push(
      `DynamoDB Query (one 10-item partition), ${d.concurrency} concurrent, ${d.durationS}s each, median of ${d.rounds} alternating rounds`,
    );
    out.push(`  bare AWS SDK loop          ${fmt(d.bareSdkQps)} qps`);
    out.push(`  harness                    ${fmt(d.harnessQps)} qps  (p50 ${d.harnessP50Ms} ms)`);
    out.push(
      `  ratio harness/bare SDK: ${d.ratio.toFixed(3)} ${d.ratio >= 0.95 ? "✓" : "✗"} target >= 0.95`,
    );
  }
  if (figures.latency) out.push("", ...latencyLines(figures.latency));
  process.stdout.write(`${out.join("\n")}\n`);
  if (typeof values.out === "string") {
    writeOutputFile(
      values.out,
      `${JSON.stringify({ benchmark: "overhead", node: process.version, cpus: os.cpus().length, ...figures }, null, 2)}\n`,
    );
    process.stdout.write(`figures: ${values.out}\n`);
  }
  return 0;
}

/** The latency comparison's lines: both contenders' percentiles, their ratios, the harness's tail. */
function latencyLines(l: LatencyComparison): string[] {
  const row = (name: string, f: { p50Ms: number; p95Ms: number; p99Ms: number }, extra: string) =>
    `  ${name.padEnd(28)} ${f.p50Ms.toFixed(3).padStart(8)} ${f.p95Ms.toFixed(3).padStart(8)} ${f.p99Ms.toFixed(3).padStart(8)}${extra}`;
  const cpuCol = (us: number | null) => (us === null ? "" : `  ${us.toFixed(0).padStart(5)} µs`);
  const h = l.harness;
  return [
    `Latency at ${l.rate}/s, prepared point SELECT with a weighted parameter table (${l.paramRows.toLocaleString("en-US")} keys), ${l.connections} connections, ${l.durationS}s after a ${l.warmupS}s warm-up, median of ${l.rounds} alternating rounds${l.hogs > 0 ? `, ${l.hogs} CPU hog${l.hogs === 1 ? "" : "s"} beside` : ""}`,
    `  ${"".padEnd(28)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}${l.pgbench.cpuUsPerOp === null ? "" : "  CPU/op"}`,
    row(`pgbench -R ${l.rate} -j 1`, l.pgbench, cpuCol(l.pgbench.cpuUsPerOp)),
    row("harness (open model, wire)", h, cpuCol(h.cpuUsPerOp)),
    `  ${"ratio harness/pgbench".padEnd(28)} ${l.ratio.p50.toFixed(2).padStart(8)} ${l.ratio.p95.toFixed(2).padStart(8)} ${l.ratio.p99.toFixed(2).padStart(8)}  (p99 ${l.ratio.p99 <= 1.5 ? "within" : "above"} 1.5x; a figure, not a gate)`,
    `  service time (actual start to end) p50/p99: pgbench ${l.pgbench.serviceP50Ms.toFixed(3)}/${l.pgbench.serviceP99Ms.toFixed(3)} ms, harness ${h.serviceP50Ms.toFixed(3)}/${h.serviceP99Ms.toFixed(3)} ms; pgbench's schedule lag p99 ${l.pgbench.lagP99Ms.toFixed(3)} ms`,
    `  harness: event-loop delay p99 ${h.eventLoopDelayP99Ms.toFixed(1)} ms, max ${h.eventLoopDelayMaxMs.toFixed(1)} ms; GC ${h.gcPauses} pauses, ${h.gcMsPerS.toFixed(2)} ms/s, longest ${h.gcMaxMs.toFixed(2)} ms`,
  ];
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const cpu = (us: number | null) => (us === null ? "" : `  ${us.toFixed(1)} µs CPU/op`);

/** A whole number from 0 to max (a count that may be none). */
function parseCount(flag: string, text: string, max: number): number {
  if (text.trim() === "0") return 0;
  return parsePositiveInt(flag, text, max);
}

/** Runs `fn` on the scratch database with pgbench's tables and the weighted parameter table, then drops it. */
async function withScratch<T>(
  target: PgTarget,
  pgbench: string | null,
  fn: (scratch: PgTarget) => Promise<T>,
): Promise<T> {
  const scratch: PgTarget = {
    ...target,
    database: SCRATCH_DB,
    description: `${target.description} (scratch ${SCRATCH_DB})`,
  };
  await createScratch(target);
  try {
    await initPgbenchTables(scratch, pgbench);
    await withClient(scratch, SCRATCH_DB, async (c) => {
      for (const sql of paramTableSql(100_000)) await c.query(sql);
    });
    return await fn(scratch);
  } finally {
    await dropScratch(target);
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function postgresOverhead(
  endpoints: Endpoints,
  pgbench: string | null,
  connections: number,
  durationMs: number,
  workerCounts: number[],
  repeat: number,
): Promise<NonNullable<Figures["postgres"]>> {
  return withScratch(endpoints.pg, pgbench, async (scratch) => {
    let pgbenchTps: number | null = null;
    let pgbenchNote: string | undefined;
    if (!pgbench) pgbenchNote = "pgbench not installed (Debian: apt-get install postgresql-15)";
    const bareRounds: number[] = [];
    const bareWireRounds: number[] = [];
    const bareCpu: Array<number | null> = [];
    const bareWireCpu: Array<number | null> = [];
    const pgbenchRounds: number[] = [];
    // the harness's thread counts, and pgbench's own best (a thread per CPU), so "pgbench's best"
    // never depends on which worker counts the harness was tried with
    const threadCounts = [...new Set([...workerCounts, Math.min(connections, os.cpus().length)])]
      .filter((j) => j <= connections)
      .sort((a, b) => a - b);
    const pgbenchByThreadRounds = new Map<number, number[]>(threadCounts.map((j) => [j, []]));
    const pgbenchCpuRounds = new Map<number, Array<number | null>>(
      threadCounts.map((j) => [j, []]),
    );
    const variants: Array<[PgClientKind, string, number]> = [];
    // PgStore keeps dedicated connections; its hot path runs on the wire client
    // (the default) or on node-pg (BELLYFED_PG_CLIENT=node-pg), both measured
    for (const client of ["wire", "node-pg"] as const)
      for (const workers of workerCounts) variants.push([client, PG_SCENARIO, workers]);
    const rounds = new Map<string, number[]>();
    const cpuRounds = new Map<string, Array<number | null>>();
    // rounds alternate the contenders, so drifting machine load hits them alike; best of each
    for (let round = 1; round <= repeat; round++) {
      if (pgbench) {
        let best = 0;
        for (const jobs of threadCounts) {
          log(
            `[${round}/${repeat}] pgbench -S -M prepared -c ${connections} -j ${jobs} for ${durationMs / 1000}s ...`,
          );
          const { rate: tps, cpuUsPerOp } = await runPgbench(
            pgbench,
            scratch,
            connections,
            jobs,
            durationMs,
          );
          pgbenchByThreadRounds.get(jobs)?.push(tps);
          pgbenchCpuRounds.get(jobs)?.push(cpuUsPerOp);
          best = Math.max(best, tps);
        }
        pgbenchRounds.push(best);
      }
      log(`[${round}/${repeat}] bare node-pg loop, ${connections} connections ...`);
      const nodePg = await bareLoop(scratch, connections, durationMs, "node-pg");
      bareRounds.push(nodePg.rate);
      bareCpu.push(nodePg.cpuUsPerOp);
      log(`[${round}/${repeat}] bare wire-client loop, ${connections} connections ...`);
      const wire = await bareLoop(scratch, connections, durationMs, "wire");
      bareWireRounds.push(wire.rate);
      bareWireCpu.push(wire.cpuUsPerOp);
      for (const [path, url, workers] of variants) {
        log(
          `[${round}/${repeat}] harness (${path} client), ${workers} worker(s), ${connections} VUs ...`,
        );
        const before = process.env.BELLYFED_PG_CLIENT;
        process.env.BELLYFED_PG_CLIENT = path; // read by PgStore, also in worker threads
        const { rate: qps, cpuUsPerOp } = await harnessRate(
          url,
          { ...endpoints, pg: scratch },
          connections,
          workers,
          durationMs,
        ).finally(() => {
          if (before === undefined) delete process.env.BELLYFED_PG_CLIENT;
          else process.env.BELLYFED_PG_CLIENT = before;
        });
        const key = `${path}/${workers}`;
        rounds.set(key, [...(rounds.get(key) ?? []), qps]);
        cpuRounds.set(key, [...(cpuRounds.get(key) ?? []), cpuUsPerOp]);
      }
    }
    // medians over rounds; ratios are medians of each round's ratio (neighbours in time)
    if (pgbenchRounds.length > 0) pgbenchTps = median(pgbenchRounds);
    const bare = median(bareRounds);
    const harness: NonNullable<Figures["postgres"]>["harness"] = variants.map(
      ([path, , workers]) => {
        const qpsRounds = rounds.get(`${path}/${workers}`) ?? [];
        const sameThreads = pgbenchByThreadRounds.get(workers) ?? [];
        return {
          path,
          workers,
          qps: median(qpsRounds),
          cpuUsPerOp: medianCpu(cpuRounds.get(`${path}/${workers}`) ?? []),
          ratioToPgbench:
            pgbenchRounds.length > 0 ? median(qpsRounds.map((q, i) => q / pgbenchRounds[i])) : null,
          ratioToPgbenchSameThreads:
            sameThreads.length > 0 ? median(qpsRounds.map((q, i) => q / sameThreads[i])) : null,
          // against the bare loop of the same client: what the harness itself costs
          ratioToBare: median(
            qpsRounds.map((q, i) => q / (path === "wire" ? bareWireRounds : bareRounds)[i]),
          ),
        };
      },
    );
    const best = harness.reduce((a, b) =>
      (b.ratioToPgbench ?? b.ratioToBare) > (a.ratioToPgbench ?? a.ratioToBare) ? b : a,
    );
    return {
      connections,
      durationS: durationMs / 1000,
      rounds: repeat,
      pgbenchTps,
      pgbenchByThreads: threadCounts
        .filter((j) => (pgbenchByThreadRounds.get(j) ?? []).length > 0)
        .map((j) => ({
          threads: j,
          tps: median(pgbenchByThreadRounds.get(j) ?? []),
          cpuUsPerOp: medianCpu(pgbenchCpuRounds.get(j) ?? []),
        })),
      pgbenchNote,
      bareNodePgQps: bare,
      bareWireQps: median(bareWireRounds),
      bareNodePgCpuUsPerOp: medianCpu(bareCpu),
      bareWireCpuUsPerOp: medianCpu(bareWireCpu),
      harness,
      best: { path: best.path, workers: best.workers, ratioToPgbench: best.ratioToPgbench },
    };
  });
}

/** A rate with the client's CPU per operation (Linux; null elsewhere). */
interface Rate {
  rate: number;
  cpuUsPerOp: number | null;
}

/** The median of CPU figures over rounds, to 0.1 µs; null when any round had none. */
function medianCpu(xs: Array<number | null>): number | null {
  if (xs.length === 0 || xs.some((x) => x === null)) return null;
  return Math.round(median(xs as number[]) * 10) / 10;
}

async function withClient<T>(
  target: PgTarget,
  database: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const c = new pg.Client({ ...pgClientConfig(target), database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates the scratch database with a marker comment; an unmarked one of that name is refused. */
async function createScratch(target: PgTarget): Promise<void> {
  await withClient(target, target.database, async (c) => {
    const r = await c.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [SCRATCH_DB],
    );
    if (r.rows.length > 0) {
      if (r.rows[0].comment !== SCRATCH_MARK)
        throw new UsageError(
          `database ${SCRATCH_DB} exists and was not created by bench:overhead; drop or rename it first`,
        );
      return;
    }
    await c.query(`CREATE DATABASE ${SCRATCH_DB}`);
    await c.query(`COMMENT ON DATABASE ${SCRATCH_DB} IS '${SCRATCH_MARK}'`);
  });
}

async function dropScratch(target: PgTarget): Promise<void> {
  await withClient(target, target.database, async (c) => {
    const r = await c.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [SCRATCH_DB],
    );
    if (r.rows[0]?.comment === SCRATCH_MARK)
      await c.query(`DROP DATABASE ${SCRATCH_DB} WITH (FORCE)`);
  }).catch((e) =>
    log(`note: could not drop ${SCRATCH_DB}: ${redact(String((e as Error).message))}`),
  );
}

/** pgbench_* tables at scale 1 (100,000 accounts): `pgbench -i`, or the same tables in SQL. */
async function initPgbenchTables(target: PgTarget, pgbench: string | null): Promise<void> {
  if (pgbench) {
    await exec(pgbench, ["-i", "-q", "-s", "1", ...pgbenchConn(target)], target);
    return;
  }
  await withClient(target, target.database, async (c) => {
    await c.query("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches");
    await c.query(
      "CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88))",
    );
    await c.query(
      "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))",
    );
    await c.query("INSERT INTO pgbench_branches VALUES (1, 0, '')");
    await c.query(
      "INSERT INTO pgbench_accounts SELECT g, 1, 0, '' FROM generate_series(1, 100000) g",
    );
    await c.query("VACUUM ANALYZE pgbench_accounts");
  });
}

async function runPgbench(
  bin: string,
  target: PgTarget,
  connections: number,
  jobs: number,
  durationMs: number,
): Promise<Rate> {
  const before = cpuSample();
  const text = await exec(
    bin,
    [
      "-n",
      "-S",
      "-M",
      "prepared",
      "-c",
      String(connections),
      "-j",
      String(jobs),
      "-T",
      String(Math.round(durationMs / 1000)),
      ...pgbenchConn(target),
    ],
    target,
  );
  const m =
    /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(
      text,
    );
  if (!m) throw new Error(`could not read pgbench's tps from its output: ${text.slice(-300)}`);
  // CPU over its whole life (connecting included) per transaction it ran
  return {
    rate: Number(m[1]),
    cpuUsPerOp: cpuPerOp(before, cpuSample(), "children", pgbenchProcessed(text)),
  };
}

/**
 * The same point query in a bare loop per connection, on node-pg or on the
 * wire client. CPU per operation covers its whole life (connecting and the
 * 1 s warm-up included), as pgbench's does.
 */
async function bareLoop(
  target: PgTarget,
  connections: number,
  durationMs: number,
  client: PgClientKind,
): Promise<Rate> {
  const cpuBefore: CpuSample | null = cpuSample();
  const config = pgClientConfig(target);
  const conns = await Promise.all(
    Array.from({ length: connections }, async () => {
      if (client === "wire") return connectWire(config, () => {});
      const c = new pg.Client(config);
      await c.connect();
      return c;
    }),
  );
  const query = {
    name: "overhead_point",
    text: "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
  };
  let n = 0;
  let all = 0;
  const loop = async (c: pg.Client | WireConnection, until: number) => {
    while (performance.now() < until) {
      const params = [1 + Math.floor(Math.random() * 100_000)];
      if (c instanceof WireConnection) await c.query(query, params);
      else await c.query({ ...query, values: params });
      n++;
    }
  };
  let rate = 0;
  try {
    await Promise.all(conns.map((c) => loop(c, performance.now() + 1000)));
    all = n;
    n = 0;
    const start = performance.now();
    await Promise.all(conns.map((c) => loop(c, start + durationMs)));
    rate = n / ((performance.now() - start) / 1000);
    all += n;
  } finally {
    await Promise.all(conns.map((c) => (c instanceof WireConnection ? c.close() : c.end())));
  }
  return { rate, cpuUsPerOp: cpuPerOp(cpuBefore, cpuSample(), "self", all) };
}

async function harnessRate(
  url: string,
  endpoints: Endpoints,
  vus: number,
  workers: number,
  durationMs: number,
): Promise<Rate> {
  const model: LoadModel = { type: "closed", vus, thinkTimeMs: 0 };
  const before = cpuSample();
  const run = await runStep(
    { url },
    model,
    { warmupMs: 1000, durationMs, iterations: Number.POSITIVE_INFINITY, timeoutMs: 5000 },
    { workers, connections: vus, data: { scale: "small", seed: 1 }, endpoints },
  );
  const after = cpuSample();
  const errors = Object.values(run.operations.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) log(`  harness errors: ${errors} (${run.operations.sampleErrors[0] ?? ""})`);
  // CPU of the whole run (worker threads, setup and warm-up included) per operation it ran
  const all = run.operations.ok + errors + (run.warmup?.ok ?? 0) + (run.warmup?.errors ?? 0);
  return { rate: run.throughput, cpuUsPerOp: cpuPerOp(before, after, "self", all) };
}

// ------------------------------------------------------------------ DynamoDB

async function dynamoOverhead(
  endpoints: Endpoints,
  concurrency: number,
  durationMs: number,
  repeat: number,
): Promise<NonNullable<Figures["dynamodb"]>> {
  const raw = createDynamoClient(endpoints.dynamo, concurrency);
  const table = `${endpoints.dynamo.tablePrefix}${OVERHEAD_TABLE}`;
  await createOverheadTable(raw, table);
  try {
    const bareRounds: number[] = [];
    const harnessRounds: number[] = [];
    const p50Rounds: number[] = [];
    for (let round = 1; round <= repeat; round++) {
      log(`[${round}/${repeat}] bare AWS SDK loop, ${concurrency} concurrent Queries ...`);
      bareRounds.push(await bareSdk(raw, table, concurrency, durationMs));
      log(`[${round}/${repeat}] harness, ${concurrency} VUs ...`);
      const model: LoadModel = { type: "closed", vus: concurrency, thinkTimeMs: 0 };
      const run = await runStep(
        { url: DYNAMO_SCENARIO },
        model,
        { warmupMs: 1000, durationMs, iterations: Number.POSITIVE_INFINITY, timeoutMs: 5000 },
        { workers: 1, connections: concurrency, data: { scale: "small", seed: 1 }, endpoints },
      );
      harnessRounds.push(run.throughput);
      p50Rounds.push(run.serviceTime.p50);
    }
    return {
      concurrency,
      durationS: durationMs / 1000,
      rounds: repeat,
      bareSdkQps: median(bareRounds),
      harnessQps: median(harnessRounds),
      ratio: median(harnessRounds.map((h, i) => h / bareRounds[i])),
      harnessP50Ms: median(p50Rounds),
    };
  } finally {
    await raw.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
    raw.destroy();
  }
}

async function createOverheadTable(raw: DynamoDBClient, table: string): Promise<void> {
  const exists = await raw.send(new DescribeTableCommand({ TableName: table })).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await raw.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
  }
  const items = [];
  for (let k = 0; k < OVERHEAD_KEYS; k++)
    for (let s = 0; s < 10; s++)
      items.push({
        PutRequest: {
          Item: { pk: { S: `k${k}` }, sk: { N: String(s) }, v: { S: "x".repeat(100) } },
        },
      });
  for (let i = 0; i < items.length; i += 25) {
    let batch: typeof items | undefined = items.slice(i, i + 25);
    for (let attempt = 0; batch && batch.length > 0 && attempt < 8; attempt++) {
      const r = await raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
      batch = r.UnprocessedItems?.[table] as typeof items | undefined;
      if (batch?.length) await new Promise((res) => setTimeout(res, 50 * 2 ** attempt));
    }
  }
}

async function bareSdk(
  raw: DynamoDBClient,
  table: string,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  const doc = DynamoDBDocumentClient.from(raw);
  let n = 0;
  const loop = async (until: number) => {
    while (performance.now() < until) {
      await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `k${Math.floor(Math.random() * OVERHEAD_KEYS)}` },
          ReturnConsumedCapacity: "INDEXES",
        }),
      );
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => loop(performance.now() + 1000)));
  n = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => loop(start + durationMs)));
  return n / ((performance.now() - start) / 1000);
}

runMain(main);
