/**
 * Combines results. Two shapes:
 * - mergeRuns: several load generators of ONE run (processes on one or more
 *   machines, started together). Histograms are added, counts and throughput
 *   summed, per-second series aligned by wall-clock second, summaries
 *   recomputed from the added histograms, thresholds re-evaluated.
 * - combineRepeats: repeated runs of one scenario, one after the other (what
 *   `gate` does with several result files of the same scenario). Histograms
 *   added, counts summed, durations added, series concatenated, throughput is
 *   total successful operations over total measured time.
 */
import { createHash } from "node:crypto";
import type { Histogram } from "../engine/histogram.ts";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  summarize,
} from "../engine/histogram.ts";
import {
  type CapacityUsage,
  ERROR_CLASSES,
  type ErrorClass,
  type LoadModel,
  type PoolFigures,
  type RunResult,
  type ScenarioResult,
  type TimeSeriesPoint,
} from "../engine/result.ts";
import { metricValues, reevaluateThresholds } from "../gate/thresholds.ts";

/** Raised when results cannot be combined; the CLI turns it into one line and exit 2. */
export class MergeMismatch extends Error {}

const MAX_SAMPLE_ERRORS = 10;

function addHistograms(encoded: string[]): Histogram {
  const total = createHistogram(3);
  for (const e of encoded) total.add(decodeHistogram(e));
  return total;
}

function sumErrors(parts: ScenarioResult[]): Record<ErrorClass, number> {
  const out = {} as Record<ErrorClass, number>;
  for (const c of ERROR_CLASSES)
    out[c] = parts.reduce((a, s) => a + (s.operations.errors[c] ?? 0), 0);
  return out;
}

function distinctErrors(parts: ScenarioResult[]): string[] {
  const seen = new Set<string>();
  for (const s of parts) for (const m of s.operations.sampleErrors) seen.add(m);
  return [...seen].slice(0, MAX_SAMPLE_ERRORS);
}

function sumCapacity(parts: ScenarioResult[]): CapacityUsage | undefined {
  const withCap = parts.filter((s) => s.capacity);
  if (withCap.length === 0) return undefined;
  const out: CapacityUsage = { readUnits: 0, writeUnits: 0, byResource: {} };
  for (const s of withCap) {
    const c = s.capacity!;
    out.readUnits += c.readUnits;
    out.writeUnits += c.writeUnits;
    for (const [k, v] of Object.entries(c.byResource)) {
      const r = out.byResource[k] ?? { readUnits: 0, writeUnits: 0 };
      out.byResource[k] = r;
      r.readUnits += v.readUnits;
      r.writeUnits += v.writeUnits;
    }
  }
  return out;
}

function combinePools(parts: ScenarioResult[], parallel: boolean): PoolFigures | undefined {
  const withPool = parts.filter((s) => s.pool);
  if (withPool.length === 0) return undefined;
  const weight = (s: ScenarioResult) => Math.max(1, s.operations.ok);
  const totalWeight = withPool.reduce((a, s) => a + weight(s), 0);
  return {
    size: parallel
      ? withPool.reduce((a, s) => a + s.pool!.size, 0)
      : Math.max(...withPool.map((s) => s.pool!.size)),
    maxWaiting: Math.max(...withPool.map((s) => s.pool!.maxWaiting)),
    meanAcquireMs:
      withPool.reduce((a, s) => a + s.pool!.meanAcquireMs * weight(s), 0) / totalWeight,
  };
}

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

/**
 * Per-second points of several generators on one wall-clock axis. Counts are
 * summed; a merged second's percentiles are the ops-weighted mean of the
 * generators' percentiles for that second (the result keeps no per-second
 * histograms, so they are an approximation; the run summaries are exact), and
 * its max is the largest max.
 */
