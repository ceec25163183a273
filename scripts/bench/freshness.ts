/**
 * `npm run bench:freshness`: how stale the DynamoDB read models get behind
 * PostgreSQL, and what limits the projector (issue 16). Three parts, in one
 * process against the harness's services:
 *
 *   1. freshness: `run freshness` at its default rate (the projector
 *      in-process): end to end and per change, p50/p99/p99.9/max
 *      (target p99 < 1 s on DynamoDB Local); results/freshness.json.
 *   2. throughput: a backlog of the write mix written with the projector's
 *      source paused, then drained by the projector (changes per second; one
 *      projector through all rounds of a mode, after a warm-up round, as a
 *      running `sync` is), then the very DynamoDB calls it made replayed by a
 *      bare loop at the same concurrency, on the items as the projector found
 *      them (the touched keys put back from a snapshot; the replay must leave
 *      them as the projector did); the ratio says whether the PostgreSQL
 *      recompute is the bottleneck (target >= 0.8). With --pin, once more
 *      with PostgreSQL alone on a core and the rest on the others (as if it
 *      ran on a machine of its own, as Aurora does): the target's figure then.
 *   3. RSS: `bellyfed-bench sync` (the projector alone in its process) for
 *      --rss-minutes while a write mix runs in another; its RSS sampled
 *      every 10 s (target: flat after warm-up, under 200 MB).
 *
 *   npm run bench:freshness [-- --duration 30s] [-- --backlog 500] [-- --rounds 5] [-- --parts throughput] [-- --pin] [-- --rss-minutes 10] [-- --out FILE]
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { clockTicks, findLocalServer, serverCpuMs } from "../../capacity/proc-cpu.ts";
import { UsageError } from "../../core/errors.ts";
import type { LatencySummary, RunResult } from "../../core/result.ts";
import { syncStateTableName } from "../../load/replication.ts";
import {
  LEADERBOARDS_TABLE,
  TRENDING_DISHES_TABLE,
  USER_POPULARITY_TABLE,
} from "../../schema/index.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { readState } from "../../stores/embedded/state.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { Endpoints } from "../../stores/types.ts";
import { PgoutputSource } from "../../sync/pgoutput-source.ts";
import { startProjector } from "../../sync/projector.ts";
import type { ChangeSource, CommittedTx } from "../../sync/source.ts";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";
import { cannotPin, coreSplit, pin, withChildren } from "../lib/pin-cores.ts";
import {
  differences,
  readTouched,
  restoreTouched,
  snapshotTables,
  type TableSnapshot,
  type Touched,
  touch,
} from "../lib/table-snapshot.ts";

/** the writes of the throughput part's backlog and of the RSS part */
const WRITE_MIX = "follow=40,rank-dish=40,review=20";

const spec = {
  duration: {
    type: "string" as const,
    description: "measured time of the freshness run",
    default: "30s",
  },
  backlog: {
    type: "string" as const,
    description:
      "transactions written (at 100/s) with the projector stopped, per round of the throughput part",
    default: "500",
  },
  "backlog-mix": {
    type: "string" as const,
    description: "the write mix of the backlog (as run --mix)",
    default: WRITE_MIX,
  },
  rounds: {
    type: "string" as const,
    description: "rounds of the throughput part (projector, then bare loop, each round)",
    default: "5",
  },
  pin: {
    type: "boolean" as const,
    description:
      "the throughput part once more with PostgreSQL on a core of its own and the projector and DynamoDB Local on the others (Linux, taskset): as if PostgreSQL ran on a machine of its own, as Aurora does; the ratio target is then judged on that figure",
  },
  "rss-minutes": {
    type: "string" as const,
    description: "minutes of the RSS part (0 skips it)",
    default: "2",
  },
  parts: {
    type: "string" as const,
    description: "which parts to run, comma-separated: freshness, throughput, rss",
    default: "freshness,throughput,rss",
  },
  out: { type: "string" as const, description: "write the figures as JSON to FILE" },
};

const PARTS = ["freshness", "throughput", "rss"];

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type Call =
  | { kind: "put"; input: PutItemCommandInput }
  | { kind: "delete"; input: DeleteItemCommandInput }
  | { kind: "update"; input: UpdateItemCommandInput }
  | { kind: "query"; input: QueryCommandInput };

