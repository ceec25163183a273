import { randomBytes } from "node:crypto";
import type { Endpoints } from "../stores/types.ts";
import { assembleScenario } from "./assemble.ts";
import { describeEnvironment } from "./environment.ts";
import type { Bounds } from "./models/index.ts";
import { rampingDurationMs } from "./models/index.ts";
import type { RunOptions } from "./options.ts";
import { Progress } from "./progress.ts";
import type { ScenarioEntry } from "./registry.ts";
import {
  type LoadModel,
  RESULT_FORMAT,
  RESULT_VERSION,
  type RunResult,
  type ScenarioResult,
} from "./result.ts";
import { runScenario } from "./run-scenario.ts";
import type { Scenario } from "./scenario.ts";
import type { Threshold } from "./thresholds.ts";

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
    durationMs: model.type === "ramping" ? rampingDurationMs(model) : options.durationMs,
    iterations: options.iterations,
    timeoutMs: options.timeoutMs,
  };
}

/**
 * Runs the planned scenarios one after the other (each with its warm-up),
 * showing live progress, and assembles the RunResult. Thresholds are already
 * parsed; nothing here validates input.
 */
export async function executeRun(
  options: RunOptions,
  planned: PlannedScenario[],
  endpoints: Endpoints | undefined,
): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const scenarios: ScenarioResult[] = [];
  for (const p of planned) {
    const total = Number.isFinite(p.bounds.durationMs)
      ? p.bounds.warmupMs + p.bounds.durationMs
      : undefined;
    const progress = new Progress(p.entry.name, total, process.stderr, options.quiet, {
      warmupMs: p.bounds.warmupMs,
    });
    try {
      const run = await runScenario(
        { url: p.entry.url, scenario: p.scenario },
        {
          model: p.model,
          bounds: p.bounds,
          workers: p.workers,
          connections: options.connections,
          data: { scale: options.data.scale, seed: options.data.seed },
          endpoints,
        },
        (stats) => progress.attach(stats),
      );
      scenarios.push(
        assembleScenario(
          {
            name: p.entry.name,
            description: p.entry.description,
            stores: p.stores,
            model: p.model,
            bounds: p.bounds,
            generators: run.generators,
          },
          run.outcome,
          p.thresholds,
        ),
      );
    } finally {
      progress.stop();
    }
  }
  const uses = {
    postgres: planned.some((p) => p.stores.includes("postgres")),
    dynamodb: planned.some((p) => p.stores.includes("dynamodb")),
  };
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    id: `${startedAt.replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`,
    startedAt,
    endedAt: new Date().toISOString(),
    environment: await describeEnvironment(endpoints, uses),
    data: { ...options.data },
    config: runConfig(options, planned),
    scenarios,
    passed: scenarios.every((s) => s.passed),
  };
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
  };
}
