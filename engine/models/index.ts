import os from "node:os";
import { UsageError } from "../../core/errors.ts";
import type { LoadModel } from "../../core/result.ts";
import { closedModel } from "./closed.ts";
import type { LoadFlags, ModelDefinition, ResolveContext } from "./model.ts";
import { openModel } from "./open.ts";
import { MAX_OPEN_RATE_PER_THREAD } from "./open-limit.ts";
import { rampingDurationMs, rampingModel } from "./ramping.ts";
import type { ExecutorSpec, StopFlag } from "./spec.ts";

export type { LoadFlags, ResolveContext, StopFlag };
export { MAX_OPEN_RATE_PER_THREAD, rampingDurationMs };

/** The load models, by type: each file declares how it is validated, split, described and run. */
export const MODELS: {
  [T in LoadModel["type"]]: ModelDefinition<Extract<LoadModel, { type: T }>>;
} = {
  closed: closedModel,
  open: openModel,
  ramping: rampingModel,
};

const definition = (m: LoadModel | LoadModel["type"]) =>
  MODELS[typeof m === "string" ? m : m.type] as unknown as ModelDefinition<LoadModel>;

/** How each load flag is written on the command line (for messages). */
const FLAG_NAMES: Record<keyof LoadFlags, string> = {
  model: "--model",
  rate: "--rate",
  vus: "--vus",
  stages: "--stages",
  startRate: "--start-rate",
  thinkTimeMs: "--think-time",
  maxInFlight: "--max-in-flight",
};

const given = (flags: LoadFlags) =>
  (Object.keys(FLAG_NAMES) as Array<keyof LoadFlags>).filter((k) => flags[k] !== undefined);

/**
 * The load model of one scenario, and every check of load options in one
 * place: the flags as given, completed from the scenario's own default load
 * (used as it is when no flag chooses a shape), must all belong to one model;
 * a flag that would do nothing in its context is refused, naming what it
 * needs.
 */
export function resolveLoad(
  flags: LoadFlags,
  scenarioDefault: LoadFlags | undefined,
  ctx: ResolveContext,
): LoadModel {
  const names = given(flags);
  if (flags.rate !== undefined && flags.vus !== undefined)
    throw new UsageError("run: give --rate (open model) or --vus (closed model), not both");
  if (flags.stages !== undefined && flags.rate !== undefined)
    throw new UsageError(
      "run: give --stages (ramping model) or --rate (open model), not both; use --start-rate for the ramp's first rate",
    );
  if (flags.startRate !== undefined && flags.stages === undefined)
    throw new UsageError(
      "run: --start-rate is the ramping model's first rate and needs --stages, like --stages '10s:100,20s:500' --start-rate 50",
    );
  if (flags.thinkTimeMs !== undefined && flags.vus === undefined)
    throw new UsageError(
      "run: --think-time is the closed model's pause between a VU's operations and needs --vus, like --vus 8 --think-time 10ms",
    );
  if (flags.maxInFlight !== undefined && (flags.vus !== undefined || flags.model === "closed"))
    throw new UsageError(
      "run: --max-in-flight caps open models' arrivals; a closed model has exactly --vus operations in flight: drop --max-in-flight",
    );
  // rate, VUs or stages given: the load is the flags alone; else the flags complete the scenario's default
  const ownShape =
    !names.some((n) => n === "rate" || n === "vus" || n === "stages") &&
    (flags.model === undefined || flags.model === inferType(scenarioDefault ?? {}));
  const base: LoadFlags = ownShape ? { ...scenarioDefault, ...flags } : flags;
  const type = base.model ?? inferType(base);
  const def = definition(type);
  for (const n of names) {
    if (!def.flags.includes(n))
      throw new UsageError(
        `run: ${FLAG_NAMES[n]} does nothing with the ${type} model; ${def.summary}`,
      );
  }
  return def.resolve(base, ctx);
}

function inferType(f: LoadFlags): LoadModel["type"] {
  if (f.model) return f.model;
  if (f.stages) return "ramping";
  if (f.rate !== undefined) return "open";
  return "closed";
}

