/**
 * `npm run bench:freshness`: how stale the DynamoDB read models get behind
 * PostgreSQL, and what limits the projector (issue 16). Three parts, in one
 * process against the harness's services:
 *
 *   1. freshness: `run freshness` at its default rate (the projector
 *      in-process): end to end and per change, p50/p99/p99.9/max
 *      (target p99 < 1 s on DynamoDB Local); results/freshness.json.
 *   2. throughput: a backlog of follows written with the projector stopped,
 *      then drained by the projector (changes per second), then the very same
 *      conditional PutItem/DeleteItem calls it made replayed by a bare loop
 *      (one transaction's calls at once, transactions one after the other, as
 *      the projector does); the ratio says whether the PostgreSQL recompute
 *      is the bottleneck (target >= 0.8).
 *   3. RSS: `bellyfed-bench sync` (the projector alone in its process) for
 *      --rss-minutes while a write mix runs in another; its RSS sampled
 *      every 10 s (target: flat after warm-up, under 200 MB).
 *
 *   npm run bench:freshness [-- --duration 30s] [-- --backlog 1000] [-- --rss-minutes 10] [-- --out FILE]
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import type { LatencySummary, RunResult } from "../../core/result.ts";
import { DataClock } from "../../scenarios/lib/writes.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { Endpoints } from "../../stores/types.ts";
import { PgoutputSource } from "../../sync/pgoutput-source.ts";
import { ProjectorCore } from "../../sync/projector.ts";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  duration: {
    type: "string" as const,
    description: "measured time of the freshness run",
    default: "30s",
  },
  backlog: {
    type: "string" as const,
    description: "follows written with the projector stopped, for the throughput part",
    default: "1000",
  },
  "rss-minutes": {
    type: "string" as const,
    description: "minutes of the RSS part (0 skips it)",
    default: "2",
  },
  out: { type: "string" as const, description: "write the figures as JSON to FILE" },
};

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type Call =
  | { kind: "put"; input: PutItemCommandInput }
  | { kind: "delete"; input: DeleteItemCommandInput };

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

/** Applies what the slot holds until no transaction arrived for `quietMs`; the calls made, per transaction. */
async function drain(
  endpoints: Endpoints,
  opts: { quietMs: number; expect?: number; capture?: boolean },
) {
  const core = new ProjectorCore(endpoints, { source: "pgoutput" });
  await core.init();
  const calls: Call[][] = [];
  let current: Call[] | null = null;
  if (opts.capture) {
    core.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const input = structuredClone(args.input) as never;
        if (current && context.commandName === "PutItemCommand")
          current.push({ kind: "put", input });
        if (current && context.commandName === "DeleteItemCommand")
          current.push({ kind: "delete", input });
        return next(args);
      },
      { step: "initialize", name: "benchFreshnessCapture" },
    );
  }
  const source = new PgoutputSource({ target: endpoints.pg });
  let txs = 0;
  let changes = 0;
  let firstUs = 0;
  let lastUs = 0;
  let lastAt = Date.now();
  const done = source.start(async (tx) => {
    if (txs === 0) firstUs = performance.now();
    current = [];
    await core.apply(tx);
    calls.push(current);
    current = null;
    await source.acknowledge(tx.position);
    txs++;
    changes += tx.changes.length;
    lastUs = performance.now();
    lastAt = Date.now();
  });
  done.catch(() => {});
  const started = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    if (opts.expect !== undefined && txs >= opts.expect) break;
    if (Date.now() - lastAt > opts.quietMs && (opts.expect === undefined || txs > 0)) break;
    if (Date.now() - started > 600_000) break;
  }
  await source.stop();
  await done.catch(() => {});
  await core.close();
  return { txs, changes, seconds: (lastUs - firstUs) / 1000, calls };
}

