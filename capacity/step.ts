import type { LoadModel, ScenarioResult } from "../core/result.ts";
import type { Threshold } from "../core/thresholds.ts";
import { runStep, type ScenarioSource } from "../engine/run-step.ts";
import type { Endpoints } from "../stores/types.ts";
import type { StepFigures } from "./types.ts";

/** What a sweep runs: one scenario, and how the engine reaches its stores. */
export interface SweepTarget {
  name: string;
  source: ScenarioSource;
  endpoints?: Endpoints;
  data?: { scale: string; seed: number };
  /** load-generator threads (default 1: a sweep's rates stay far below one thread's limit) */
  workers?: number;
  signal?: AbortSignal;
}

/** The timing of each step of a sweep. */
export interface StepTiming {
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
}

/** One measured step through the engine's runStep: nothing added per operation. */
export function measureStep(
  target: SweepTarget,
  model: LoadModel,
  timing: StepTiming,
  connections: number,
  thresholds: Threshold[] = [],
): Promise<ScenarioResult> {
  return runStep(
    target.source,
    model,
    { ...timing, iterations: Number.POSITIVE_INFINITY },
    {
      workers: target.workers ?? 1,
      connections,
      data: target.data ?? { scale: "tiny", seed: 1 },
      endpoints: target.endpoints,
      thresholds,
      signal: target.signal,
      name: target.name,
    },
  );
}

/** A step's figures as the sweep's result keeps them (the latency histogram included). */
export function figuresOf(r: ScenarioResult): StepFigures {
  const errors = Object.values(r.operations.errors).reduce((a, b) => a + b, 0);
  return {
    durationS: r.durationMs / 1000,
    operations: r.operations.ok + errors,
    throughput: r.throughput,
    errors,
    latencyMs: {
      p50: r.latency.p50,
      p95: r.latency.p95,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    serviceTimeMs: { p50: r.serviceTime.p50, p95: r.serviceTime.p95, p99: r.serviceTime.p99 },
    histogram: r.histograms.latency,
  };
}