const COMMANDS: Record<string, Call["kind"]> = {
  PutItemCommand: "put",
  DeleteItemCommand: "delete",
  UpdateItemCommand: "update",
  QueryCommand: "query",
};

/** the transaction (its position) each of the projector's DynamoDB calls is made for */
const forTx = new AsyncLocalStorage<string>();

function summary(l: LatencySummary | undefined) {
  if (!l) return null;
  return { count: l.count, p50: l.p50, p99: l.p99, p999: l.p999, max: l.max };
}

/** Part 1: `run freshness`, its figures from the result file. */
async function freshnessPart(duration: string, resultFile: string) {
  const code = await main([
    "run",
    "freshness",
    "--duration",
    duration,
    "--warmup",
    "5s",
    "--timeout",
    "30s",
    "--quiet",
    "--out",
    resultFile,
  ]);
  if (code === 2 || code === 130) throw Object.assign(new Error("stopped"), { exitCode: code });
  const run = JSON.parse(readFileSync(resultFile, "utf8")) as RunResult;
  const s = run.scenarios[0];
  return {
    resultFile,
    passed: s.passed,
    rate: s.model.type === "open" ? s.model.rate : null,
    durationMs: s.durationMs,
    probes: s.freshness?.endToEnd.count ?? 0,
    endToEndMs: summary(s.freshness?.endToEnd),
    perChangeMs: summary(s.freshness?.perChange),
    slotLagBytes: s.freshness?.slotLagBytes ?? null,
    thresholds: s.thresholds.map((t) => ({
      metric: t.metric,
      expression: t.expression,
      actual: t.actual,
      ok: t.ok,
    })),
  };
}

/**
 * The projector as it runs (`startProjector`, up to `maxInFlight` transactions
 * at once), kept running from round to round as the `sync` command would be
 * (its caches as warm as a running projector's), on a source that streams
 * the slot only while a round drains it: `drain()` applies what the slot
 * holds until nothing arrived for `quietMs`, and returns the time from the
 * first transaction handed over to the last acknowledged and the DynamoDB
 * calls made for each transaction (in commit order).
 */
async function startDrainer(endpoints: Endpoints, maxInFlight: number) {
  let inner: PgoutputSource | null = null;
  let apply: ((tx: CommittedTx) => Promise<void>) | null = null;
  let ended: () => void = () => {};
  const over = new Promise<void>((resolve) => {
    ended = resolve;
  });
  let txs = 0;
  let changes = 0;
  let firstUs = 0;
  let lastUs = 0;
  let lastAt = Date.now();
  let calls = new Map<string, Call[]>();
  const source: ChangeSource = {
    kind: "pgoutput",
    start: (a) => {
      apply = a;
      return over;
    },
    acknowledge: async (position) => {
      lastUs = performance.now();
      lastAt = Date.now();
      await inner?.acknowledge(position);
    },
    stop: async () => {
      await inner?.stop();
      ended();
    },
  };
  const projector = await startProjector({
    endpoints,
    source,
    maxInFlight,
    onDynamoClient: (client) => {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const kind = COMMANDS[context.commandName as string];
          const pos = forTx.getStore();
          if (kind && pos !== undefined) {
            // the input itself: the projector does not change a call's input once sent
            const c = { kind, input: args.input } as Call;
            const list = calls.get(pos);
            if (list) list.push(c);
            else calls.set(pos, [c]);
          }
          return next(args);
        },
        { step: "initialize", name: "benchFreshnessCapture" },
      );
    },
  });
  const drain = async (quietMs: number) => {
    txs = 0;
    changes = 0;
    calls = new Map();
    lastAt = Date.now();
    const errors0 = projector.stats().errors;
    const stream = new PgoutputSource({ target: endpoints.pg });
    inner = stream;
    const streaming = stream.start(async (tx) => {
      if (txs === 0) firstUs = performance.now();
      txs++;
      changes += tx.changes.length;
      lastAt = Date.now();
      await forTx.run(tx.position.toString(), () => (apply as NonNullable<typeof apply>)(tx));
    });
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      if (Date.now() - lastAt > quietMs && projector.stats().inFlight === 0) break;
      if (Date.now() - started > 600_000) break;
    }
    await stream.stop();
    await streaming.catch(() => {});
    const ordered = [...calls.entries()].sort((x, y) => (BigInt(x[0]) < BigInt(y[0]) ? -1 : 1));
    return {
      txs,
      changes,
      seconds: (lastUs - firstUs) / 1000,
      calls: ordered.map((e) => e[1]),
      errors: projector.stats().errors - errors0,
    };
  };
  return { drain, stop: () => projector.stop() };
}

