import type { LoadModel } from "../../core/result.ts";
import type { ExecutorSpec } from "./spec.ts";

/**
 * The load flags as given (`run --rate 200`, a scenario's default load, or a
 * library caller's); a load model's definition turns them into a LoadModel.
 */
export interface LoadFlags {
  model?: LoadModel["type"];
  rate?: number;
  vus?: number;
  stages?: Array<{ durationMs: number; target: number }>;
  startRate?: number;
  thinkTimeMs?: number;
  maxInFlight?: number;
}

/** What resolving a model may use besides the flags. */
export interface ResolveContext {
  /** per-operation timeout, ms (the default max in flight follows from it) */
  timeoutMs: number;
  /** connections to each store: the closed model's default VUs */
  connections: number;
}

/**
 * One load model (k6's executors are the pattern): how it is chosen from
 * flags and validated, split across generator threads, described, and run.
 * A new model is one new file exporting a ModelDefinition, added to the
 * registry in engine/models/index.ts.
 */
export interface ModelDefinition<M extends LoadModel = LoadModel> {
  type: M["type"];
  /** one line for --help and error messages: what the model is and which flags make it */
  summary: string;
  /** the flags this model takes (any other load flag with it is refused) */
  flags: ReadonlyArray<keyof LoadFlags>;
  /** flags -> model; throws UsageError naming the flag it needs */
  resolve(flags: LoadFlags, ctx: ResolveContext): M;
  /** the measured window this model sets itself (ramping: its stages), else undefined */
  durationMs(model: M): number | undefined;
  /** the highest arrival rate, ops/s (open models), else undefined */
  peakRate(model: M): number | undefined;
  /** worker `index` of `count`'s share */
  split(model: M, index: number, count: number): M;
  /** most generator threads worth using (closed: one per VU) */
  maxGenerators(model: M): number;
  /** e.g. "open, 50/s, max 100 in flight" */
  describe(model: M): string;
  /** runs one generator's share on this thread */
  run(model: M, spec: ExecutorSpec, warmupMs: number, phase: number): Promise<void>;
}

/**
 * The one rule for the default in-flight cap of open models: the operations
 * that can be running when every arrival of one timeout is still in flight
 * (rate x timeout), at least 64 and at most 10,000.
 */
export function defaultMaxInFlight(peakRate: number, timeoutMs: number): number {
  return Math.min(10_000, Math.max(64, Math.ceil((peakRate * timeoutMs) / 1000)));
}

/** Number formatting for model descriptions: integers as they are, else 2-3 significant digits. */
export function rateText(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