function alignSeries(
  series: Array<{ offsetS: number; points: TimeSeriesPoint[] }>,
): TimeSeriesPoint[] {
  const bySecond = new Map<number, TimeSeriesPoint[]>();
  for (const { offsetS, points } of series) {
    for (const p of points) {
      const t = p.t + offsetS;
      const list = bySecond.get(t) ?? [];
      list.push(p);
      bySecond.set(t, list);
    }
  }
  return [...bySecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, ps]) => {
      const ops = ps.reduce((a, p) => a + p.ops, 0);
      const weighted = (k: "p50" | "p95" | "p99") =>
        ops === 0
          ? Math.max(...ps.map((p) => p[k]))
          : ps.reduce((a, p) => a + p[k] * p.ops, 0) / ops;
      return {
        t,
        ops,
        errors: ps.reduce((a, p) => a + p.errors, 0),
        dropped: ps.reduce((a, p) => a + p.dropped, 0),
        p50: round3(weighted("p50")),
        p95: round3(weighted("p95")),
        p99: round3(weighted("p99")),
        max: Math.max(...ps.map((p) => p.max)),
      };
    });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function finish(
  base: ScenarioResult,
  parts: ScenarioResult[],
  fields: Pick<
    ScenarioResult,
    "durationMs" | "warmupMs" | "throughput" | "timeSeries" | "model" | "generators"
  >,
  parallel: boolean,
): ScenarioResult {
  const latency = addHistograms(parts.map((s) => s.histograms.latency));
  const service = addHistograms(parts.map((s) => s.histograms.serviceTime));
  const errors = sumErrors(parts);
  const ok = parts.reduce((a, s) => a + s.operations.ok, 0);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const merged: ScenarioResult = {
    ...base,
    ...fields,
    operations: {
      ok,
      errors,
      dropped: parts.reduce((a, s) => a + s.operations.dropped, 0),
      sampleErrors: distinctErrors(parts),
    },
    errorRate: ok + errorCount === 0 ? 0 : errorCount / (ok + errorCount),
    latency: summarize(latency),
    serviceTime: summarize(service),
    histograms: { latency: encodeHistogram(latency), serviceTime: encodeHistogram(service) },
    capacity: sumCapacity(parts),
    pool: combinePools(parts, parallel),
    thresholds: [],
    passed: false,
  };
  if (merged.capacity === undefined) delete merged.capacity;
  if (merged.pool === undefined) delete merged.pool;
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
  const series: TimeSeriesPoint[] = [];
  let offset = 0;
  for (const s of parts) {
    // each part's trailing partial second is left out, so the joined series holds full
    // seconds only (a partial one would read as a throughput drop or a one-operation p99)
    const full = Math.floor(s.durationMs / 1000);
    for (const p of s.timeSeries)
      if (full === 0 || p.t < full) series.push({ ...p, t: p.t + offset });
    offset += full === 0 ? Math.ceil(s.durationMs / 1000) : full;
  }
  const durationMs = parts.reduce((a, s) => a + s.durationMs, 0);
  const ok = parts.reduce((a, s) => a + s.operations.ok, 0);
  return finish(
    parts[0],
    parts,
    {
      durationMs,
      warmupMs: parts[0].warmupMs,
      throughput: durationMs > 0 ? ok / (durationMs / 1000) : 0,
      timeSeries: series,
      model: parts[0].model,
      generators: Math.max(...parts.map((s) => s.generators)),
    },
    false,
  );
}

/** One scenario measured by several generators at the same time. */
export function mergeScenario(
  parts: Array<{ run: RunResult; scenario: ScenarioResult }>,
  origin: number,
): ScenarioResult {
  const scenarios = parts.map((p) => p.scenario);
  const series = parts.map((p) => ({
    offsetS: Math.round((windowStart(p.run, p.scenario) - origin) / 1000),
    points: p.scenario.timeSeries,
  }));
  return finish(
    scenarios[0],
    scenarios,
    {
      durationMs: Math.max(...scenarios.map((s) => s.durationMs)),
      warmupMs: Math.max(...scenarios.map((s) => s.warmupMs)),
      throughput: scenarios.reduce((a, s) => a + s.throughput, 0),
      timeSeries: alignSeries(series),
      model: sumModels(scenarios.map((s) => s.model)),
      generators: scenarios.reduce((a, s) => a + s.generators, 0),
    },
    true,
  );
}

/**
 * Wall-clock start of a scenario's series: the scenario's own `startedAt` when
 * the engine records one, otherwise the run's start (generators of one run run
 * the same scenarios in the same order, so the offsets between them hold).
 */
function windowStart(run: RunResult, scenario: ScenarioResult): number {
  const own = (scenario as { startedAt?: unknown }).startedAt;
  return Date.parse(typeof own === "string" ? own : run.startedAt);
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
  const all = runs.map((r) => r.run);
  const starts = all.map((r) => Date.parse(r.startedAt));
  const ends = all.map((r) => Date.parse(r.endedAt));
  const origin = Math.min(...all.flatMap((r) => r.scenarios.map((s) => windowStart(r, s))));
  const scenarios = all[0].scenarios.map((s) =>
    mergeScenario(
      all.map((run) => ({ run, scenario: run.scenarios.find((x) => x.name === s.name)! })),
      origin,
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
  return {
    format: all[0].format,
    version: all[0].version,
    id,
    startedAt: new Date(Math.min(...starts)).toISOString(),
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
}
