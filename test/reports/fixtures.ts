/** Gate and tune reports built from constructed results, shared by the renderer tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  recordUs,
  summarize,
} from "../../core/histogram.ts";
import type { ClientSecond, RunResult } from "../../core/result.ts";
import { evaluateGate, type GateReport } from "../../gate/verdict.ts";
import type { TuneReport } from "../../tuning/session.ts";
import { buildRun, type ScenarioSpec } from "../helpers/results.ts";

export const XSS = "<script>alert(1)</script>";
const TH: ScenarioSpec["thresholds"] = [
  "p(95)<25",
  "p(99)<50",
  ["errors", "rate<0.01"],
  ["throughput", "throughput>150"],
];

export interface SampleOptions {
  /**
   * One second of the first scenario's baseline this slow (p95, p99 and max
   * in ms), its operations recorded in the baseline histogram too: the
   * outlier that flattened the current run's lines on a linear axis.
   */
  baselineOutlierMs?: number;
  /** the current run as result format 2: wait, interrupted, per-second client figures */
  v2?: boolean;
  /**
   * Service time apart from latency, as an open model records it (each
   * operation's service time this share of its latency): the distribution
   * chart then has three series, whose legend the old layout drew over the
   * chart's title.
   */
  serviceTimeShare?: number;
}

/** The second of the first scenario's baseline that holds the outlier. */
export const OUTLIER_SECOND = 7;

/** Three scenarios against a baseline: regressed, unchanged, and one named like an attack that fails its targets. */
export function sampleReport(opts: SampleOptions = {}): GateReport {
  const base = buildRun({
    scenarios: [
      { name: "leaderboards", seed: 1, thresholds: TH },
      { name: "trending", seed: 11, medianMs: 2, thresholds: TH },
      { name: XSS, seed: 21, medianMs: 4, thresholds: TH },
    ],
  });
  const cur = buildRun({
    scenarios: [
      { name: "leaderboards", seed: 2, factor: 1.4, thresholds: TH },
      { name: "trending", seed: 12, medianMs: 2, thresholds: TH },
      {
        name: XSS,
        seed: 22,
        medianMs: 20,
        errorRate: 0.05,
        thresholds: TH,
        sampleErrors: [`${XSS} <img src=x onerror=alert(2)> & "quoted"`],
      },
    ],
  });
  if (opts.baselineOutlierMs) addOutlier(base, opts.baselineOutlierMs);
  if (opts.serviceTimeShare)
    for (const r of [base, cur]) serviceTimeApart(r, opts.serviceTimeShare);
  if (opts.v2) toVersion2(cur);
  return evaluateGate([{ file: "current.json", run: cur }], { file: "baseline.json", run: base });
}

function addOutlier(run: RunResult, outlierMs: number): void {
  const s = run.scenarios[0];
  const point = s.timeSeries[OUTLIER_SECOND];
  point.p95 = outlierMs * 0.8;
  point.p99 = outlierMs;
  point.max = outlierMs;
  const h = decodeHistogram(s.histograms.latency);
  for (let i = 0; i < 3; i++) recordUs(h, outlierMs * 1000);
  s.histograms.latency = encodeHistogram(h);
  s.histograms.serviceTime = s.histograms.latency;
  s.latency = summarize(h);
  s.serviceTime = s.latency;
}

function serviceTimeApart(run: RunResult, share: number): void {
  for (const s of run.scenarios) {
    const latency = decodeHistogram(s.histograms.latency);
    const service = createHistogram(3);
    const per = latency.totalCount / 1000;
    for (let i = 0; i < 1000; i++)
      for (let k = Math.floor(per * i); k < Math.floor(per * (i + 1)); k++)
        recordUs(service, latency.getValueAtPercentile((i + 0.5) / 10) * share);
    s.histograms.serviceTime = encodeHistogram(service);
    s.serviceTime = summarize(service);
  }
}

/** Seconds of the current run's first scenario slowed by the client, and how. */
export const CLIENT_SLOW = {
  loop: { t: 12, p99: 90, client: { loopDelayP99Ms: 38, loopDelayMaxMs: 71, gcMs: 2 } },
  gc: { t: 20, p99: 80, client: { loopDelayP99Ms: 3, loopDelayMaxMs: 9, gcMs: 55 } },
} satisfies Record<string, { t: number; p99: number; client: ClientSecond }>;

/**
 * The fields result format 2 adds, written by hand: each second's client
 * figures (event-loop delay, GC), a wait summary beside latency and service
 * time, and the count of interrupted operations.
 */
function toVersion2(run: RunResult): void {
  (run as unknown as { version: number }).version = 2;
  run.scenarios.forEach((s, si) => {
    const wait = createHistogram(3);
    for (let i = 1; i <= 200; i++) recordUs(wait, 20 + i * (si + 1) * 3);
    Object.assign(s, { wait: summarize(wait) });
    Object.assign(s.operations, { interrupted: si === 0 ? 4 : 0 });
    for (const p of s.timeSeries) {
      const client: ClientSecond = {
        loopDelayP99Ms: 1.1 + (p.t % 3) * 0.2,
        loopDelayMaxMs: 2.4 + (p.t % 4) * 0.3,
        gcMs: 0.4 + (p.t % 5) * 0.1,
      };
      Object.assign(p, { client });
    }
  });
  const first = run.scenarios[0];
  for (const slow of Object.values(CLIENT_SLOW)) {
    const p = first.timeSeries[slow.t];
    p.p99 = slow.p99;
    p.max = slow.p99;
    Object.assign(p, { client: slow.client });
  }
}

/**
 * A real `tune --scale tiny --ab --json` report (PostgreSQL 18.4, DynamoDB
 * Local), its catalog's table and foreign-key lists left out (no renderer
 * reads them): 21 findings with long evidence and fix SQL, five patterns
 * with plans, the A/B and the DynamoDB key spread.
 */
export function tuneReport(): TuneReport {
  const file = fileURLToPath(new URL("./tune-report.json", import.meta.url));
  return JSON.parse(readFileSync(file, "utf8")) as TuneReport;
}
