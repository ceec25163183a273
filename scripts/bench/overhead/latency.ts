import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { decodeHistogram, type Histogram } from "../../../core/histogram.ts";
import { median } from "../../../core/median.ts";
import { runStep } from "../../../engine/run-step.ts";
import type { Endpoints, PgTarget } from "../../../stores/types.ts";
import { cpuSample, processCpuNs } from "./cpu.ts";
import { PARAM_ROWS, pgbenchScript, WEIGHTED_POINT } from "./pg-weighted.ts";
import { exec, pgbenchConn } from "./pgbench.ts";
import { readPgbenchLogFiles } from "./pgbench-log.ts";

const WEIGHTED_SCENARIO = new URL("./pg-weighted.ts", import.meta.url).href;
const WARMUP_MS = 1000;

/** One contender's figures in one round, or their medians over rounds. */
export interface LatencyFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** operations measured (after the 1 s warm-up) */
  ops: number;
  /** client CPU per operation over the whole run (Linux; null elsewhere) */
  cpuUsPerOp: number | null;
}

export interface PgbenchLatency extends LatencyFigures {
  /** schedule lag (scheduled start to actual start), p99 */
  lagP99Ms: number;
  /** service time (actual start to end: latency minus lag), p50 and p99 */
  serviceP50Ms: number;
  serviceP99Ms: number;
}

export interface HarnessLatency extends LatencyFigures {
  /** from the actual start (after the scheduler's lateness), p50 and p99 */
  serviceP50Ms: number;
  serviceP99Ms: number;
  /** latency minus service time is the wait; its p99 cannot be derived, so the two p99s are shown */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  gcPauses: number;
  gcMsPerS: number;
  gcMaxMs: number;
}

export interface LatencyComparison {
  statement: string;
  paramRows: number;
  rate: number;
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
  /** CPU-burning processes run beside (--hog) */
  hogs: number;
  pgbench: PgbenchLatency;
  harness: HarnessLatency;
  /** medians of each round's harness/pgbench ratio */
  ratio: { p50: number; p95: number; p99: number };
  perRound: Array<{
    first: "pgbench" | "harness";
    pgbench: PgbenchLatency;
    harness: HarnessLatency;
  }>;
}

const ms = (h: Histogram, p: number) =>
  h.totalCount === 0 ? 0 : Math.round(h.getValueAtPercentile(p)) / 1000;

const medianOrNull = (xs: Array<number | null>): number | null =>
  xs.some((x) => x === null) ? null : median(xs as number[]);

/**
 * pgbench -R and the harness's open model at the same rate on the same
 * statement and parameter distribution, `rounds` times, alternating which
 * goes first. Both measure latency from each transaction's scheduled start
 * (pgbench: Poisson arrivals; the harness: evenly spaced ones) and leave the
 * first second out.
 */