/** Writes about `backlog` transactions of the write mix at 100/s (the projector stopped: they wait in the slot). */
async function writeBacklog(backlog: number, mix: string): Promise<void> {
  const code = await main([
    "run",
    "--mix",
    mix,
    "--rate",
    "100",
    "--duration",
    `${Math.max(1, Math.round(backlog / 100))}s`,
    "--warmup",
    "0s",
    "--quiet",
    "--out",
    "results/freshness-backlog.json",
  ]);
  if (code !== 0 && code !== 1)
    throw Object.assign(new Error(`the backlog's write run exited ${code}`), { exitCode: code });
}

/**
 * The bare loop: the projector's very DynamoDB calls (its conditional
 * PutItem/DeleteItem on the items, the UpdateItem claiming a top-N group's
 * version, the Query reading a group it has not cached), no PostgreSQL, at
 * the same concurrency: transactions in commit order, up to `maxInFlight` at
 * once, each one's calls at once (a call whose item a later transaction
 * wrote is refused by its condition, as a replay is: one round trip all the
 * same).
 */
async function bareLoop(endpoints: Endpoints, txs: Call[][], maxInFlight: number) {
  const dyn: DynamoDBClient = createDynamoClient(endpoints.dynamo, 32);
  const counts: Record<Call["kind"], number> = { put: 0, delete: 0, update: 0, query: 0 };
  const one = (c: Call) => {
    counts[c.kind]++;
    const call =
      c.kind === "put"
        ? dyn.send(new PutItemCommand(c.input))
        : c.kind === "delete"
          ? dyn.send(new DeleteItemCommand(c.input))
          : c.kind === "update"
            ? dyn.send(new UpdateItemCommand(c.input))
            : dyn.send(new QueryCommand(c.input));
    return call.then(
      () => {},
      (e: Error) => {
        if (e.name !== "ConditionalCheckFailedException") throw e;
      },
    );
  };
  const t0 = performance.now();
  try {
    let next = 0;
    const lane = async () => {
      while (next < txs.length) {
        const tx = txs[next++];
        // in an async context as the projector's calls were captured, so both
        // sides pay the same for it
        await forTx.run("", () => Promise.all(tx.map(one)));
      }
    };
    await Promise.all(Array.from({ length: maxInFlight }, lane));
  } finally {
    dyn.destroy();
  }
  return { seconds: (performance.now() - t0) / 1000, counts };
}

/** The keys the projector's writes touched, per table. */
function touchedBy(snap: TableSnapshot, txs: Call[][]): Touched {
  const touched: Touched = new Map();
  for (const tx of txs)
    for (const c of tx) {
      if (c.kind === "put") touch(snap, touched, c.input.TableName ?? "", c.input.Item ?? {});
      else if (c.kind === "delete" || c.kind === "update")
        touch(snap, touched, c.input.TableName ?? "", c.input.Key ?? {});
    }
  return touched;
}

/**
 * CPU time so far, ms, of the services when they run on this machine
 * (PostgreSQL: the postmaster and its children; DynamoDB Local: the harness's
 * jar) and of this process (the projector or the bare loop): per change,
 * the two sides' CPU says what the ratio would be on an idle machine.
 */
