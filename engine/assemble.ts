import { createHistogram, decodeHistogram, summarize } from "../core/histogram.ts";
import type {
  ErrorClass,
  FreshnessFigures,
  LoadModel,
  ScenarioResult,
  StoreKind,
  TimeSeriesPoint,
} from "../core/result.ts";
import { evaluateThresholds, type Threshold } from "../core/thresholds.ts";
import type { GeneratorOutcome } from "./generator.ts";
import type { Bounds } from "./models/index.ts";

export interface ScenarioMeta {
  name: string;
  description: string;
  stores: StoreKind[];
  model: LoadModel;
  bounds: Bounds;
  generators: number;
  /** epoch µs at which the run was stopped early (abortOnFail, Ctrl-C): the window ends there */
  stoppedAtUs?: number;
}

/**
 * The ScenarioResult of a run: summaries from the merged histograms, the
 * per-second series (each second's histogram kept), and the thresholds
 * evaluated. The measured window is the configured duration, or, for a run
 * bounded only by iterations, from the end of the warm-up to the last
 * completion; for a run stopped early, up to its stop or its last
 * completion, whichever is later. Throughput counts what completed inside
 * the window, over the window: operations scheduled in it that finish after
 * it are interrupted (in every histogram, not in throughput).
 */
export function assembleScenario(
  meta: ScenarioMeta,
  outcome: GeneratorOutcome,
  thresholds: Threshold[],
): ScenarioResult {
  const latency = decodeHistogram(outcome.latency);
  const serviceTime = decodeHistogram(outcome.serviceTime);
  const wait = decodeHistogram(outcome.wait);
  const errorCount = Object.values(outcome.errors).reduce((s, n) => s + n, 0);
  const bounded = Number.isFinite(meta.bounds.durationMs);
  // a run stopped early (abortOnFail, Ctrl-C) ends when its last operation in flight
  // completed: those completions are counted, so the window must hold them too
  const stoppedMs =
    meta.stoppedAtUs === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(
          1,
          (Math.max(meta.stoppedAtUs, outcome.lastEndUs) - outcome.measureStartUs) / 1000,
        );
  const durationMs = bounded
    ? Math.min(meta.bounds.durationMs, stoppedMs)
    : Math.max(1, (outcome.lastEndUs - outcome.measureStartUs) / 1000);
  const inWindow = bounded ? outcome.okInWindow : outcome.ok;
  const throughput = inWindow / (durationMs / 1000);
  const total = outcome.ok + errorCount;
  const own = outcome.figures?.histograms;
  const freshness = own?.freshness ? decodeHistogram(own.freshness) : undefined;
  const syncLag = own?.syncLag ? decodeHistogram(own.syncLag) : undefined;
  const outcomes = evaluateThresholds(thresholds, {
    latency,
    serviceTime,
    wait,
    freshness,
    syncLag,
    ok: outcome.ok,
    errors: errorCount,
    dropped: outcome.dropped,
    throughput,
  });
  const result: ScenarioResult = {
    name: meta.name,
    description: meta.description,
    stores: meta.stores,
    model: meta.model,
    durationMs: Math.round(durationMs),
    warmupMs: meta.bounds.warmupMs,
    windowStart: new Date(outcome.measureStartUs / 1000).toISOString(),
    operations: {
      ok: outcome.ok,
      errors: { ...outcome.errors } as Record<ErrorClass, number>,
      dropped: outcome.dropped,
      interrupted: outcome.interrupted,
      sampleErrors: outcome.sampleErrors,
    },
    warmup: { ...outcome.warmup },
    throughput: round(throughput, 3),
    errorRate: total === 0 ? 0 : errorCount / total,
    latency: summarize(latency),
    serviceTime: summarize(serviceTime),
    wait: summarize(wait),
    histograms: {
      latency: outcome.latency,
      serviceTime: outcome.serviceTime,
      wait: outcome.wait,
      seconds: outcome.seconds.map((s) => s.latency),
    },
    timeSeries: timeSeries(outcome),
    thresholds: outcomes,
    passed: outcomes.every((o) => o.ok),
    generators: meta.generators,
  };
  if (outcome.capacity) result.capacity = outcome.capacity;
  if (outcome.pool) result.pool = outcome.pool;
  if (outcome.figures) {
    const slotLag = placeSlotLag(result.timeSeries, outcome);
    result.freshness = {
      endToEnd: summarize(freshness ?? createHistogram(3)),
      perChange: summarize(syncLag ?? createHistogram(3)),
      slotLagBytes: slotLag,
    };
    if (own?.freshness) result.histograms.freshness = own.freshness;
    if (own?.syncLag) result.histograms.syncLag = own.syncLag;
  }
  return result;
}

/**
 * The slot-lag samples of the measured window into its seconds (the highest
 * of a second's samples), and their summary.
 */
function placeSlotLag(
  series: TimeSeriesPoint[],
  outcome: GeneratorOutcome,
): FreshnessFigures["slotLagBytes"] {
  const out = { samples: 0, max: 0, last: 0 };
  for (const { atMs, bytes } of outcome.figures?.slotLag ?? []) {
    const t = Math.floor((atMs * 1000 - outcome.measureStartUs) / 1e6);
    const point = series[t];
    if (t < 0 || !point) continue;
    point.slotLagBytes = Math.max(point.slotLagBytes ?? 0, bytes);
    out.samples++;
    out.max = Math.max(out.max, bytes);
    out.last = bytes;
  }
  return out;
}

function timeSeries(outcome: GeneratorOutcome): TimeSeriesPoint[] {
  return outcome.seconds.map((s, t) => {
    const point: TimeSeriesPoint = {
      t,
      ops: s.ops,
      errors: s.errors,
      dropped: s.dropped,
      p50: 0,
      p95: 0,
      p99: 0,
      max: 0,
    };
    if (s.latency) {
      const sum = summarize(decodeHistogram(s.latency));
      point.p50 = sum.p50;
      point.p95 = sum.p95;
      point.p99 = sum.p99;
      point.max = sum.max;
    }
    if (s.client) point.client = s.client;
    return point;
  });
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
