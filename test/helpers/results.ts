/**
 * Builds RunResults for gate, merge and report tests from a seeded latency
 * distribution, recorded into real HdrHistograms (engine/histogram.ts) the
 * way the engine records them: run totals plus each second's histogram and
 * percentiles (result version 2).
 */
import {
  createHistogram,
  encodeHistogram,
  percentileMs,
  recordUs,
  summarize,
} from "../../core/histogram.ts";
import {
  ERROR_CLASSES,
  type ErrorClass,
  RESULT_FORMAT,
  RESULT_VERSION,
  type RunResult,
  type ScenarioResult,
  type TimeSeriesPoint,
} from "../../core/result.ts";
import { createRng } from "../../core/rng.ts";
import { evaluateThresholds, parseThreshold } from "../../core/thresholds.ts";
import { metricValues } from "../../results/thresholds.ts";

export interface ScenarioSpec {
  name: string;
  /** seed of the latency draw */
  seed: number;
  durationS?: number;
  /** operations per second */
  rate?: number;
  /** lognormal latency: median in ms and shape */
  medianMs?: number;
  sigma?: number;
  /** multiplies every latency (1.4 = everything 40% slower) */
  factor?: number;
  /** fraction of operations that fail (class "query") */
  errorRate?: number;
  /** expressions on latency unless given as [metric, expression] */
  thresholds?: Array<string | [string, string]>;
  sampleErrors?: string[];
  /** wall-clock start of the measured window (the scenario's windowStart) */
  startedAt?: string;
  /**
   * Keep only this generator's share of the operations: the same seeded stream
   * is drawn, operation i is recorded when i % of === index. The shares of all
   * generators together are exactly the whole (for merge tests).
   */
  share?: { index: number; of: number };
}

export interface RunSpec {
  scenarios: ScenarioSpec[];
  scale?: string;
  dataSeed?: number;
  id?: string;
  startedAt?: string;
}

function lognormal(random: () => number, median: number, sigma: number): number {
  const u1 = random() || 1e-12;
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}

export function buildScenario(spec: ScenarioSpec): ScenarioResult {
  const durationS = spec.durationS ?? 30;
  const rate = spec.rate ?? 200;
  const median = spec.medianMs ?? 5;
  const sigma = spec.sigma ?? 0.5;
  const factor = spec.factor ?? 1;
  const errorRate = spec.errorRate ?? 0;
  const rng = createRng(spec.seed);
  const random = () => rng.next();
  const latency = createHistogram(3);
  const timeSeries: TimeSeriesPoint[] = [];
  const seconds: Array<string | null> = [];
  let ok = 0;
  let failed = 0;
  for (let t = 0; t < durationS; t++) {
    const second = createHistogram(3);
    let okThisSecond = 0;
    let errorsThisSecond = 0;
    for (let i = 0; i < rate; i++) {
      const mine = !spec.share || (t * rate + i) % spec.share.of === spec.share.index;
      if (random() < errorRate) {
        if (mine) errorsThisSecond++;
        continue;
      }
      const us = lognormal(random, median, sigma) * factor * 1000;
      if (!mine) continue;
      recordUs(latency, us);
      recordUs(second, us);
      okThisSecond++;
    }
    seconds.push(second.totalCount === 0 ? null : encodeHistogram(second));
    ok += okThisSecond;
    failed += errorsThisSecond;
    timeSeries.push({
      t,
      ops: okThisSecond,
      errors: errorsThisSecond,
      dropped: 0,
      p50: percentileMs(second, 50),
      p95: percentileMs(second, 95),
      p99: percentileMs(second, 99),
      max: percentileMs(second, 100),
    });
  }
  const errors = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;
  errors.query = failed;
  const encoded = encodeHistogram(latency);
  const scenario: ScenarioResult = {
    name: spec.name,
    description: `constructed scenario ${spec.name}`,
    stores: ["postgres"],
    model: { type: "open", rate: spec.share ? rate / spec.share.of : rate, maxInFlight: 64 },
    durationMs: durationS * 1000,
    warmupMs: 0,
    operations: { ok, errors, dropped: 0, sampleErrors: spec.sampleErrors ?? [] },
    throughput: ok / durationS,
    errorRate: ok + failed === 0 ? 0 : failed / (ok + failed),
    latency: summarize(latency),
    serviceTime: summarize(latency),
    histograms: { latency: encoded, serviceTime: encoded, seconds },
    timeSeries,
    thresholds: [],
    passed: false,
    generators: 1,
  };
  if (spec.startedAt) scenario.windowStart = spec.startedAt;
  // evaluated like the engine does (it adds the implicit operations ok>0 first)
  const parsed = (spec.thresholds ?? []).map((t) =>
    typeof t === "string" ? parseThreshold(t, "latency") : parseThreshold(t[1], t[0]),
  );
  scenario.thresholds = evaluateThresholds(parsed, metricValues(scenario, latency, latency));
  scenario.passed = ok > 0 && scenario.thresholds.every((t) => t.ok);
  return scenario;
}

export function buildRun(spec: RunSpec): RunResult {
  const scenarios = spec.scenarios.map(buildScenario);
  const startedAt = spec.startedAt ?? "2026-11-24T10:00:00.000Z";
  const longest = Math.max(...scenarios.map((s) => s.durationMs));
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    id: spec.id ?? `run-${spec.scenarios.map((s) => s.seed).join("-")}`,
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + longest).toISOString(),
    environment: {
      harnessVersion: "0.1.0",
      node: "v20.0.0",
      platform: "linux",
      arch: "x64",
      cpus: 2,
      cpuModel: "test cpu",
      memoryBytes: 24 * 2 ** 30,
      hostname: "builder",
    },
    data: { scale: spec.scale ?? "small", seed: spec.dataSeed ?? 42, indexSet: "design" },
    config: {},
    scenarios,
    passed: scenarios.every((s) => s.passed),
  };
}