async function cpuMeter(endpoints: Endpoints): Promise<{
  read: () => Record<string, number>;
  postmasterPid: number | null;
  jarPid: number | null;
}> {
  const c = new pg.Client(pgClientConfig(endpoints.pg));
  await c.connect();
  const local = await findLocalServer(c, endpoints.pg).finally(() => c.end());
  const jar = readState().dynamodb;
  const jarPid =
    jar && endpoints.dynamo.endpoint?.includes(`:${jar.port}`) && jar.kind === "jar"
      ? jar.pid
      : null;
  const jarMs = () => {
    try {
      const st = readFileSync(`/proc/${jarPid}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks();
    } catch {
      return Number.NaN;
    }
  };
  const read = () => {
    const u = process.cpuUsage();
    const out: Record<string, number> = { node: (u.user + u.system) / 1000 };
    if (local.ok) out.postgres = serverCpuMs(local.server);
    if (jarPid !== null) out.dynamodbLocal = jarMs();
    return out;
  };
  return { read, postmasterPid: local.ok ? local.server.postmasterPid : null, jarPid };
}

const perChange = (a: Record<string, number>, b: Record<string, number>, changes: number) =>
  Object.fromEntries(Object.keys(a).map((k) => [k, round((b[k] - a[k]) / changes, 3)]));

/** each figure's median over the rounds */
const medianOf = (rs: Record<string, number>[]) =>
  Object.fromEntries(Object.keys(rs[0]).map((k) => [k, round(median(rs.map((r) => r[k])), 3)]));

const cpuText = (c: Record<string, number>) =>
  `${Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(" + ")} = ${round(
    Object.values(c).reduce((a, b) => a + b, 0),
    2,
  )} ms`;

const median = (xs: number[]) => {
  const v = [...xs].sort((x, y) => x - y);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/**
 * Part 2: the projector's changes per second against a bare loop of its own
 * DynamoDB writes at the same concurrency: as it runs (up to 16 transactions
 * at once) and one transaction at a time. Each round writes a backlog, drains
 * it with the projector, then replays its calls bare, so the two sides of a
 * ratio run back to back; the figure is the median ratio over the rounds (a
 * shared machine's load moves both sides of a round alike, not all rounds).
 */
async function throughputPart(
  endpoints: Endpoints,
  backlog: number,
  rounds: number,
  mix: string,
  pinned: boolean,
) {
  const meter = await cpuMeter(endpoints);
  const cpu = meter.read;
  const { postmasterPid, jarPid } = meter;
  if (pinned && (postmasterPid === null || jarPid === null))
    throw new UsageError(
      `--pin: ${postmasterPid === null ? "PostgreSQL" : "DynamoDB Local"} is not a process of this machine (a server elsewhere cannot be pinned); without it: npm run bench:freshness -- --parts throughput`,
    );
  const cores = coreSplit();
  const setCores = (pg: string, rest: string) => {
    pin(withChildren(postmasterPid as number), pg);
    pin([process.pid, jarPid as number], rest);
  };
  const dyn = createDynamoClient(endpoints.dynamo, 8);
  const p = endpoints.dynamo.tablePrefix;
  const tables = [
    `${p}${USER_POPULARITY_TABLE}`,
    `${p}${TRENDING_DISHES_TABLE}`,
    `${p}${LEADERBOARDS_TABLE}`,
    syncStateTableName(p),
  ];
  let earlier: { txs: number; changes: number } | null = null;
  const modes = [];
  const plan = [
    { maxInFlight: 16, pinned: false },
    { maxInFlight: 1, pinned: false },
    ...(pinned ? [{ maxInFlight: 16, pinned: true }] : []),
  ];
  // every core back to every process however the part ends
  const unpin = () => {
    if (pinned) setCores(cores.all, cores.all);
  };
  process.once("exit", unpin);
  for (const { maxInFlight, pinned: pinnedMode } of plan) {
    if (pinnedMode) setCores(cores.alone, cores.rest);
    const drainer = await startDrainer(endpoints, maxInFlight);
    // whatever the slot holds first (earlier runs), so each backlog is only ours
    const first = await drainer.drain(2000);
    earlier ??= { txs: first.txs, changes: first.changes };
    // a first round warms the projector's caches, as a running projector's are
    await writeBacklog(backlog, mix);
    const warm = await drainer.drain(2000);
    const runs = [];
    for (let i = 0; i < rounds; i++) {
      await writeBacklog(backlog, mix);
      const snap = await snapshotTables(dyn, tables);
      const c0 = cpu();
      const projector = await drainer.drain(2000);
      const c1 = cpu();
      // the bare loop starts from the items the projector found, and must leave them as it did
      const touched = touchedBy(snap, projector.calls);
      const after = await readTouched(dyn, touched, snap);
      await restoreTouched(dyn, snap, touched);
      const c1b = cpu();
      const bare = await bareLoop(endpoints, projector.calls, maxInFlight);
      const c2 = cpu();
      const replayDiffers = differences(after, await readTouched(dyn, touched, snap));
      const projectorRate = projector.changes / projector.seconds;
      const bareRate = projector.changes / bare.seconds;
      runs.push({
        transactions: projector.txs,
        changes: projector.changes,
        errors: projector.errors,
        projector: { seconds: round(projector.seconds, 2), changesPerSecond: round(projectorRate) },
        bareLoop: {
          seconds: round(bare.seconds, 2),
          changesPerSecond: round(bareRate),
          calls: bare.counts,
          /** items the replay left otherwise than the projector did (0: the same work) */
          itemsDiffering: replayDiffers,
        },
        ratio: round(projectorRate / bareRate, 3),
        cpuMsPerChange: {
          projector: perChange(c0, c1, projector.changes),
          bareLoop: perChange(c1b, c2, projector.changes),
        },
      });
    }
    await drainer.stop();
    if (pinnedMode) unpin();
    modes.push({
      maxInFlight,
      /** PostgreSQL on a core of its own, the projector (or bare loop) and DynamoDB Local on the others */
      pinned: pinnedMode ? { postgres: cores.alone, rest: cores.rest } : null,
      /** the round that warmed the caches, not counted: the projector's rate just after it started */
      warmUp: {
        transactions: warm.txs,
        changes: warm.changes,
        changesPerSecond: round(warm.changes / warm.seconds),
      },
      changes: runs.reduce((n, r) => n + r.changes, 0),
      projectorPerSecond: round(median(runs.map((r) => r.projector.changesPerSecond))),
      bareLoopPerSecond: round(median(runs.map((r) => r.bareLoop.changesPerSecond))),
      ratio: round(median(runs.map((r) => r.ratio)), 3),
      ratios: runs.map((r) => r.ratio),
      cpuMsPerChange: {
        projector: medianOf(runs.map((r) => r.cpuMsPerChange.projector)),
        bareLoop: medianOf(runs.map((r) => r.cpuMsPerChange.bareLoop)),
      },
      /** items the replays left otherwise than the projector, over the rounds */
      itemsDiffering: runs.reduce((n, r) => n + r.bareLoop.itemsDiffering, 0),
      runs,
    });
  }
  process.off("exit", unpin);
  dyn.destroy();
  return {
    earlierBacklog: { transactions: earlier?.txs ?? 0, changes: earlier?.changes ?? 0 },
    /** as the projector runs, on shared cores (the target's figure without --pin) */
    ratio: modes[0].ratio,
    /** as it runs, PostgreSQL on a core of its own (--pin: the target's figure then) */
    pinnedRatio: modes.find((m) => m.pinned)?.ratio ?? null,
    modes,
  };
}

/** A process's resident set size in MB (Linux /proc), null when it has gone. */
function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

/**
 * Part 3: the projector's RSS: `bellyfed-bench sync` (the projector alone in
 * its process) while a write mix runs in another; its RSS every 10 s.
 */
async function rssPart(minutes: number) {
  const sync = spawn(process.execPath, ["bin/bellyfed-bench.js", "sync", "--quiet"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-2000);
  };
  sync.stdout.on("data", keep);
  sync.stderr.on("data", keep);
  const pid = sync.pid!;
  const samples: Array<{ s: number; rssMb: number }> = [];
  const t0 = Date.now();
  const sample = () => {
    const mb = rssOf(pid);
    if (mb !== null) samples.push({ s: Math.round((Date.now() - t0) / 1000), rssMb: mb });
  };
  // the projector's start-up (services, slot, state) before the writes begin
  await new Promise((r) => setTimeout(r, 5000));
  sample();
  const timer = setInterval(sample, 10_000);
  const writes = spawn(
    process.execPath,
    [
      "bin/bellyfed-bench.js",
      "run",
      "--mix",
      WRITE_MIX,
      "--rate",
      "40",
      "--duration",
      `${minutes * 60}s`,
      "--warmup",
      "0s",
      "--timeout",
      "10s",
      "--quiet",
      "--out",
      "results/freshness-rss-writes.json",
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "ignore"] },
  );
  const code = await new Promise<number>((r) => writes.on("exit", (c) => r(c ?? 1)));
  clearInterval(timer);
  sample();
  const stopped = new Promise<void>((r) => sync.on("exit", () => r()));
  sync.kill("SIGINT");
  await stopped;
  if (samples.length === 0) throw new Error(`bench:freshness: the projector did not run: ${tail}`);
  const warm = samples.find((x) => x.s >= Math.min(60, (minutes * 60) / 5)) ?? samples[0];
  const end = samples[samples.length - 1];
  // one sample sits anywhere on the collector's sawtooth (15-20 MB tall): the
  // level is the median of a minute's samples, the one after warm-up and the last
  const level = (from: number, to: number) => {
    const xs = samples
      .filter((x) => x.s >= from && x.s <= to)
      .map((x) => x.rssMb)
      .sort((a, b) => a - b);
    return xs.length > 0 ? xs[Math.floor(xs.length / 2)] : end.rssMb;
  };
  const span = Math.min(60, (minutes * 60) / 5);
  const afterWarmupLevel = level(warm.s, warm.s + span);
  const endLevel = level(end.s - span, end.s);
  const last =
    tail
      .trim()
      .split("\n")
      .filter((l) => /changes in/.test(l))
      .pop() ?? "";
  return {
    minutes,
    writeRunExit: code,
    projector: last.replace(/^.*?(\d[\d,]* changes in)/, "$1"),
    rssMb: {
      start: samples[0].rssMb,
      afterWarmup: warm.rssMb,
      afterWarmupAtS: warm.s,
      end: end.rssMb,
      max: Math.max(...samples.map((x) => x.rssMb)),
      /** medians of the minute after warm-up and of the last minute */
      afterWarmupLevel,
      endLevel,
    },
    samples,
  };
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

runMain(async (argv) => {
  const { values } = parseFlags("bench:freshness", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:freshness [-- options]", "Freshness of the read models (end to end and per change), the projector's changes/s against a bare loop of its DynamoDB writes, and its RSS over a write run.", spec)}\n`,
    );
    return 0;
  }
  const backlog = Number(values.backlog ?? "500");
  if (!Number.isInteger(backlog) || backlog < 10)
    throw new UsageError(
      `--backlog ${JSON.stringify(values.backlog)} is not a whole number >= 10; e.g. npm run bench:freshness -- --backlog 500`,
    );
  const rounds = Number(values.rounds ?? "5");
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(
      `--rounds ${JSON.stringify(values.rounds)} is not a whole number >= 1; e.g. npm run bench:freshness -- --rounds 5`,
    );
  const minutes = Number(values["rss-minutes"] ?? "2");
  if (!(minutes >= 0))
    throw new UsageError(
      `--rss-minutes ${JSON.stringify(values["rss-minutes"])} is not a number of minutes; e.g. npm run bench:freshness -- --rss-minutes 10`,
    );
  if (values.pin === true) {
    const why = cannotPin();
    if (why)
      throw new UsageError(
        `--pin: ${why}; without it: npm run bench:freshness -- --parts throughput`,
      );
  }
  const duration = String(values.duration ?? "30s");
  const mix = String(values["backlog-mix"] ?? WRITE_MIX);
  const parts = String(values.parts ?? PARTS.join(",")).split(",");
  for (const p of parts)
    if (!PARTS.includes(p))
      throw new UsageError(
        `--parts: unknown part '${p}' (the parts: ${PARTS.join(", ")}); e.g. npm run bench:freshness -- --parts throughput`,
      );
  if (values.pin === true && !parts.includes("throughput"))
    throw new UsageError(
      `--pin pins the throughput part, which --parts ${parts.join(",")} leaves out; e.g. npm run bench:freshness -- --parts throughput --pin`,
    );
  mkdirSync(`${ROOT}results`, { recursive: true });
  process.chdir(ROOT);
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(
    `bench:freshness ${new Date().toISOString()} (node ${process.version}, ${process.platform}/${process.arch})`,
  );

  const fresh = parts.includes("freshness")
    ? await freshnessPart(duration, "results/freshness.json")
    : null;
  const e = fresh?.endToEndMs;
  const c = fresh?.perChangeMs;
  if (fresh)
    say(
      `freshness at ${fresh.rate}/s for ${fresh.durationMs / 1000} s (${fresh.probes} probes): end to end p50 ${e?.p50} ms, p99 ${e?.p99} ms, p99.9 ${e?.p999} ms, max ${e?.max} ms (target p99 < 1000 ms: ${e && e.p99 < 1000 ? "met" : "NOT met"})`,
    );
  if (fresh)
    say(
      `  per change (${c?.count} changes): p50 ${c?.p50} ms, p99 ${c?.p99} ms, p99.9 ${c?.p999} ms, max ${c?.max} ms; slot lag max ${fresh.slotLagBytes?.max ?? "-"} bytes`,
    );

  // the freshness part's run starts the services and loads the data; without it, a first
  // short write run does (its transactions are drained before the first round)
  if (!fresh && parts.includes("throughput")) await writeBacklog(100, mix);
  const endpoints = await resolveEndpoints({ start: false });
  const tput = parts.includes("throughput")
    ? await throughputPart(endpoints, backlog, rounds, mix, values.pin === true)
    : null;
  for (const m of tput?.modes ?? [])
    say(
      `throughput, ${m.maxInFlight === 1 ? "one transaction at a time" : `up to ${m.maxInFlight} transactions at once (as it runs)`}${m.pinned ? `, PostgreSQL alone on core ${m.pinned.postgres}, the rest on ${m.pinned.rest}` : ""}, ${m.runs.length} rounds of ${backlog} transactions of ${mix}: projector ${m.projectorPerSecond} changes/s, bare loop of its own DynamoDB calls ${m.bareLoopPerSecond}/s (medians); ratio ${m.ratio} (median of ${m.ratios.join(", ")})${m.maxInFlight === 1 ? "" : ` (target >= 0.8${m.pinned ? " with PostgreSQL on a core of its own" : " on shared cores"}: ${m.ratio >= 0.8 ? "met" : "NOT met"})`}; the replays left ${m.itemsDiffering} items otherwise than the projector; the warm-up round (caches cold, not counted) ${m.warmUp.changesPerSecond} changes/s\n  CPU per change: projector ${cpuText(m.cpuMsPerChange.projector)}; bare loop ${cpuText(m.cpuMsPerChange.bareLoop)}`,
    );

  let rss: Awaited<ReturnType<typeof rssPart>> | null = null;
  if (minutes > 0 && parts.includes("rss")) {
    rss = await rssPart(minutes);
    const r = rss.rssMb;
    say(
      `projector (bellyfed-bench sync) RSS over ${minutes} min of writes at 40/s (${rss.projector || "no progress line"}): start ${r.start} MB, after warm-up (${r.afterWarmupAtS} s) ${r.afterWarmup} MB, end ${r.end} MB, max ${r.max} MB; median of the minute after warm-up ${r.afterWarmupLevel} MB, of the last minute ${r.endLevel} MB (target flat after warm-up, < 200 MB: ${r.max < 200 && r.endLevel - r.afterWarmupLevel < 20 ? "met" : "NOT met"})`,
    );
  }
  const out = {
    kind: "bellyfed-bench/bench-freshness",
    at: new Date().toISOString(),
    node: process.version,
    freshness: fresh,
    throughput: tput,
    rss,
  };
  if (values.out) {
    mkdirSync(dirname(String(values.out)), { recursive: true });
    writeFileSync(String(values.out), `${JSON.stringify(out, null, 2)}\n`);
    say(`figures: ${values.out}`);
  }
  const ok =
    (fresh === null || fresh.passed) &&
    // with --pin the question is the target's: is PostgreSQL's recompute the bottleneck
    // where it does not share the cores of DynamoDB and the projector (as on Aurora)
    (tput === null || (tput.pinnedRatio ?? tput.ratio) >= 0.8) &&
    (rss === null || (rss.rssMb.max < 200 && rss.rssMb.endLevel - rss.rssMb.afterWarmupLevel < 20));
  return ok ? 0 : 1;
});
