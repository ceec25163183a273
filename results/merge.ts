/**
 * Combines results, with the rules of core/figures.ts (shared with the merge
 * of one run's worker threads, engine/merge-outcomes.ts). Two shapes:
 * - mergeRuns: several load generators of ONE run (processes on one or more
 *   machines, started together). Histograms are added, counts summed, the
 *   throughputs summed (each is its generator's in-window completions over
 *   its own measured window; windows that differ by 1 s or more are
 *   refused, so the sum is the rate they offered together),
 *   per-second series aligned on each generator's window start, each merged
 *   second's percentiles from its added histograms, summaries recomputed,
 *   thresholds re-evaluated.
 * - combineRepeats: repeated runs of one scenario, one after the other (what
 *   `gate` does with several result files of the same scenario). Histograms
 *   added, counts summed, durations added, series (and their per-second
 *   histograms) concatenated; throughput is the in-window completions of all
 *   runs (each run's throughput x its window) over the total measured time.
 */
import { createHash } from "node:crypto";
import {
  addHistograms,
  alignSeconds,
  errorTotal,
  mergePools,
  mergeSampleErrors,
  mergeSecond,
  type SecondFigures,
  sumCapacity,
  sumErrors,
} from "../core/figures.ts";
import { encodeHistogram, summarize } from "../core/histogram.ts";
import {
  type LoadModel,
  RESULT_FORMAT,
  RESULT_VERSION,
  type RunResult,
  type ScenarioResult,
  type TimeSeriesPoint,
} from "../core/result.ts";
import { metricValues, reevaluateThresholds } from "./thresholds.ts";

/** Raised when results cannot be combined; the CLI turns it into one line and exit 2. */
export class MergeMismatch extends Error {}

/** The load the generators offered together. */
function sumModels(models: LoadModel[]): LoadModel {
  const first = models[0];
  if (!models.every((m) => m.type === first.type)) return first;
  if (first.type === "closed") {
    const all = models as Array<Extract<LoadModel, { type: "closed" }>>;
    return { ...first, vus: all.reduce((a, m) => a + m.vus, 0) };
  }
  if (first.type === "open") {
    const all = models as Array<Extract<LoadModel, { type: "open" }>>;
    return {
      ...first,
      rate: all.reduce((a, m) => a + m.rate, 0),
      maxInFlight: all.reduce((a, m) => a + m.maxInFlight, 0),
    };
  }
  const all = models as Array<Extract<LoadModel, { type: "ramping" }>>;
  return {
    ...first,
    startRate: all.reduce((a, m) => a + m.startRate, 0),
    maxInFlight: all.reduce((a, m) => a + m.maxInFlight, 0),
    stages: first.stages.map((st, i) => ({
      durationMs: st.durationMs,
      target: all.reduce((a, m) => a + (m.stages[i]?.target ?? 0), 0),
    })),
  };
}

/** A second of a result: its point and its encoded histogram (undefined: the result keeps none, version 1). */
interface Second {
  point: TimeSeriesPoint;
  histogram: string | null | undefined;
}

/** The seconds of a scenario, index = t (a second missing from the series is an empty one). */
function secondsOf(s: ScenarioResult): Second[] {
  const hs = s.histograms.seconds;
  const kept = Array.isArray(hs) && hs.length === s.timeSeries.length;
  const out: Second[] = [];
  s.timeSeries.forEach((point, i) => {
    while (out.length < point.t) out.push(emptySecond(out.length));
    out[point.t] = { point, histogram: kept ? hs[i] : undefined };
  });
  return out;
}

const emptySecond = (t: number): Second => ({
  point: { t, ops: 0, errors: 0, dropped: 0, p50: 0, p95: 0, p99: 0, max: 0 },
  histogram: null,
});

/**
 * One second of several generators. With every generator's histogram of the
 * second, the percentiles are those of their sum (exact); otherwise (a
 * version 1 result keeps none) the ops-weighted mean of the generators'
 * percentiles, and the largest max.
 */
