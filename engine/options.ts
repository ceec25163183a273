import os from "node:os";
import { UsageError } from "../scripts/lib/errors.ts";
import type { LoadModel } from "./result.ts";

/**
 * The declarative options of a run (k6's `options` object): which
 * scenarios, what load, for how long, against what data, checked against
 * which thresholds. `bellyfed-bench run` builds it from flags; it is stored
 * in the result's `config`.
 */
export interface RunOptions {
  scenarios: string[];
  /** the load for every scenario; undefined: each scenario's default model */
  load: LoadFlags;
  warmupMs: number;
  /** measured window; Infinity when only `iterations` bounds the run */
  durationMs: number;
  /** measured iterations; Infinity for no bound */
  iterations: number;
  timeoutMs: number;
  workers: number | "auto";
  /** connections to each store, in total across worker threads */
  connections: number;
  data: { scale: string; seed: number; indexSet: string };
  /** `--threshold` flags: `[SCENARIO/][METRIC:]EXPRESSION` */
  thresholds: string[];
  targetsFile?: string;
  out?: string;
  quiet: boolean;
}

/** The load flags as given; what is missing comes from the scenario's default model. */
export interface LoadFlags {
  model?: "closed" | "open" | "ramping";
  rate?: number;
  vus?: number;
  stages?: Array<{ durationMs: number; target: number }>;
  startRate?: number;
  thinkTimeMs?: number;
  maxInFlight?: number;
}

export const DEFAULT_VUS = 8;
/**
 * Operations per second one load-generator thread sustains with headroom on
 * this kind of machine (see README "Overhead"); `--workers auto` starts one
 * thread per this many operations per second of peak open-model rate, up to
 * the number of CPUs.
 */
export const OPS_PER_THREAD = 8000;

/** The load model of one scenario: the flags, completed from the scenario's default. */
export function resolveModel(
  flags: LoadFlags,
  fallback: LoadModel | undefined,
  timeoutMs: number,
  defaultVus = DEFAULT_VUS,
): LoadModel {
  if (flags.rate !== undefined && flags.vus !== undefined)
    throw new UsageError("run: give --rate (open model) or --vus (closed model), not both");
  if (flags.stages !== undefined && flags.rate !== undefined)
    throw new UsageError(
      "run: give --stages (ramping model) or --rate (open model), not both; use --start-rate for the ramp's first rate",
    );
  const type =
    flags.model ??
    (flags.stages
      ? "ramping"
      : flags.rate !== undefined
        ? "open"
        : flags.vus !== undefined
          ? "closed"
          : (fallback?.type ?? "closed"));
  const inFlight = (peak: number) =>
    flags.maxInFlight ?? Math.min(10_000, Math.max(64, Math.ceil((peak * timeoutMs) / 1000)));
  if (type === "closed") {
    if (flags.rate !== undefined || flags.stages !== undefined)
      throw new UsageError(
        "run: --model closed takes --vus N (and --think-time), not --rate or --stages",
      );
    const vus = flags.vus ?? (fallback?.type === "closed" ? fallback.vus : defaultVus);
    const thinkTimeMs =
      flags.thinkTimeMs ?? (fallback?.type === "closed" ? fallback.thinkTimeMs : 0);
    return { type: "closed", vus, thinkTimeMs };
  }
  if (flags.vus !== undefined)
    throw new UsageError(
      `run: --model ${type} takes ${type === "open" ? "--rate R" : "--stages"}, not --vus`,
    );
  if (type === "open") {
    const rate = flags.rate ?? (fallback?.type === "open" ? fallback.rate : undefined);
    if (rate === undefined)
      throw new UsageError(
        "run: --model open needs --rate R (operations per second), like --rate 500",
      );
    // the scenario's own cap goes with its own rate; another --rate gets rate x timeout
    const maxInFlight =
      flags.maxInFlight ??
      (fallback?.type === "open" && flags.rate === undefined
        ? fallback.maxInFlight
        : inFlight(rate));
    return { type: "open", rate, maxInFlight };
  }
  const stages = flags.stages ?? (fallback?.type === "ramping" ? fallback.stages : undefined);
  if (stages === undefined)
    throw new UsageError("run: --model ramping needs --stages, like --stages '10s:100,20s:500'");
  const startRate = flags.startRate ?? (fallback?.type === "ramping" ? fallback.startRate : 0);
  const peak = Math.max(startRate, ...stages.map((s) => s.target));
  const maxInFlight =
    flags.maxInFlight ??
    (fallback?.type === "ramping" && flags.stages === undefined
      ? fallback.maxInFlight
      : inFlight(peak));
  return { type: "ramping", stages, startRate, maxInFlight };
}

/** `--stages '10s:100,20s:500'` → stages (duration, then target rate per second). */
export function parseStages(text: string, parseDuration: (flag: string, t: string) => number) {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0)
    throw new UsageError("--stages is empty; write it like --stages '10s:100,20s:500'");
  return parts.map((p) => {
    const m = /^([^:]+):\s*(\d+(?:\.\d+)?)$/.exec(p);
    if (!m)
      throw new UsageError(
        `--stages '${p}' is malformed; write each stage as DURATION:RATE, like 10s:100`,
      );
    return { durationMs: parseDuration("stages", m[1]), target: Number(m[2]) };
  });
}

/** Load-generator threads for a model: as given, or `auto` from the peak open-model rate. */
export function chooseWorkers(workers: number | "auto", model: LoadModel): number {
  if (workers !== "auto") return workers;
  const cpus = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  if (model.type === "closed") return 1;
  const peak =
    model.type === "open"
      ? model.rate
      : Math.max(model.startRate, ...model.stages.map((s) => s.target));
  return Math.max(1, Math.min(cpus, Math.ceil(peak / OPS_PER_THREAD)));
}