export async function latencyComparison(opts: {
  endpoints: Endpoints;
  scratch: PgTarget;
  pgbench: string;
  rate: number;
  connections: number;
  durationMs: number;
  rounds: number;
  hogs: number;
  log: (line: string) => void;
}): Promise<LatencyComparison> {
  const { scratch, pgbench, rate, connections, durationMs, rounds, log } = opts;
  const dir = mkdtempSync(join(tmpdir(), "bellyfed-overhead-"));
  const script = join(dir, "weighted.sql");
  writeFileSync(script, pgbenchScript());
  const hogs = startHogs(opts.hogs);
  const perRound: LatencyComparison["perRound"] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const first = round % 2 === 1 ? "pgbench" : "harness";
      let p: PgbenchLatency | undefined;
      let h: HarnessLatency | undefined;
      for (const who of first === "pgbench" ? ["pgbench", "harness"] : ["harness", "pgbench"]) {
        if (who === "pgbench") {
          log(
            `[${round}/${rounds}] pgbench -R ${rate} -c ${connections} -j 1 -M prepared (weighted point query) for ${durationMs / 1000}s + 1s ...`,
          );
          p = await pgbenchRound(pgbench, scratch, script, join(dir, `r${round}`), opts);
        } else {
          log(
            `[${round}/${rounds}] harness open model ${rate}/s, ${connections} connections, 1 worker for ${durationMs / 1000}s + 1s ...`,
          );
          h = await harnessRound({ ...opts.endpoints, pg: scratch }, rate, connections, durationMs);
        }
      }
      perRound.push({ first, pgbench: p!, harness: h! });
    }
  } finally {
    stopHogs(hogs);
    rmSync(dir, { recursive: true, force: true });
  }
  const col = <T>(f: (r: LatencyComparison["perRound"][number]) => T) => perRound.map(f);
  const ratio = (k: "p50Ms" | "p95Ms" | "p99Ms") =>
    median(col((r) => (r.pgbench[k] > 0 ? r.harness[k] / r.pgbench[k] : 0)));
  return {
    statement: WEIGHTED_POINT.text,
    paramRows: PARAM_ROWS,
    rate,
    connections,
    durationS: durationMs / 1000,
    warmupS: WARMUP_MS / 1000,
    rounds,
    hogs: opts.hogs,
    pgbench: {
      p50Ms: median(col((r) => r.pgbench.p50Ms)),
      p95Ms: median(col((r) => r.pgbench.p95Ms)),
      p99Ms: median(col((r) => r.pgbench.p99Ms)),
      ops: median(col((r) => r.pgbench.ops)),
      cpuUsPerOp: medianOrNull(col((r) => r.pgbench.cpuUsPerOp)),
      lagP99Ms: median(col((r) => r.pgbench.lagP99Ms)),
      serviceP50Ms: median(col((r) => r.pgbench.serviceP50Ms)),
      serviceP99Ms: median(col((r) => r.pgbench.serviceP99Ms)),
    },
    harness: {
      p50Ms: median(col((r) => r.harness.p50Ms)),
      p95Ms: median(col((r) => r.harness.p95Ms)),
      p99Ms: median(col((r) => r.harness.p99Ms)),
      ops: median(col((r) => r.harness.ops)),
      cpuUsPerOp: medianOrNull(col((r) => r.harness.cpuUsPerOp)),
      serviceP50Ms: median(col((r) => r.harness.serviceP50Ms)),
      serviceP99Ms: median(col((r) => r.harness.serviceP99Ms)),
      eventLoopDelayP99Ms: median(col((r) => r.harness.eventLoopDelayP99Ms)),
      eventLoopDelayMaxMs: median(col((r) => r.harness.eventLoopDelayMaxMs)),
      gcPauses: median(col((r) => r.harness.gcPauses)),
      gcMsPerS: median(col((r) => r.harness.gcMsPerS)),
      gcMaxMs: median(col((r) => r.harness.gcMaxMs)),
    },
    ratio: { p50: ratio("p50Ms"), p95: ratio("p95Ms"), p99: ratio("p99Ms") },
    perRound,
  };
}

/** Epoch microseconds, on the clock pgbench's log uses. */
const epochUs = () => (performance.timeOrigin + performance.now()) * 1000;

/**
 * Client CPU per operation is measured over the steady part of each run, the
 * same for both: from the end of the warm-up to shortly before the end, so
 * neither start-up (connecting, compiling) nor shutdown weighs in.
 */
const WINDOW_END_MARGIN_MS = 200;

async function pgbenchRound(
  bin: string,
  target: PgTarget,
  script: string,
  prefix: string,
  opts: { rate: number; connections: number; durationMs: number },
): Promise<PgbenchLatency> {
  const totalS = Math.round((WARMUP_MS + opts.durationMs) / 1000);
  const samples: Array<{ atUs: number; ns: number | null }> = [];
  const timers: NodeJS.Timeout[] = [];
  const text = await exec(
    bin,
    [
      "-n",
      "-M",
      "prepared",
      "-f",
      script,
      "-R",
      String(opts.rate),
      "-c",
      String(opts.connections),
      "-j",
      "1",
      "-T",
      String(totalS),
      "-l",
      "--log-prefix",
      prefix,
      ...pgbenchConn(target),
    ],
    target,
    (pid) => {
      const sample = () => samples.push({ atUs: epochUs(), ns: processCpuNs(pid) });
      timers.push(setTimeout(sample, WARMUP_MS + 100));
      timers.push(setTimeout(sample, totalS * 1000 - WINDOW_END_MARGIN_MS));
    },
  ).finally(() => {
    for (const t of timers) clearTimeout(t);
  });
  const log = readPgbenchLogFiles(prefix, WARMUP_MS);
  if (log.notCompleted > 0)
    throw new Error(
      `pgbench: ${log.notCompleted} transactions skipped or failed: ${text.slice(-300)}`,
    );
  let cpuUsPerOp: number | null = null;
  const [a, b] = samples;
  if (a?.ns != null && b?.ns != null) {
    const ops = log.endsUs.filter((e) => e >= a.atUs && e < b.atUs).length;
    if (ops > 0) cpuUsPerOp = (b.ns - a.ns) / 1000 / ops;
  }
  return {
    p50Ms: ms(log.latency, 50),
    p95Ms: ms(log.latency, 95),
    p99Ms: ms(log.latency, 99),
    ops: log.measured,
    cpuUsPerOp: round1(cpuUsPerOp),
    lagP99Ms: ms(log.lag, 99),
    serviceP50Ms: ms(log.service, 50),
    serviceP99Ms: ms(log.service, 99),
  };
}