function mergeSecondOf(
  t: number,
  seconds: Second[],
): { point: TimeSeriesPoint; exact: boolean; histogram: string | null } {
  const figures: SecondFigures = mergeSecond(
    seconds.map((s) => ({
      ops: s.point.ops,
      errors: s.point.errors,
      dropped: s.point.dropped,
      latency: s.histogram ?? null,
      client: s.point.client,
    })),
  );
  const exact = seconds.every((s) => s.histogram !== undefined);
  const point: TimeSeriesPoint = {
    t,
    ops: figures.ops,
    errors: figures.errors,
    dropped: figures.dropped,
    p50: 0,
    p95: 0,
    p99: 0,
    max: 0,
  };
  if (exact) {
    if (figures.latency) {
      const sum = summarize(addHistograms([figures.latency]));
      point.p50 = sum.p50;
      point.p95 = sum.p95;
      point.p99 = sum.p99;
      point.max = sum.max;
    }
  } else if (seconds.length > 0) {
    const ops = figures.ops;
    const weighted = (k: "p50" | "p95" | "p99") =>
      ops === 0
        ? Math.max(...seconds.map((s) => s.point[k]))
        : seconds.reduce((a, s) => a + s.point[k] * s.point.ops, 0) / ops;
    point.p50 = round3(weighted("p50"));
    point.p95 = round3(weighted("p95"));
    point.p99 = round3(weighted("p99"));
    point.max = Math.max(...seconds.map((s) => s.point.max));
  }
  if (figures.client) point.client = figures.client;
  return { point, exact, histogram: figures.latency };
}

