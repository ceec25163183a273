import { randomBytes } from "node:crypto";
import {
  type LoadModel,
  RESULT_FORMAT,
  RESULT_VERSION,
  type RunResult,
  type ScenarioResult,
} from "../../core/result.ts";
import type { Threshold } from "../../core/thresholds.ts";
import { startBarrier } from "../../engine/barrier.ts";
import { describeEnvironment } from "../../engine/environment.ts";
import { type Bounds, windowMs } from "../../engine/models/index.ts";
import type { RunOptions } from "../../engine/options.ts";
import type { ScenarioEntry } from "../../engine/registry.ts";
import { runStep } from "../../engine/run-step.ts";
import type { Scenario } from "../../engine/scenario.ts";
import { DEFAULT_EPOCH } from "../../generators/scale.ts";
import { Progress } from "../../reports/progress.ts";
import {
  DATA_EPOCH_ENV,
  DEFAULT_ISOLATION,
  ISOLATION_ENV,
  RUN_STARTED_ENV,
} from "../../scenarios/lib/writes.ts";
import type { Endpoints } from "../../stores/types.ts";

/** One scenario of a run, fully resolved before anything starts. */
export interface PlannedScenario {
  entry: ScenarioEntry;
  /** run this object on the main thread instead of importing entry.url (tests) */
  scenario?: Scenario;
  stores: Array<"postgres" | "dynamodb" | "http">;
  model: LoadModel;
  bounds: Bounds;
  workers: number;
  thresholds: Threshold[];
}

/** The measured window of a scenario: ramping models last as long as their stages. */
export function boundsFor(options: RunOptions, model: LoadModel): Bounds {
  return {
    warmupMs: options.warmupMs,
    durationMs: windowMs(model, options.durationMs),
    iterations: options.iterations,
    timeoutMs: options.timeoutMs,
  };
}

/**
 * Runs the planned scenarios one after the other (each with its warm-up)
 * through the engine's runStep, showing live progress, and assembles the
 * RunResult. Thresholds are already parsed; nothing here validates input.
 * When a scenario is aborted (an abortOnFail threshold, or `signal`: Ctrl-C)
 * the run stops there and the result says so.
 */
export async function executeRun(
  options: RunOptions,
  planned: PlannedScenario[],
  endpoints: Endpoints | undefined,
  signal?: AbortSignal,
): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  // the write scenarios' isolation level and the data's clock, read by each worker thread
  // (scenarios/lib/writes.ts); worker threads copy the environment when they start
  const clock = dataClockOf(Date.parse(startedAt), options.isolation);
  const scenarios: ScenarioResult[] = [];
  // a mix starts every scenario at once, after all their setups
  const barrier = options.mix !== undefined ? startBarrier(planned.length) : undefined;
  const step = async (p: PlannedScenario, quiet: boolean): Promise<ScenarioResult> => {
    const total = Number.isFinite(p.bounds.durationMs)
      ? p.bounds.warmupMs + p.bounds.durationMs
      : undefined;
    const progress = new Progress(p.entry.name, total, process.stderr, quiet, {
      warmupMs: p.bounds.warmupMs,
    });
    try {
      return await runStep({ url: p.entry.url, scenario: p.scenario }, p.model, p.bounds, {
        workers: p.workers,
        connections: options.mix
          ? Math.max(2, Math.round(options.connections / planned.length))
          : options.connections,
        data: { scale: options.data.scale, seed: options.data.seed },
        endpoints,
        thresholds: p.thresholds,
        signal,
        live: (stats) => progress.attach(stats),
        name: p.entry.name,
        description: p.entry.description,
        ready: barrier?.arrive,
      });
    } catch (e) {
      barrier?.fail(e);
      throw e;
    } finally {
      progress.stop();
    }
  };
  if (options.mix !== undefined) {
    // a mixed workload: every scenario at once, each its own result (live progress: the first)
    scenarios.push(...(await Promise.all(planned.map((p, i) => step(p, options.quiet || i > 0)))));
  } else {
    for (const p of planned) {
      if (signal?.aborted) break;
      const result = await step(p, options.quiet);
      scenarios.push(result);
      if (result.aborted) break;
    }
  }
  const uses = {
    postgres: planned.some((p) => p.stores.includes("postgres")),
    dynamodb: planned.some((p) => p.stores.includes("dynamodb")),
  };
  const run: RunResult = {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    id: `${startedAt.replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`,
    startedAt,
    endedAt: new Date().toISOString(),
    environment: await describeEnvironment(endpoints, uses),
    data: { ...options.data },
    config: { ...runConfig(options, planned), dataClock: clock },
    scenarios,
    passed: scenarios.length === planned.length && scenarios.every((s) => s.passed),
  };
  const aborted = scenarios.find((s) => s.aborted);
  if (aborted?.aborted) run.aborted = { reason: `${aborted.name}: ${aborted.aborted.reason}` };
  else if (signal?.aborted) run.aborted = { reason: "stopped before the next scenario" };
  return run;
}

/** The options as stored in the result (JSON-safe: unbounded values become null). */
function runConfig(options: RunOptions, planned: PlannedScenario[]): Record<string, unknown> {
  const finite = (n: number) => (Number.isFinite(n) ? n : null);
  return {
    scenarios: planned.map((p) => p.entry.name),
    load: options.load,
    warmupMs: options.warmupMs,
    durationMs: finite(options.durationMs),
    iterations: finite(options.iterations),
    timeoutMs: options.timeoutMs,
    workers: options.workers,
    connections: options.connections,
    thresholdFlags: options.thresholds,
    targetsFile: options.targetsFile ?? "scenarios/targets.json",
    thresholds: Object.fromEntries(
      planned.map((p) => [p.entry.name, p.thresholds.map((t) => `${t.metric}:${t.expression}`)]),
    ),
    models: Object.fromEntries(planned.map((p) => [p.entry.name, p.model])),
    ...(options.mix !== undefined ? { mix: options.mix } : {}),
    isolation: options.isolation ?? DEFAULT_ISOLATION,
  };
}

/**
 * The data's clock of this run: the epoch of the loaded data (its "now") and
 * the instant the run began; write scenarios stamp rows with
 * epoch + (wall clock - runStartedAt). Passed to worker threads in the environment.
 */
function dataClockOf(
  runStartedMs: number,
  isolation: string | undefined,
): { epoch: string; runStartedAt: string } {
  const epoch = process.env[DATA_EPOCH_ENV] || DEFAULT_EPOCH;
  process.env[RUN_STARTED_ENV] = String(runStartedMs);
  process.env[ISOLATION_ENV] = isolation ?? DEFAULT_ISOLATION;
  return {
    epoch: new Date(epoch).toISOString(),
    runStartedAt: new Date(runStartedMs).toISOString(),
  };
}