async function harnessRound(
  endpoints: Endpoints,
  rate: number,
  connections: number,
  durationMs: number,
): Promise<HarnessLatency> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const gc: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  const linux = cpuSample() !== null;
  const samples: Array<{ at: number; cpuUs: number; ops: number }> = [];
  const timers: NodeJS.Timeout[] = [];
  const run = await runStep(
    { url: WEIGHTED_SCENARIO },
    { type: "open", rate, maxInFlight: 1000 },
    { warmupMs: WARMUP_MS, durationMs, iterations: Number.POSITIVE_INFINITY, timeoutMs: 5000 },
    {
      workers: 1,
      connections,
      data: { scale: "small", seed: 1 },
      endpoints,
      live: (stats) => {
        // called as the run starts (t0 is 20 ms on): the window opens as the warm-up ends
        const sample = (first: boolean) => {
          const s = stats();
          const u = process.cpuUsage();
          samples.push({
            at: performance.now(),
            cpuUs: u.user + u.system,
            ops: s.ok + s.errors + s.warmupOk + s.warmupErrors,
          });
          if (first) {
            obs.observe({ entryTypes: ["gc"] });
            loop.enable();
          } else {
            loop.disable();
            obs.disconnect();
          }
        };
        timers.push(setTimeout(() => sample(true), 20 + WARMUP_MS));
        timers.push(
          setTimeout(() => sample(false), 20 + WARMUP_MS + durationMs - WINDOW_END_MARGIN_MS),
        );
      },
    },
  ).finally(() => {
    for (const t of timers) clearTimeout(t);
    loop.disable();
    obs.disconnect();
  });
  const errors = Object.values(run.operations.errors).reduce((a, b) => a + b, 0);
  if (errors > 0)
    throw new Error(`harness errors: ${errors} (${run.operations.sampleErrors[0] ?? ""})`);
  const [a, b] = samples;
  const windowS = a && b ? (b.at - a.at) / 1000 : 0;
  const latency = decodeHistogram(run.histograms.latency);
  const service = decodeHistogram(run.histograms.serviceTime);
  return {
    p50Ms: ms(latency, 50),
    p95Ms: ms(latency, 95),
    p99Ms: ms(latency, 99),
    ops: run.operations.ok,
    cpuUsPerOp: round1(
      linux && a && b && b.ops > a.ops ? (b.cpuUs - a.cpuUs) / (b.ops - a.ops) : null,
    ),
    serviceP50Ms: ms(service, 50),
    serviceP99Ms: ms(service, 99),
    // the histogram records the time between its 10 ms timer's runs: the delay is the excess
    eventLoopDelayP99Ms:
      loop.count > 0 ? Math.max(0, Math.round(loop.percentile(99) / 1e3) / 1000 - 10) : 0,
    eventLoopDelayMaxMs: loop.count > 0 ? Math.max(0, Math.round(loop.max / 1e3) / 1000 - 10) : 0,
    gcPauses: gc.length,
    gcMsPerS: windowS > 0 ? Math.round((gc.reduce((x, y) => x + y, 0) / windowS) * 1000) / 1000 : 0,
    gcMaxMs: Math.round(Math.max(0, ...gc) * 1000) / 1000,
  };
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** `n` processes that each burn a CPU until stopped: a busy shared machine, on purpose. */
function startHogs(n: number): ChildProcess[] {
  // each ends by itself when this process is gone (its parent changes), even after a kill -9
  const burn = `const p = process.ppid; for (let i = 0; ; i++) if ((i & 0xfffff) === 0 && process.ppid !== p) process.exit(0);`;
  const hogs = Array.from({ length: n }, () =>
    spawn(process.execPath, ["-e", burn], { stdio: "ignore" }),
  );
  process.once("exit", () => stopHogs(hogs));
  return hogs;
}

function stopHogs(hogs: ChildProcess[]): void {
  for (const h of hogs) h.kill("SIGKILL");
}