/** Per-second series of several parts, part p's second i at i + offsets[p]. */
function combineSeries(parts: Array<{ offset: number; seconds: Second[] }>): {
  timeSeries: TimeSeriesPoint[];
  seconds?: Array<string | null>;
} {
  const merged = alignSeconds(parts.map((p) => ({ offset: p.offset, items: p.seconds }))).map(
    (list, t) => mergeSecondOf(t, list),
  );
  const timeSeries = merged.map((m) => m.point);
  return merged.every((m) => m.exact)
    ? { timeSeries, seconds: merged.map((m) => m.histogram) }
    : { timeSeries };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Present in every part: the parts' values; else undefined (a version 1 part lacks it). */
function fromAll<T>(
  parts: ScenarioResult[],
  f: (s: ScenarioResult) => T | undefined,
): T[] | undefined {
  const values = parts.map(f);
  return values.every((v) => v !== undefined) ? (values as T[]) : undefined;
}

function finish(
  base: ScenarioResult,
  parts: ScenarioResult[],
  fields: Pick<
    ScenarioResult,
    "durationMs" | "warmupMs" | "throughput" | "timeSeries" | "model" | "generators"
  > & { seconds?: Array<string | null>; windowStart?: string; offsets: number[] },
  kind: "parallel" | "sequential",
): ScenarioResult {
  const { seconds, windowStart, offsets, ...rest } = fields;
  const latency = addHistograms(parts.map((s) => s.histograms.latency));
  const service = addHistograms(parts.map((s) => s.histograms.serviceTime));
  const waits = fromAll(parts, (s) => s.histograms.wait);
  const errors = sumErrors(parts.map((s) => s.operations.errors));
  const ok = parts.reduce((a, s) => a + s.operations.ok, 0);
  const errorCount = errorTotal(errors);
  const merged: ScenarioResult = {
    ...base,
    ...rest,
    operations: {
      ok,
      errors,
      dropped: parts.reduce((a, s) => a + s.operations.dropped, 0),
      sampleErrors: mergeSampleErrors(parts.map((s) => s.operations.sampleErrors)),
    },
    errorRate: ok + errorCount === 0 ? 0 : errorCount / (ok + errorCount),
    latency: summarize(latency),
    serviceTime: summarize(service),
    histograms: { latency: encodeHistogram(latency), serviceTime: encodeHistogram(service) },
    thresholds: [],
    passed: false,
  };
  for (const key of ["windowStart", "warmup", "wait", "capacity", "pool", "aborted"] as const)
    delete merged[key];
  if (windowStart !== undefined) merged.windowStart = windowStart;
  const interrupted = fromAll(parts, (s) => s.operations.interrupted);
  if (interrupted) merged.operations.interrupted = interrupted.reduce((a, n) => a + n, 0);
  const warmups = fromAll(parts, (s) => s.warmup);
  if (warmups)
    merged.warmup = {
      ok: warmups.reduce((a, w) => a + w.ok, 0),
      errors: warmups.reduce((a, w) => a + w.errors, 0),
    };
  if (waits) {
    const wait = addHistograms(waits);
    merged.wait = summarize(wait);
    merged.histograms.wait = encodeHistogram(wait);
  }
  if (seconds) merged.histograms.seconds = seconds;
  const capacity = sumCapacity(parts.map((s) => s.capacity));
  if (capacity) merged.capacity = capacity;
  const pool = mergePools(
    parts.map((s) => ({
      pool: s.pool,
      operations: s.operations.ok + errorTotal(s.operations.errors),
    })),
    kind,
  );
  if (pool) merged.pool = pool;
  // the earliest stop, on the combined axis
  const aborted = parts
    .map((s, i) => s.aborted && { reason: s.aborted.reason, atS: s.aborted.atS + offsets[i] })
    .filter((a) => a !== undefined)
    .sort((a, b) => a.atS - b.atS)[0];
  if (aborted) merged.aborted = aborted;
  merged.thresholds = reevaluateThresholds(
    parts.map((s) => s.thresholds),
    metricValues(merged, latency, service),
  );
  merged.passed = ok > 0 && merged.thresholds.every((t) => t.ok);
  return merged;
}

/** Repeated runs of one scenario, one after the other, as one longer run. */
export function combineRepeats(parts: ScenarioResult[]): ScenarioResult {
  if (parts.length === 1) return parts[0];
  const series: Array<{ offset: number; seconds: Second[] }> = [];
  let offset = 0;
  for (const s of parts) {
    // each part's trailing partial second is left out, so the joined series holds full
    // seconds only (a partial one would read as a throughput drop or a one-operation p99)
    const full = Math.floor(s.durationMs / 1000);
    const all = secondsOf(s);
    series.push({ offset, seconds: full === 0 ? all : all.slice(0, full) });
    offset += full === 0 ? Math.ceil(s.durationMs / 1000) : full;
  }
  const { timeSeries, seconds } = combineSeries(series);
  const durationMs = parts.reduce((a, s) => a + s.durationMs, 0);
  const inWindow = parts.reduce((a, s) => a + s.throughput * (s.durationMs / 1000), 0);
  return finish(
    parts[0],
    parts,
    {
      durationMs,
      warmupMs: parts[0].warmupMs,
      throughput: durationMs > 0 ? round3(inWindow / (durationMs / 1000)) : 0,
      timeSeries,
      seconds,
      windowStart: parts[0].windowStart,
      offsets: series.map((s) => s.offset),
      model: parts[0].model,
      generators: Math.max(...parts.map((s) => s.generators)),
    },
    "sequential",
  );
}

/**
 * Where a scenario's series starts, in epoch ms: its `windowStart` when every
 * part records one (version 2), else its run's start (version 1: generators
 * of one run run the same scenarios in the same order, so the offsets between
 * them hold).
 */
function starts(parts: Array<{ run: RunResult; scenario: ScenarioResult }>): number[] {
  const own = parts.every((p) => typeof p.scenario.windowStart === "string");
  return parts.map((p) => Date.parse(own ? p.scenario.windowStart! : p.run.startedAt));
}

/** One scenario measured by several generators at the same time. */
export function mergeScenario(
  parts: Array<{ run: RunResult; scenario: ScenarioResult }>,
): ScenarioResult {
  const scenarios = parts.map((p) => p.scenario);
  const at = starts(parts);
  const origin = Math.min(...at);
  const offsets = at.map((t) => Math.round((t - origin) / 1000));
  const { timeSeries, seconds } = combineSeries(
    scenarios.map((s, i) => ({ offset: offsets[i], seconds: secondsOf(s) })),
  );
  const windows = fromAll(scenarios, (s) => s.windowStart);
  return finish(
    scenarios[0],
    scenarios,
    {
      durationMs: Math.max(...scenarios.map((s) => s.durationMs)),
      warmupMs: Math.max(...scenarios.map((s) => s.warmupMs)),
      throughput: round3(scenarios.reduce((a, s) => a + s.throughput, 0)),
      timeSeries,
      seconds,
      windowStart: windows ? new Date(origin).toISOString() : undefined,
      offsets,
      model: sumModels(scenarios.map((s) => s.model)),
      generators: scenarios.reduce((a, s) => a + s.generators, 0),
    },
    "parallel",
  );
}

/** Measured windows of one scenario must differ by less than this (start-up jitter, an iterations bound). */
const WINDOW_SLACK_MS = 1000;

/**
 * Generators' windows must be about as long: throughputs add only when each
 * measured about the same window (3 s at 20/s and 4 s at 30/s are not 50/s
 * over 4 s).
 */
function checkWindows(runs: Array<{ file: string; run: RunResult }>): void {
  const s = (ms: number) => `${Math.round(ms) / 1000} s`;
  for (const scenario of runs[0].run.scenarios) {
    const parts = runs.map((r) => ({
      file: r.file,
      s: r.run.scenarios.find((x) => x.name === scenario.name)!,
    }));
    const shortest = parts.reduce((a, b) => (b.s.durationMs < a.s.durationMs ? b : a));
    const longest = parts.reduce((a, b) => (b.s.durationMs > a.s.durationMs ? b : a));
    if (longest.s.durationMs - shortest.s.durationMs >= WINDOW_SLACK_MS)
      throw new MergeMismatch(
        `${longest.file}: scenario ${JSON.stringify(scenario.name)} measured ${s(longest.s.durationMs)} but ${shortest.file} measured ${s(shortest.s.durationMs)}; merge only generators whose windows differ by less than 1 s (run each with the same --duration)`,
      );
  }
}

/** Generators of one run start within this of each other's windows (clocks differ a little). */
const CLOCK_SLACK_MS = 5000;

/**
 * What makes results of one run: different results (not one file twice), at
 * the same time, of the same scenarios, scale, seed and index set.
 */
export function checkSameRun(runs: Array<{ file: string; run: RunResult }>): void {
  const seen = new Map<string, string>();
  for (const { file, run } of runs) {
    // a merged result stands for the results it was merged from
    const from = (run.config as { mergedFrom?: Array<{ id: string }> }).mergedFrom;
    const ids = Array.isArray(from) && from.length > 0 ? from.map((m) => m.id) : [run.id];
    for (const id of ids) {
      const twin = seen.get(id);
      if (twin !== undefined)
        throw new MergeMismatch(
          `${file} and ${twin} both hold result ${id}; pass each load generator's result once`,
        );
      seen.set(id, file);
    }
  }
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i];
      const b = runs[j];
      const apart =
        Date.parse(a.run.startedAt) > Date.parse(b.run.endedAt) + CLOCK_SLACK_MS ||
        Date.parse(b.run.startedAt) > Date.parse(a.run.endedAt) + CLOCK_SLACK_MS;
      if (apart)
        throw new MergeMismatch(
          `${b.file} (${b.run.startedAt} to ${b.run.endedAt}) did not run at the same time as ${a.file} (${a.run.startedAt} to ${a.run.endedAt}), not even within 5 s of clock difference; merge combines the load generators of one run, while gate takes repeated runs as several files`,
        );
    }
  const [first, ...rest] = runs;
  const names = (r: RunResult) =>
    r.scenarios
      .map((s) => s.name)
      .sort()
      .join(", ");
  for (const other of rest) {
    const a = first.run.data;
    const b = other.run.data;
    if (a.scale !== b.scale)
      throw new MergeMismatch(
        `${other.file}: data scale '${b.scale}' differs from '${a.scale}' in ${first.file}; merge only the generators of one run`,
      );
    if (a.seed !== b.seed)
      throw new MergeMismatch(
        `${other.file}: data seed ${b.seed} differs from ${a.seed} in ${first.file}; merge only the generators of one run`,
      );
    if (a.indexSet !== b.indexSet)
      throw new MergeMismatch(
        `${other.file}: index set '${b.indexSet}' differs from '${a.indexSet}' in ${first.file}; merge only the generators of one run`,
      );
    if (names(first.run) !== names(other.run))
      throw new MergeMismatch(
        `${other.file}: scenarios [${names(other.run)}] differ from [${names(first.run)}] in ${first.file}; merge only results of the same scenarios`,
      );
  }
}