/** Bounds of one generator's share of the load. */
export interface Bounds {
  warmupMs: number;
  /** measured window in ms; Infinity when only iterations bound the run */
  durationMs: number;
  /** this generator's measured iterations, Infinity for no bound */
  iterations: number;
  timeoutMs: number;
}

/** The measured window: the model's own (ramping: its stages), else the duration given. */
export function windowMs(model: LoadModel, durationMs: number): number {
  return definition(model).durationMs(model) ?? durationMs;
}

/** Runs one load model on this thread (the model's own executor). */
export function runModel(
  model: LoadModel,
  bounds: Bounds,
  common: Pick<ExecutorSpec, "op" | "recorder" | "t0Us" | "stop">,
  phase = 0,
): Promise<void> {
  const spec: ExecutorSpec = {
    ...common,
    endUs: common.t0Us + (bounds.warmupMs + bounds.durationMs) * 1000,
    maxIterations: bounds.iterations,
    timeoutMs: bounds.timeoutMs,
  };
  return definition(model).run(model, spec, bounds.warmupMs, phase);
}

/** Worker `index` of `count`'s share of a model. */
export function splitModel(model: LoadModel, index: number, count: number): LoadModel {
  return definition(model).split(model, index, count);
}

/** Worker `index` of `count`'s share of an iteration bound. */
export function splitIterations(iterations: number, index: number, count: number): number {
  if (!Number.isFinite(iterations)) return iterations;
  return Math.floor(iterations / count) + (index < iterations % count ? 1 : 0);
}

export function describeModel(model: LoadModel): string {
  return definition(model).describe(model);
}

/**
 * Operations per second one load-generator thread sustains with headroom on
 * this kind of machine (see README "Overhead"); `--workers auto` starts one
 * thread per this many operations per second of peak open-model rate, up to
 * the number of CPUs.
 */
export const OPS_PER_THREAD = 8000;

/**
 * Load-generator threads for a model: as given, or `auto` from the peak
 * open-model rate; never more than the model can use. A peak rate above what
 * those threads' schedulers can start is refused, with the threads it needs.
 */
export function chooseWorkers(
  workers: number | "auto",
  model: LoadModel,
  iterations = Number.POSITIVE_INFINITY,
): number {
  const def = definition(model);
  const peak = def.peakRate(model);
  const cpus = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  let n =
    workers !== "auto"
      ? workers
      : peak === undefined
        ? 1
        : Math.max(1, Math.min(cpus, Math.ceil(peak / OPS_PER_THREAD)));
  n = Math.max(1, Math.min(n, def.maxGenerators(model)));
  if (Number.isFinite(iterations)) n = Math.min(n, Math.max(1, iterations));
  if (peak !== undefined && peak > n * MAX_OPEN_RATE_PER_THREAD) {
    const need = Math.ceil(peak / MAX_OPEN_RATE_PER_THREAD);
    const max = (n * MAX_OPEN_RATE_PER_THREAD).toLocaleString("en-US");
    throw new UsageError(
      need > MAX_WORKERS
        ? `run: a rate of ${peak.toLocaleString("en-US")}/s is more than ${MAX_WORKERS} load-generator threads can start (${MAX_OPEN_RATE_PER_THREAD.toLocaleString("en-US")}/s each, the open-model scheduler's maximum; npm run bench:micro measures it); lower the rate to at most ${(MAX_WORKERS * MAX_OPEN_RATE_PER_THREAD).toLocaleString("en-US")}`
        : `run: a rate of ${peak.toLocaleString("en-US")}/s is more than ${n} load-generator thread${n === 1 ? "" : "s"} can start (${MAX_OPEN_RATE_PER_THREAD.toLocaleString("en-US")}/s each, the open-model scheduler's maximum; npm run bench:micro measures it): lower it to at most ${max}, or add threads with --workers ${need}`,
    );
  }
  return n;
}

/** The most load-generator threads `--workers` takes. */
export const MAX_WORKERS = 64;
