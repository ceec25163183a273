import type { LoadModel } from "../result.ts";
import { ArrivalSchedule, type RateSegment } from "./arrivals.ts";
import { runClosed } from "./closed.ts";
import { runOpen } from "./open.ts";
import { rampingDurationMs, rampingSegments } from "./ramping.ts";
import type { ExecutorSpec } from "./spec.ts";

export { rampingDurationMs };

/** Bounds of one generator's share of the load. */
export interface Bounds {
  warmupMs: number;
  /** measured window in ms; Infinity when only iterations bound the run */
  durationMs: number;
  /** this generator's measured iterations, Infinity for no bound */
  iterations: number;
  timeoutMs: number;
}

/** Runs one load model on this thread: the executors of models/closed.ts and models/open.ts. */
export function runModel(
  model: LoadModel,
  bounds: Bounds,
  common: Pick<ExecutorSpec, "op" | "recorder" | "t0Us">,
  phase = 0,
): Promise<void> {
  const endUs = common.t0Us + (bounds.warmupMs + bounds.durationMs) * 1000;
  const spec: ExecutorSpec = {
    ...common,
    endUs,
    maxIterations: bounds.iterations,
    timeoutMs: bounds.timeoutMs,
  };
  switch (model.type) {
    case "closed":
      return runClosed({ ...spec, vus: model.vus, thinkTimeMs: model.thinkTimeMs });
    case "open": {
      const total = (bounds.warmupMs + bounds.durationMs) / 1000;
      const segments: RateSegment[] = [{ durationS: total, from: model.rate, to: model.rate }];
      return runOpen({
        ...spec,
        schedule: new ArrivalSchedule(segments, phase),
        maxInFlight: model.maxInFlight,
      });
    }
    case "ramping":
      return runOpen({
        ...spec,
        schedule: new ArrivalSchedule(rampingSegments(model, bounds.warmupMs), phase),
        maxInFlight: model.maxInFlight,
      });
  }
}

/** Worker `index` of `count`'s share of a model: VUs, rates and in-flight limits split evenly. */
export function splitModel(model: LoadModel, index: number, count: number): LoadModel {
  const share = (n: number) => Math.floor(n / count) + (index < n % count ? 1 : 0);
  switch (model.type) {
    case "closed":
      return { ...model, vus: share(model.vus) };
    case "open":
      return {
        ...model,
        rate: model.rate / count,
        maxInFlight: Math.max(1, Math.ceil(model.maxInFlight / count)),
      };
    case "ramping":
      return {
        ...model,
        startRate: model.startRate / count,
        stages: model.stages.map((s) => ({ ...s, target: s.target / count })),
        maxInFlight: Math.max(1, Math.ceil(model.maxInFlight / count)),
      };
  }
}

/** Worker `index` of `count`'s share of an iteration bound. */
export function splitIterations(iterations: number, index: number, count: number): number {
  if (!Number.isFinite(iterations)) return iterations;
  return Math.floor(iterations / count) + (index < iterations % count ? 1 : 0);
}