/** Merges the results of several load generators of one run into one result. */
export function mergeRuns(runs: Array<{ file: string; run: RunResult }>): RunResult {
  checkSameRun(runs);
  checkWindows(runs);
  const all = runs.map((r) => r.run);
  const runStarts = all.map((r) => Date.parse(r.startedAt));
  const ends = all.map((r) => Date.parse(r.endedAt));
  const scenarios = all[0].scenarios.map((s) =>
    mergeScenario(
      all.map((run) => ({ run, scenario: run.scenarios.find((x) => x.name === s.name)! })),
    ),
  );
  const id = `merged-${createHash("sha256")
    .update(
      all
        .map((r) => r.id)
        .sort()
        .join("\n"),
    )
    .digest("hex")
    .slice(0, 12)}`;
  const hostnames = [...new Set(all.map((r) => r.environment.hostname))];
  const merged: RunResult = {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    id,
    startedAt: new Date(Math.min(...runStarts)).toISOString(),
    endedAt: new Date(Math.max(...ends)).toISOString(),
    environment: { ...all[0].environment, hostname: hostnames.join(",") },
    data: { ...all[0].data },
    config: {
      ...all[0].config,
      mergedFrom: all.map((r) => ({
        id: r.id,
        hostname: r.environment.hostname,
        startedAt: r.startedAt,
      })),
    },
    scenarios,
    passed: scenarios.every((s) => s.passed),
  };
  const aborted = all.find((r) => r.aborted)?.aborted;
  if (aborted) merged.aborted = { ...aborted };
  return merged;
}
