import type { LoadModel, ScenarioResult } from "../core/result.ts";
import { runStep } from "../engine/run-step.ts";
import type { Endpoints } from "../stores/types.ts";
import type { PatternSource } from "./patterns.ts";

/**
 * A short measured run of one access pattern through the engine (closed
 * model, one load-generator thread): latency percentiles from its
 * HdrHistogram and the throughput, as a ScenarioResult.
 */
export interface BenchOptions {
  durationMs: number;
  warmupMs: number;
  vus: number;
  data: { scale: string; seed: number };
}

export async function benchPattern(
  source: PatternSource,
  endpoints: Endpoints,
  opts: BenchOptions,
): Promise<ScenarioResult> {
  const model: LoadModel = { type: "closed", vus: opts.vus, thinkTimeMs: 0 };
  const bounds = {
    warmupMs: opts.warmupMs,
    durationMs: opts.durationMs,
    iterations: Number.POSITIVE_INFINITY,
    timeoutMs: 30_000,
  };
  return runStep({ url: source.url }, model, bounds, {
    workers: 1,
    connections: opts.vus,
    data: opts.data,
    endpoints,
    name: source.name,
    description: "",
  });
}