/** Part 2: the projector's changes per second against a bare loop of its own DynamoDB writes. */
async function throughputPart(endpoints: Endpoints, backlog: number) {
  // whatever the slot holds first (earlier runs), so the backlog is only ours
  const before = await drain(endpoints, { quietMs: 2000 });
  const client = new pg.Client(pgClientConfig(endpoints.pg));
  await client.connect();
  const clock = new DataClock();
  try {
    const users = (
      await client.query<{ user_id: string }>(
        "SELECT user_id FROM users ORDER BY random() LIMIT 2000",
      )
    ).rows.map((r) => r.user_id);
    let written = 0;
    for (let i = 0; written < backlog && i < backlog * 4; i++) {
      const a = users[Math.floor(Math.random() * users.length)];
      const b = users[Math.floor(Math.random() * users.length)];
      if (a === b) continue;
      const r = await client.query(
        `INSERT INTO follows (follow_id, follower_id, followed_id, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (follower_id, followed_id) DO NOTHING`,
        [randomUUID(), a, b, clock.now()],
      );
      written += r.rowCount ?? 0;
    }
  } finally {
    await client.end();
  }
  const projector = await drain(endpoints, { quietMs: 3000, capture: true });
  // the bare loop: the same calls, the same grouping, a fresh client (a call whose
  // item a later transaction wrote is refused by its condition, as a replay is)
  const dyn: DynamoDBClient = createDynamoClient(endpoints.dynamo, 32);
  const t0 = performance.now();
  let puts = 0;
  let deletes = 0;
  try {
    for (const tx of projector.calls) {
      await Promise.all(
        tx.map((c) => {
          if (c.kind === "put") puts++;
          else deletes++;
          const call =
            c.kind === "put"
              ? dyn.send(new PutItemCommand(c.input))
              : dyn.send(new DeleteItemCommand(c.input));
          // a later transaction's position on the item refuses the replay: one round trip all the same
          return call.then(
            () => {},
            (e: Error) => {
              if (e.name !== "ConditionalCheckFailedException") throw e;
            },
          );
        }),
      );
    }
  } finally {
    dyn.destroy();
  }
  const bareSeconds = (performance.now() - t0) / 1000;
  const projectorRate = projector.changes / projector.seconds;
  const bareRate = projector.changes / bareSeconds;
  return {
    earlierBacklog: { transactions: before.txs, changes: before.changes },
    transactions: projector.txs,
    changes: projector.changes,
    projector: { seconds: round(projector.seconds), changesPerSecond: round(projectorRate) },
    bareLoop: {
      seconds: round(bareSeconds),
      changesPerSecond: round(bareRate),
      putItem: puts,
      deleteItem: deletes,
    },
    ratio: round(projectorRate / bareRate, 3),
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
      "follow=40,rank-dish=40,review=20",
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
  const backlog = Number(values.backlog ?? "1000");
  if (!Number.isInteger(backlog) || backlog < 10)
    throw new UsageError(
      `--backlog ${JSON.stringify(values.backlog)} is not a whole number >= 10; e.g. npm run bench:freshness -- --backlog 1000`,
    );
  const minutes = Number(values["rss-minutes"] ?? "2");
  if (!(minutes >= 0))
    throw new UsageError(
      `--rss-minutes ${JSON.stringify(values["rss-minutes"])} is not a number of minutes; e.g. npm run bench:freshness -- --rss-minutes 10`,
    );
  const duration = String(values.duration ?? "30s");
  mkdirSync(`${ROOT}results`, { recursive: true });
  process.chdir(ROOT);
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(
    `bench:freshness ${new Date().toISOString()} (node ${process.version}, ${process.platform}/${process.arch})`,
  );

  const fresh = await freshnessPart(duration, "results/freshness.json");
  const e = fresh.endToEndMs;
  const c = fresh.perChangeMs;
  say(
    `freshness at ${fresh.rate}/s for ${fresh.durationMs / 1000} s (${fresh.probes} probes): end to end p50 ${e?.p50} ms, p99 ${e?.p99} ms, p99.9 ${e?.p999} ms, max ${e?.max} ms (target p99 < 1000 ms: ${e && e.p99 < 1000 ? "met" : "NOT met"})`,
  );
  say(
    `  per change (${c?.count} changes): p50 ${c?.p50} ms, p99 ${c?.p99} ms, p99.9 ${c?.p999} ms, max ${c?.max} ms; slot lag max ${fresh.slotLagBytes?.max ?? "-"} bytes`,
  );

  const endpoints = await resolveEndpoints({ start: false });
  const tput = await throughputPart(endpoints, backlog);
  say(
    `throughput: ${tput.changes} changes (${tput.transactions} transactions): projector ${tput.projector.changesPerSecond}/s (${tput.projector.seconds} s), bare loop of its ${tput.bareLoop.putItem} PutItem + ${tput.bareLoop.deleteItem} DeleteItem ${tput.bareLoop.changesPerSecond}/s (${tput.bareLoop.seconds} s): ratio ${tput.ratio} (target >= 0.8: ${tput.ratio >= 0.8 ? "met" : "NOT met"})`,
  );

  let rss: Awaited<ReturnType<typeof rssPart>> | null = null;
  if (minutes > 0) {
    rss = await rssPart(minutes);
    const r = rss.rssMb;
    say(
      `projector (bellyfed-bench sync) RSS over ${minutes} min of writes at 40/s (${rss.projector || "no progress line"}): start ${r.start} MB, after warm-up (${r.afterWarmupAtS} s) ${r.afterWarmup} MB, end ${r.end} MB, max ${r.max} MB (target flat after warm-up, < 200 MB: ${r.max < 200 && r.end - r.afterWarmup < 20 ? "met" : "NOT met"})`,
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
    fresh.passed &&
    tput.ratio >= 0.8 &&
    (rss === null || (rss.rssMb.max < 200 && rss.rssMb.end - rss.rssMb.afterWarmup < 20));
  return ok ? 0 : 1;
});
